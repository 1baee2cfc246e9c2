import 'next-test-api-route-handler';
import http from 'node:http';
import type { NextAuthOptions } from 'next-auth';
import { encode, getToken, type JWT } from 'next-auth/jwt';
import request from 'supertest';
import { createSessionJwt, createSessionUpdater } from 'next-auth-server-session';
import { createSessionTestKit, SessionTestError, TestCookieJar } from 'next-auth-server-session/testing';
import { callHandler, callNextAuthSession } from '../helpers/session-toolkit';
import { TEST_SECRET } from '../helpers/test-env';

const ROBIN: JWT = { sub: 'user-robin', name: 'Robin', email: 'robin@example.test' };
const stock: NextAuthOptions = { secret: TEST_SECRET, session: { strategy: 'jwt' }, providers: [] };
const customName: NextAuthOptions = {
  ...stock,
  useSecureCookies: true,
  cookies: { sessionToken: { name: '__Secure-team.session', options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true } } },
};

function getTokenFrom(cookieHeader: string, cookieName: string, secureCookie = false) {
  const jar = new TestCookieJar().apply(cookieHeader.split('; '));
  return getToken({ req: { headers: { cookie: cookieHeader }, cookies: jar.toObject() } as never, secret: TEST_SECRET, cookieName, secureCookie });
}

describe('createSessionTestKit: minting a signed-in cookie', () => {
  it("is accepted by next-auth's getToken and its own GET /api/auth/session", async () => {
    const kit = createSessionTestKit(stock);

    const jar = await kit.signIn(ROBIN);

    expect(await getTokenFrom(jar.header(), 'next-auth.session-token')).toMatchObject(ROBIN);
    const session = await callNextAuthSession(stock, jar);
    expect(session.body).toMatchObject({ user: { name: 'Robin', email: 'robin@example.test' } });
  });

  it("uses the app's cookie name and secure mode from authOptions", async () => {
    const kit = createSessionTestKit(customName);

    const cookie = await kit.signedInCookie(ROBIN);

    expect(kit.cookieName()).toBe('__Secure-team.session');
    expect(cookie.startsWith('__Secure-team.session=')).toBe(true);
    expect(await getTokenFrom(cookie, '__Secure-team.session', true)).toMatchObject(ROBIN);
  });

  it('chunks a large session the way next-auth reads it', async () => {
    const kit = createSessionTestKit(stock);

    const cookie = await kit.signedInCookie({ ...ROBIN, bio: 'b'.repeat(3000) });

    expect(cookie.split('; ').map((pair) => pair.slice(0, pair.indexOf('=')))).toEqual(['next-auth.session-token.0', 'next-auth.session-token.1']);
    expect(await getTokenFrom(cookie, 'next-auth.session-token')).toMatchObject({ bio: 'b'.repeat(3000) });
  });

  it("encodes with the app's own jwt.encode when it overrides it", async () => {
    const marked: NextAuthOptions = {
      ...stock,
      jwt: { encode: (params) => encode({ ...params, token: { ...params.token, encodedBy: 'the app' } }) },
    };
    const kit = createSessionTestKit(marked);

    const jar = await kit.signIn(ROBIN);

    expect(await kit.readJar(jar)).toMatchObject({ encodedBy: 'the app' });
  });
});

describe('createSessionTestKit: reading what a response wrote', () => {
  it('reports the session a route wrote through NTARH, its revalidate header and no duplicates', async () => {
    const kit = createSessionTestKit(stock);
    const sessions = createSessionUpdater(stock);
    const jar = await kit.signIn(ROBIN);

    const response = await callHandler(
      async (req, res) => {
        await sessions.forRequest(req, res).update();
        res.status(200).json({});
      },
      { jar },
    );
    const written = await kit.readResponse(response);

    expect(written.token).toMatchObject(ROBIN);
    expect(written.written).toEqual(['next-auth.session-token']);
    expect(written.expired.sort()).toEqual(['next-auth.session-token.0', 'next-auth.session-token.1', 'next-auth.session-token.2']);
    expect(written.revalidate).toBe(true);
    expect(written.duplicateNames).toEqual([]);
  });

  it('reads a supertest response, joining chunks and naming a duplicated cookie', async () => {
    const kit = createSessionTestKit(stock);
    const [first, second] = (await kit.signedInCookie({ ...ROBIN, bio: 'b'.repeat(3000) })).split('; ');
    const server = http.createServer((_req, res) => {
      res.setHeader('Set-Cookie', [`${first}; Path=/`, `${second}; Path=/`, 'theme=dark', 'theme=light']);
      res.end();
    });

    const written = await kit.readResponse(await request(server).get('/'));

    expect(written.token).toMatchObject({ sub: 'user-robin', bio: 'b'.repeat(3000) });
    expect(written.written).toEqual(['next-auth.session-token.0', 'next-auth.session-token.1']);
    expect(written.revalidate).toBe(false);
    expect(written.duplicateNames).toEqual(['theme']);
  });

  it('answers null for a response that wrote no session', async () => {
    const kit = createSessionTestKit(stock);

    const written = await kit.readResponse({ headers: new Headers() });

    expect(written).toEqual({ token: null, written: [], expired: [], revalidate: false, duplicateNames: [] });
  });
});

describe('createSessionTestKit: a session under another secret', () => {
  it('throws a clear SessionTestError instead of answering "no session"', async () => {
    const kit = createSessionTestKit(stock);
    const foreign = await createSessionTestKit({ ...stock, secret: 'another-secret-that-is-long-enough-0123456789' }).signIn(ROBIN);

    await expect(kit.readJar(foreign)).rejects.toThrow(SessionTestError);
    await expect(kit.readJar(foreign)).rejects.toThrow(/does not decode with these authOptions.*another secret/);
    await expect(kit.readResponse({ headers: { 'set-cookie': [`next-auth.session-token=${foreign.get('next-auth.session-token')}`] } })).rejects.toMatchObject({
      code: 'ERR_SESSION_UNREADABLE',
    });
  });

  it('accepts it when the app lists that secret as a previous one (createSessionJwt)', async () => {
    const previous = 'the-previous-secret-that-is-long-enough-0123456789';
    const kit = createSessionTestKit({ ...stock, jwt: createSessionJwt({ secret: TEST_SECRET, previousSecrets: [previous] }) });
    const old = await createSessionTestKit({ ...stock, secret: previous }).signIn(ROBIN);

    expect(await kit.readJar(old)).toMatchObject(ROBIN);
  });
});
