import { signOut } from 'next-auth/react';
import { useState } from 'react';
import { send } from '@/lib/http';
import { FieldError } from './FieldError';

/** Revokes every session of this user (all browsers and devices), then leaves this one signed out. */
export function SignOutEverywhere() {
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function revokeAll() {
    setBusy(true);
    setError(null);
    try {
      await send('POST', '/api/session/revoke-all');
      await signOut({ callbackUrl: '/signin' });
    } catch (caught) {
      setError(caught);
      setBusy(false);
    }
  }

  return (
    <div className="field">
      <button type="button" className="button button--ghost" onClick={revokeAll} disabled={busy} data-testid="revoke-all">
        {busy ? 'Signing out everywhere…' : 'Sign out everywhere'}
      </button>
      <FieldError error={error} />
    </div>
  );
}
