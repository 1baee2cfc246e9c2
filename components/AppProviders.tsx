import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import type { ReactNode } from 'react';
import { SWRConfig } from 'swr';
import { fetcher } from '@/lib/http';
import { SessionSync } from './SessionSync';

/** Session + data fetching for the whole app: next-auth's provider, SWR with our fetcher, and the bridge between them. */
export function AppProviders({ session, children }: { session?: Session | null; children: ReactNode }) {
  return (
    <SessionProvider session={session}>
      <SWRConfig value={{ fetcher }}>
        <SessionSync>{children}</SessionSync>
      </SWRConfig>
    </SessionProvider>
  );
}
