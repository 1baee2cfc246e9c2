import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'cookie';
import type { GetServerSidePropsContext } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { getServerSession } from 'next-auth/next';
import { decode, getToken, type JWT } from 'next-auth/jwt';
import { createSessionUpdater, type SessionUpdater } from '@/packages/next-auth-server-session/src/session-updater';
import type { SessionUpdate } from '@/packages/next-auth-server-session/src/update-session';
import { REVALIDATE_HEADER } from '@/packages/next-auth-server-session/src/revalidate-header';
import { CHUNK_SIZE_CHARS, splitIntoChunks } from '@/packages/next-auth-server-session/src/chunks';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { setCookiesOf } from '../helpers/cookie-jar';
import { SESSION_COOKIE, sessionCookieWritesOf, sessionTokenOf } from '../helpers/session-cookie';
import { mintSessionToken } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

/**
 * `forRequest` in getServerSideProps: Next hands it a Node `IncomingMessage` with the cookies
 * parsed and a bare `ServerResponse` (no `status`/`json`). Here a real Node server passes
 * exactly those to a function shaped like getServerSideProps, which answers the page.
 */

const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };

/** What getServerSideProps is given, typed by Next itself. */
type GsspContext = Pick<GetServerSidePropsContext, 'req' | 'res'>;

type Props = { props: Record<string, unknown> } | { redirect: { destination: string } };
type Gssp = (context: GsspContext) => Promise<Props>;

const authOptions: NextAuthOptions = {
  providers: [],
  logger: { error: jest.fn(), warn: jest.fn(), debug: jest.fn() },
  callbacks: {
    jwt: async ({ token, trigger, session }) => (trigger === 'update' ? { ...token, ...(session as JWT) } : token),
    session: async ({ session, token }) => ({ ...session, theme: token.theme }),
  },
};

/** Renders what getServerSideProps returned, as Next would: a redirect or a page of its props. */
function renderPage(res: ServerResponse, result: Props): void {
  if ('redirect' in result) {
    res.writeHead(307, { location: result.redirect.destination }).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/html' }).end(`<pre>${JSON.stringify(result.props)}</pre>`);
}

/** A Node server whose pages run `gssp`; `parseCookies: false` leaves `req.cookies` unset (a bare Node request). */
async function startServer(gssp: Gssp, { parseCookies = true } = {}): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    // Next parses the Cookie header onto req.cookies before getServerSideProps runs.
    const context = (parseCookies ? Object.assign(req, { cookies: parse(req.headers.cookie ?? '') }) : req) as GsspContext['req'];
    gssp({ req: context, res }).then(
      (result) => renderPage(res, result),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/onboarding`, server };
}

let running: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => running?.close(resolve) ?? resolve(undefined));
  running = undefined;
});

async function serve(gssp: Gssp, options?: { parseCookies?: boolean }): Promise<string> {
  const { url, server } = await startServer(gssp, options);
  running = server;
  return url;
}

async function jarWith(claims: JWT = ANN): Promise<TestCookieJar> {
  return new TestCookieJar().set(SESSION_COOKIE, await mintSessionToken(claims));
}

async function get(url: string, jar: TestCookieJar): Promise<Response> {
  const response = await fetch(url, { headers: jar.names().length > 0 ? { cookie: jar.header() } : {}, redirect: 'manual' });
  jar.apply(response);
  return response;
}

/** The onboarding page: marks the session, then renders the session the update returned. */
function onboardingPage(sessions: SessionUpdater, outcomes: SessionUpdate[] = []): Gssp {
  return async ({ req, res }) => {
    const result = await sessions.forRequest(req, res).update({ theme: 'onboarded' });
    outcomes.push(result);
    if (result.status !== 'updated') return { redirect: { destination: '/signin' } };
    return { props: { theme: (result.session as { theme?: unknown }).theme } };
  };
}

describe('RequestSession in getServerSideProps (a Node IncomingMessage and a bare ServerResponse)', () => {
  it("writes the update on the page's answer: one Set-Cookie, X-Revalidate-Session, read by getToken and decode", async () => {
    const url = await serve(onboardingPage(createSessionUpdater(authOptions)));
    const jar = await jarWith();

    const response = await get(url, jar);

    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"theme":"onboarded"');
    expect(response.headers.get(REVALIDATE_HEADER)).toBe('true');
    const writes = sessionCookieWritesOf(setCookiesOf(response.headers));
    expect(writes).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(writes.expired).not.toContain(SESSION_COOKIE); // only the other variants
    const req = { cookies: jar.toObject(), headers: { cookie: jar.header() } } as unknown as IncomingMessage & { cookies: Record<string, string> };
    expect(await getToken({ req, secret: TEST_SECRET })).toMatchObject({ ...ANN, theme: 'onboarded' });
    expect(await decode({ token: sessionTokenOf(jar), secret: TEST_SECRET })).toMatchObject({ ...ANN, theme: 'onboarded' });
  });

  it('works on a bare Node request without parsed cookies: reads the Cookie header, and puts the update in it', async () => {
    const sessions = createSessionUpdater(authOptions);
    let headerAfter: string | undefined;
    const url = await serve(
      async ({ req, res }) => {
        const result = await sessions.forRequest(req, res).update({ theme: 'onboarded' });
        headerAfter = parse(req.headers.cookie ?? '')[SESSION_COOKIE];
        return { props: { status: result.status } };
      },
      { parseCookies: false },
    );
    const jar = await jarWith();

    const response = await get(url, jar);

    expect(response.status).toBe(200);
    expect(await decode({ token: sessionTokenOf(jar), secret: TEST_SECRET })).toMatchObject({ ...ANN, theme: 'onboarded' });
    expect(headerAfter).toBe(sessionTokenOf(jar)); // code later in the request reads the new token
  });

  it('answers no-session for a signed-out visitor and writes nothing, so the page redirects', async () => {
    const outcomes: SessionUpdate[] = [];
    const url = await serve(onboardingPage(createSessionUpdater(authOptions), outcomes));

    const response = await get(url, new TestCookieJar());

    expect(outcomes).toEqual([{ status: 'no-session', ended: false }]);
    expect(response.status).toBe(307);
    expect(response.headers.get('location')).toBe('/signin');
    expect(setCookiesOf(response.headers)).toEqual([]);
    expect(response.headers.get(REVALIDATE_HEADER)).toBeNull();
  });

  it('expires the chunks of a session that shrinks back into one cookie', async () => {
    const sessions = createSessionUpdater(authOptions);
    const url = await serve(async ({ req, res }) => {
      const result = await sessions.forRequest(req, res).update({ bulk: undefined });
      return { props: { status: result.status } };
    });
    const jar = new TestCookieJar();
    const chunks = splitIntoChunks(SESSION_COOKIE, await mintSessionToken({ ...ANN, bulk: 'b'.repeat(CHUNK_SIZE_CHARS) }));
    for (const { name, value } of chunks) jar.set(name, value);
    expect(chunks.length).toBeGreaterThan(1);

    const response = await get(url, jar);

    const writes = sessionCookieWritesOf(setCookiesOf(response.headers));
    expect(writes.written).toEqual([SESSION_COOKIE]);
    expect(writes.expired).toEqual(expect.arrayContaining([`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]));
    expect(writes.duplicated).toEqual([]);
    expect(jar.names().filter((name) => name.startsWith(SESSION_COOKIE))).toEqual([SESSION_COOKIE]);
  });

  it('lets a later getServerSession in the same getServerSideProps read the update, with one Set-Cookie per name', async () => {
    const sessions = createSessionUpdater(authOptions);
    const url = await serve(async ({ req, res }) => {
      await sessions.forRequest(req, res).update({ theme: 'onboarded' });
      const session = await getServerSession(req, res, authOptions);
      return { props: { theme: (session as { theme?: unknown } | null)?.theme ?? null } };
    });
    const jar = await jarWith();

    const response = await get(url, jar);

    expect(await response.text()).toContain('"theme":"onboarded"');
    expect(sessionCookieWritesOf(setCookiesOf(response.headers))).toMatchObject({ written: [SESSION_COOKIE], duplicated: [] });
    expect(await decode({ token: sessionTokenOf(jar), secret: TEST_SECRET })).toMatchObject({ theme: 'onboarded' });
  });

  it('takes the issued session off a 500 that getServerSideProps throws after an update', async () => {
    const sessions = createSessionUpdater(authOptions);
    const url = await serve(async ({ req, res }) => {
      await sessions.forRequest(req, res).update({ theme: 'onboarded' });
      throw new Error('the page failed after the update');
    });

    const response = await get(url, await jarWith());

    expect(response.status).toBe(500);
    expect(setCookiesOf(response.headers)).toEqual([]);
    expect(response.headers.get(REVALIDATE_HEADER)).toBeNull();
  });
});
