import type { ServerResponse } from 'node:http';
import type { GetServerSideProps, GetServerSidePropsContext, GetServerSidePropsResult } from 'next';
import type { Session } from 'next-auth';
import { getServerSession } from 'next-auth/next';
import Link from 'next/link';
import { formatCents } from '@/components/format';
import { RouteError, sessionOrThrow } from '@/lib/api';
import { getSessions } from '@/lib/auth';
import { describeLocale, suggestBrowserLocale } from '@/lib/browser-locale';
import { applyLocaleChoice } from '@/lib/locale-choice';
import { authOptions } from '@/pages/api/auth/[...nextauth]';

interface Suggestion {
  locale: string;
  label: string;
}

interface WelcomeProps {
  view: 'welcome';
  /** Taken by _app for its SessionProvider, which then starts from the (updated) session. */
  session: Session;
  name: string;
  locale: string;
  localeLabel: string;
  /** The browser's language, when it is not the user's: offered, never applied by a visit. */
  suggestion: Suggestion | null;
  /** This answer is to the form's POST, which applied `locale`. */
  applied: boolean;
}

interface RefusedProps {
  view: 'refused';
  status: number;
  message: string;
}

type Props = WelcomeProps | RefusedProps;
type Context = GetServerSidePropsContext;

const SIGN_IN = { redirect: { destination: '/signin?callbackUrl=/welcome', permanent: false } } as const;

function welcomeProps(session: Session, acceptLanguage: string | undefined, applied: boolean): WelcomeProps {
  const { name, preferences } = session.user;
  const suggested = suggestBrowserLocale(acceptLanguage, preferences.locale);
  return {
    view: 'welcome',
    session,
    name,
    locale: preferences.locale,
    localeLabel: describeLocale(preferences.locale),
    suggestion: suggested && { locale: suggested, label: describeLocale(suggested) },
    applied,
  };
}

/** GET: reads the session (checked against the store by the jwt callback) and writes nothing. */
async function showWelcome({ req, res }: Context): Promise<GetServerSidePropsResult<Props>> {
  getSessions().guard(req, res); // getServerSession re-writes the session cookie
  const session = await getServerSession(req, res, authOptions);
  if (!session) return SIGN_IN;
  return { props: welcomeProps(session, req.headers['accept-language'], false) };
}

/**
 * POST (the suggestion's form): the choice written to the store (checked and guarded as an
 * API route's write, lib/locale-choice.ts), then the session updated from it, here in
 * getServerSideProps, and the page rendered from the updated session.
 */
async function applySuggestion({ req, res }: Context): Promise<GetServerSidePropsResult<Props>> {
  const session = getSessions().forRequest(req, res);
  await applyLocaleChoice(req, session);
  const updated = sessionOrThrow(await session.update());
  return { props: welcomeProps(updated, req.headers['accept-language'], true) };
}

/**
 * The one place a refusal becomes an answer: 401 to sign-in (any expiry `end()` wrote goes
 * out with the redirect), another RouteError a page with its status and safe message;
 * anything else (a store outage included) stays an error page.
 */
function answerRefusal(res: ServerResponse, error: unknown): GetServerSidePropsResult<Props> {
  if (!(error instanceof RouteError)) throw error;
  if (error.status === 401) return SIGN_IN;
  res.statusCode = error.status;
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  return { props: { view: 'refused', status: error.status, message: error.message } };
}

/**
 * /welcome: the session updated from getServerSideProps on an explicit action. GET offers the
 * browser's language; the offer's form POSTs back here, which applies it and renders the
 * updated session. A GET never writes: a visit (or a link someone else sent) changes nothing.
 */
export const getServerSideProps: GetServerSideProps<Props> = async (context) => {
  try {
    return await (context.req.method === 'POST' ? applySuggestion(context) : showWelcome(context));
  } catch (error) {
    return answerRefusal(context.res, error);
  }
};

function Refused({ status, message }: RefusedProps) {
  return (
    <section className="card" data-testid="welcome-refused">
      <h1>{status} — Not applied</h1>
      <p>{message}</p>
      <p className="muted">
        Back to <Link href="/welcome">the welcome page</Link>.
      </p>
    </section>
  );
}

export default function WelcomePage(props: Props) {
  if (props.view === 'refused') return <Refused {...props} />;
  const { name, locale, localeLabel, suggestion, applied } = props;
  return (
    <section className="card">
      <h1>Welcome, {name}</h1>
      {applied && <p data-testid="welcome-applied">Applied: your language is now {localeLabel}.</p>}
      <p>
        Prices are shown for <strong data-testid="welcome-locale">{locale}</strong>, like this: {formatCents(1999, locale)}.
      </p>
      {suggestion && (
        <form method="post" action="/welcome" className="form" data-testid="welcome-suggestion">
          <input type="hidden" name="locale" value={suggestion.locale} />
          <p>Use your browser&apos;s language, {suggestion.label}?</p>
          <button type="submit" className="button">
            Use {suggestion.label}
          </button>
        </form>
      )}
      <p className="muted">
        Change it any time on your <Link href="/profile">profile</Link>.
      </p>
    </section>
  );
}
