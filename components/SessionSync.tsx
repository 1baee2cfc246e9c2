import { signOut, useSession } from 'next-auth/react';
import { type ReactNode, useEffect, useLayoutEffect, useRef } from 'react';
import { useSWRConfig } from 'swr';
import { registerSessionHandlers } from '@/lib/http';
import { useTheme } from './use-theme';

/**
 * next-auth broadcasts an update to other tabs by writing `nextauth.message` to
 * localStorage with a timestamp in whole seconds. Two updates in the same second write
 * the same value, the browser fires no `storage` event, and the other tabs miss the
 * second change. Clearing the key first makes every write a change (a removal event
 * carries no message, which next-auth's listener ignores).
 */
const NEXTAUTH_BROADCAST_KEY = 'nextauth.message';

async function updateAndBroadcast(update: () => Promise<unknown>): Promise<unknown> {
  try {
    window.localStorage.removeItem(NEXTAUTH_BROADCAST_KEY);
  } catch {
    // storage unavailable (private mode): next-auth cannot broadcast either
  }
  return update();
}

/** SWR keys whose data is per-user: refetched whenever the session's content changes. */
export const SESSION_DEPENDENT_KEYS = ['/api/cart', '/api/profile'] as const;

/**
 * Connects the fetch wrapper's signals to next-auth's public client API:
 * "revalidate" -> `useSession().update()` (this tab's provider updates, and next-auth
 * broadcasts so the other tabs refetch theirs); "signed out" (a 401 from our API) ->
 * `signOut({ redirect: false })`, so the UI shows the signed-out state without a
 * redirect loop. When the session's content changes, in this tab or through another
 * tab's broadcast, the per-user SWR keys are revalidated.
 */
export function SessionSync({ children }: { children: ReactNode }) {
  const { data: session, update } = useSession();
  const { mutate } = useSWRConfig();
  const updateRef = useRef(update);
  const fingerprint = session ? JSON.stringify([session.user, session.cart]) : null;
  const previousFingerprint = useRef(fingerprint);

  // Layout effect: the ref holds the newest update() before any timer (the revalidation's
  // burst window) can fire; an older closure may still see "loading" and do nothing.
  useLayoutEffect(() => {
    updateRef.current = update;
  }, [update]);

  useEffect(
    () =>
      registerSessionHandlers({
        revalidate: () => updateAndBroadcast(updateRef.current),
        signedOut: () => signOut({ redirect: false }),
      }),
    [],
  );

  useEffect(() => {
    if (previousFingerprint.current === fingerprint) return;
    previousFingerprint.current = fingerprint;
    for (const key of SESSION_DEPENDENT_KEYS) void mutate(key);
  }, [fingerprint, mutate]);

  useTheme(session?.user.preferences.theme);
  return <>{children}</>;
}
