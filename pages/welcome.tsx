import type { GetServerSideProps } from 'next';
import type { Session } from 'next-auth';
import Link from 'next/link';
import { formatCents } from '@/components/format';
import { refuseEndedSession, requireSessionForWrite, RouteError, sessionOrThrow } from '@/lib/api';
import { getSessions } from '@/lib/auth';
import { pickBrowserLocale } from '@/lib/browser-locale';
import { getStore } from '@/lib/db';
import { DEFAULT_PREFERENCES } from '@/lib/preferences';
import type { RequestSession } from 'next-auth-server-session';

interface Props {
  /** Taken by _app for its SessionProvider, which then starts from the updated session. */
  session: Session;
  name: string;
  locale: string;
  fromBrowser: boolean;
}

const SIGN_IN = { redirect: { destination: '/signin?callbackUrl=/welcome', permanent: false } } as const;

/**
 * A user still on the default locale takes the browser's language, when the app has it; a
 * locale set to anything else is left alone. Only ever the browser's own choice, so a GET may
 * do it: a repeat, or a visit someone else provoked, changes nothing further. The store first
 * (guarded: a session revoked meanwhile writes nothing); the caller's update then projects it.
 */
async function adoptBrowserLocale(session: RequestSession, acceptLanguage: string | undefined): Promise<boolean> {
  const { userId, guard } = await requireSessionForWrite(session);
  const locale = pickBrowserLocale(acceptLanguage);
  const store = await getStore();
  const user = await store.findUserById(userId);
  if (!user) return refuseEndedSession(session, userId);
  if (!locale || user.preferences.locale !== DEFAULT_PREFERENCES.locale || locale === user.preferences.locale) return false;
  if (!(await store.updateProfile(userId, { preferences: { locale } }, guard))) await refuseEndedSession(session, userId);
  return true;
}

/**
 * GET /welcome: the session is checked as every API route checks it (signed out, revoked,
 * disabled: to sign-in), updated from the store, and the page renders the updated session.
 */
export const getServerSideProps: GetServerSideProps<Props> = async ({ req, res }) => {
  const session = getSessions().forRequest(req, res);
  try {
    const fromBrowser = await adoptBrowserLocale(session, req.headers['accept-language']);
    const updated = sessionOrThrow(await session.update());
    return { props: { session: updated, name: updated.user.name, locale: updated.user.preferences.locale, fromBrowser } };
  } catch (error) {
    // Any expiry end() wrote goes out with the redirect; a store outage stays an error page.
    if (error instanceof RouteError && error.status === 401) return SIGN_IN;
    throw error;
  }
};

export default function WelcomePage({ name, locale, fromBrowser }: Props) {
  return (
    <section className="card">
      <h1>Welcome, {name}</h1>
      <p>
        Prices are shown for <strong data-testid="welcome-locale">{locale}</strong>
        {fromBrowser ? ', the language your browser asks for' : ''}, like this: {formatCents(1999, locale)}.
      </p>
      <p className="muted">
        Change it any time on your <Link href="/profile">profile</Link>.
      </p>
    </section>
  );
}
