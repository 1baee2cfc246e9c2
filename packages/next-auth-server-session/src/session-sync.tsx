import { signOut, useSession } from 'next-auth/react';
import { type ReactNode, useEffect, useLayoutEffect, useRef } from 'react';
import { type Arguments, type Key, useSWRConfig } from 'swr';
import { registerSessionHandlers } from './session-signals';

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

/**
 * The session's content, whatever fields the app's session callback returns. `expires` is
 * left out: next-auth moves it forward on every session read, so it would make each
 * revalidation look like a change.
 */
function fingerprintOf(session: object | null | undefined): string | null {
  return session ? JSON.stringify({ ...session, expires: undefined }) : null;
}

/** As `useSWR` reads keys: a function is called for the key (`mutate` would take it as a filter). */
function resolveKey(key: Key): Arguments {
  if (typeof key !== 'function') return key;
  try {
    return key();
  } catch {
    return null;
  }
}

/** Registers "revalidate" (`update()` + broadcast) and "sign out" for the fetch-side signals. */
function useSessionHandlers(update: () => Promise<unknown>): void {
  const updateRef = useRef(update);

  // Layout effect: the ref holds the newest update() before any timer (the revalidation's
  // burst window) can fire; an older closure may still see "loading" and do nothing.
  useLayoutEffect(() => {
    updateRef.current = update;
  }, [update]);

  useEffect(
    () =>
      registerSessionHandlers({
        revalidate: () => updateAndBroadcast(updateRef.current),
        signOut: () => signOut({ redirect: false }),
      }),
    [],
  );
}

function useRefreshOnChange(fingerprint: string | null, refreshKeys: readonly Key[]): void {
  const { mutate } = useSWRConfig();
  const previousFingerprint = useRef(fingerprint);
  // An inline `refreshKeys={[...]}` is a new array on every render: refreshing follows the
  // session's content, not the prop's identity.
  const keysRef = useRef(refreshKeys);
  useLayoutEffect(() => {
    keysRef.current = refreshKeys;
  });

  useEffect(() => {
    if (previousFingerprint.current === fingerprint) return;
    previousFingerprint.current = fingerprint;
    for (const key of keysRef.current) {
      const resolved = resolveKey(key);
      if (resolved) void mutate(resolved);
    }
  }, [fingerprint, mutate]);
}

export interface SessionSyncProps {
  /** SWR keys holding per-user data, revalidated whenever the session's content changes. */
  refreshKeys?: readonly Key[];
  children: ReactNode;
}

const NO_KEYS: readonly Key[] = [];

/**
 * Connects the response signals (`noticeSessionResponse`, `requestSignOut`, the SWR
 * middleware) to next-auth's public client API: "revalidate" -> `useSession().update()`
 * (this tab's provider updates, and next-auth broadcasts so the other tabs refetch
 * theirs); "sign out" -> `signOut({ redirect: false })`, so the UI shows the signed-out
 * state without a redirect loop. When the session's content changes, in this tab or
 * through another tab's broadcast, `refreshKeys` are revalidated.
 * Mount it once, inside `SessionProvider` and `SWRConfig`.
 *
 * @example
 * <SessionProvider session={session}>
 *   <SWRConfig value={{ fetcher }}>
 *     <SessionSync refreshKeys={['/api/cart', '/api/profile']}>{children}</SessionSync>
 *   </SWRConfig>
 * </SessionProvider>
 */
export function SessionSync({ refreshKeys = NO_KEYS, children }: SessionSyncProps) {
  const { data: session, update } = useSession();
  useSessionHandlers(update);
  useRefreshOnChange(fingerprintOf(session), refreshKeys);
  return <>{children}</>;
}
