import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { fetcher } from '@/lib/http';
import { SessionSync } from 'next-auth-server-session/client';
import { SessionTheme } from './SessionTheme';

/** SWR keys whose data is per-user: refetched whenever the session's content changes. */
const SESSION_DEPENDENT_KEYS = ['/api/cart', '/api/profile'] as const;

/**
 * Session + data fetching for the whole app: next-auth's provider, SWR with our fetcher
 * (it reports every response to the toolkit), and the toolkit's bridge between them.
 */
export function AppProviders({ session, children }: { session?: Session | null; children: ReactNode }) {
  return (
    <SessionProvider session={session}>
      <SWRConfig value={{ fetcher }}>
        <SessionSync refreshKeys={SESSION_DEPENDENT_KEYS}>
          <SessionTheme />
          {children}
        </SessionSync>
      </SWRConfig>
    </SessionProvider>
  );
}
