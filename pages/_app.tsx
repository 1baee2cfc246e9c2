import type { AppProps } from 'next/app';
import type { Session } from 'next-auth';
import { SessionProvider } from 'next-auth/react';
import { SWRConfig } from 'swr';
import { Header } from '@/components/Header';
import { SessionSync } from '@/components/SessionSync';
import { fetcher } from '@/lib/http';
import '@/styles/globals.css';

export default function App({ Component, pageProps }: AppProps<{ session?: Session | null }>) {
  const { session, ...rest } = pageProps;
  return (
    <SessionProvider session={session}>
      <SWRConfig value={{ fetcher }}>
        <SessionSync>
          <Header />
          <main className="main">
            <Component {...rest} />
          </main>
        </SessionSync>
      </SWRConfig>
    </SessionProvider>
  );
}
