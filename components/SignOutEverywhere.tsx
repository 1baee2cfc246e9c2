import { signOut } from 'next-auth/react';
import { send } from '@/lib/http';
import { FieldError } from './FieldError';
import { useAsyncAction } from './use-async-action';

/** Revokes every session of this user (all browsers and devices), then leaves this one signed out. */
export function SignOutEverywhere() {
  const { run: revokeAll, error, pending: busy } = useAsyncAction(async () => {
    await send('POST', '/api/session/revoke-all');
    await signOut({ callbackUrl: '/signin' });
  });

  return (
    <div className="field">
      <button type="button" className="button button--ghost" onClick={() => void revokeAll()} disabled={busy} data-testid="revoke-all">
        {busy ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
      <FieldError error={error} />
    </div>
  );
}
