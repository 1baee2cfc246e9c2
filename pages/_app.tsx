import type { AppProps } from 'next/app';
import type { Session } from 'next-auth';
import { AppProviders } from '@/components/AppProviders';
import { Header } from '@/components/Header';
import '@/styles/globals.css';

export default function App({ Component, pageProps }: AppProps<{ session?: Session | null }>) {
  const { session, ...rest } = pageProps;
  return (
    <AppProviders session={session}>
      <Header />
      <main className="main">
        <Component {...rest} />
      </main>
    </AppProviders>
  );
}
