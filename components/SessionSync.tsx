import { signOut, useSession } from 'next-auth/react';
import { type ReactNode, useEffect, useRef } from 'react';
import { useSWRConfig } from 'swr';
import { registerSessionHandlers } from '@/lib/http';
import { useTheme } from './use-theme';

/** SWR keys whose data is per-user: refetched after every session revalidation. */
export const SESSION_DEPENDENT_KEYS = ['/api/cart', '/api/profile'] as const;

/**
 * Connects the fetch wrapper's signals to next-auth's public client API:
 * "revalidate" -> `useSession().update()` (this tab's provider updates, next-auth
 * broadcasts to the other tabs) and then the per-user SWR keys; "signed out" (a 401
 * from our API) -> `signOut({ redirect: false })`, so the UI shows the signed-out state
 * without a redirect loop.
 */
export function SessionSync({ children }: { children: ReactNode }) {
  const { data: session, update } = useSession();
  const { mutate } = useSWRConfig();
  const updateRef = useRef(update);

  useEffect(() => {
    updateRef.current = update;
  }, [update]);

  useEffect(
    () =>
      registerSessionHandlers({
        revalidate: async () => {
          await updateRef.current();
          await Promise.all(SESSION_DEPENDENT_KEYS.map((key) => mutate(key)));
        },
        signedOut: () => signOut({ redirect: false }),
      }),
    [mutate],
  );

  useTheme(session?.user.preferences.theme);
  return <>{children}</>;
}
