import 'next-test-api-route-handler';
import type { GetServerSidePropsContext, NextApiHandler } from 'next';
import { getServerSideProps } from '@/pages/welcome';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute, type RouteResult } from '../helpers/routes';
import { SESSION_COOKIE, decodeSessionOf } from '../helpers/session-cookie';
import { createUserAndSignIn } from '../helpers/sign-in';
import { TEST_APP_URL } from '../helpers/test-env';

/** The welcome page's getServerSideProps on a real request (no body parser, as a page gets it): answers its result as JSON. */
function callWelcome(jar: TestCookieJar, call: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<RouteResult> {
  const page: NextApiHandler = async (req, res) => {
    const result = await getServerSideProps({ req, res, query: {}, resolvedUrl: '/welcome' } as unknown as GetServerSidePropsContext);
    res.json(result);
  };
  const headers = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.8', ...call.headers };
  return callRoute({ default: page, config: { api: { bodyParser: false } } }, { url: '/welcome', jar, ...call, headers });
}

const postChoice = (jar: TestCookieJar, headers: Record<string, string> = { origin: TEST_APP_URL }) =>
  callWelcome(jar, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: 'locale=de-DE' });

describe('GET /welcome', () => {
  it("offers the browser's language and writes nothing: the user on en-US keeps it", async () => {
    const { user, jar, store } = await createUserAndSignIn();

    const response = await callWelcome(jar);

    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
    expect((await decodeSessionOf(jar))?.preferences?.locale).toBe('en-US');
    expect(response.headers.get('x-revalidate-session')).toBeNull();
    expect(response.body).toMatchObject({ props: { view: 'welcome', locale: 'en-US', suggestion: { locale: 'de-DE', label: 'Deutsch (de-DE)' }, applied: false } });
  });

  it('sends a signed-out visitor to sign in', async () => {
    expect((await callWelcome(new TestCookieJar())).body).toEqual({ redirect: { destination: '/signin?callbackUrl=/welcome', permanent: false } });
  });
});

describe('POST /welcome (the offer taken)', () => {
  it('writes the store, updates the session in the same answer and renders the updated session', async () => {
    const { user, jar, store } = await createUserAndSignIn();

    const response = await postChoice(jar);

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ props: { view: 'welcome', locale: 'de-DE', suggestion: null, applied: true, session: { user: { preferences: { locale: 'de-DE' } } } } });
    expect(response.headers.get('x-revalidate-session')).toBe('true');
    expect(response.setCookies.filter((cookie) => cookie.name === SESSION_COOKIE)).toHaveLength(1);
    expect((await store.findUserById(user.id))?.preferences.locale).toBe('de-DE');
    expect((await decodeSessionOf(jar))?.preferences?.locale).toBe('de-DE');
  });

  it('answers a cross-site post with the 403 page, writing nothing', async () => {
    const { user, jar, store } = await createUserAndSignIn();

    const response = await postChoice(jar, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });

    expect(response.status).toBe(403);
    expect(response.body).toMatchObject({ props: { view: 'refused', status: 403 } });
    expect(response.setCookies).toEqual([]);
    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
  });

  it('sends a revoked session to sign in with its cookie expired, writing nothing', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.revokeSessions(user.id, Date.now() + 1);

    const response = await postChoice(jar);

    expect(response.body).toEqual({ redirect: { destination: '/signin?callbackUrl=/welcome', permanent: false } });
    expect(jar.get(SESSION_COOKIE)).toBeUndefined();
    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
  });
});
