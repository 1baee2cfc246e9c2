import { decode } from 'next-auth/jwt';
import http from 'node:http';
import request from 'supertest';
import { type RunningApp, startApp, startAppExpectingFailure } from '../../support/app-server';
import { cookieWritesOf, setCookiesOf } from '../helpers/cookie-jar';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { signInOverHttp } from '../../support/http-sign-in';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';

// next start runs in production: secure cookie names (production forces them).
const SESSION_COOKIE = '__Secure-next-auth.session-token';
const postgresUrl = testPostgresUrl();

/** POSTs `pieces` as a chunked body (no Content-Length, so the limit is found mid-stream). */
function postChunked(url: string, cookie: string, pieces: string[]): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers: { cookie, 'content-type': 'application/json' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const piece of pieces) req.write(piece);
    req.end();
  });
}

interface EndlessPost {
  status: number;
  connection: string | undefined;
  body: string;
  /** Milliseconds from the answer to the server closing the socket; null if it stayed open. */
  closedAfterMs: number | null;
}

/**
 * POSTs a chunked body that never ends: `first`, then 1 KB every 20 ms until the server
 * closes the connection (or `giveUpMs` pass). Write errors after the answer are expected
 * (the server stopped reading).
 */
function postEndlessChunked(url: string, cookie: string, first: string, giveUpMs = 5000): Promise<EndlessPost> {
  return new Promise((resolve, reject) => {
    const agent = new http.Agent({ keepAlive: true });
    const req = http.request(url, { method: 'POST', agent, headers: { cookie, 'content-type': 'application/json' } });
    let answer: Omit<EndlessPost, 'closedAfterMs'> | undefined;
    let answeredAt = 0;
    const finish = (closedAfterMs: number | null) => {
      clearInterval(writer);
      clearTimeout(giveUp);
      agent.destroy();
      if (answer) resolve({ ...answer, closedAfterMs });
      else reject(new Error('the connection closed without an answer'));
    };
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => {
        answer = { status: res.statusCode ?? 0, connection: res.headers.connection, body };
        answeredAt = Date.now();
      });
    });
    req.on('error', () => undefined);
    req.on('socket', (socket) => socket.on('close', () => finish(answer ? Date.now() - answeredAt : null)));
    req.write(first);
    const writer = setInterval(() => {
      if (!req.destroyed && req.writable) req.write('x'.repeat(1024));
    }, 20);
    const giveUp = setTimeout(() => finish(null), giveUpMs);
  });
}

async function signIn(app: RunningApp, email: string, password: string): Promise<TestCookieJar> {
  return (await signInOverHttp(app.url, email, password)).jar;
}

/** A database for one app run: a temp SQLite file (startApp's default) or a fresh PostgreSQL database. */
async function databaseFor(store: string): Promise<TestDatabase | null> {
  return store === 'postgres' && postgresUrl ? createTestDatabase(postgresUrl) : null;
}

const stores = postgresUrl ? ['sqlite', 'postgres'] : ['sqlite'];
if (!postgresUrl) console.info('Whole-app tests on PostgreSQL skipped: run with DATABASE_URL=postgres://... npm test');

describe.each(stores)('the built app on %s (next build + next start on 127.0.0.1)', (store) => {
  let app: RunningApp;
  let database: TestDatabase | null;
  beforeAll(async () => {
    database = await databaseFor(store);
    app = await startApp(database ? { DATABASE_URL: database.url } : {});
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
    await database?.drop();
  });

  it('signs in alice through the form endpoint', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: app.secret });
    expect(token).toMatchObject({ email: 'alice@example.com', role: 'member' });
  });

  it("PATCH /api/profile -> next-auth's own GET /api/auth/session returns the new name", async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const patch = await request(app.url).patch('/api/profile').set('Cookie', jar.header()).set('Origin', app.url).send({ name: 'Alice Whole-App' });
    expect(patch.status).toBe(200);
    expect(patch.headers['x-revalidate-session']).toBe('true');
    // One session cookie written, every chunk variant expired beside it (no mix can survive).
    expect(cookieWritesOf(setCookiesOf(patch.headers), SESSION_COOKIE)).toEqual({
      written: [SESSION_COOKIE],
      expired: [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`, `${SESSION_COOKIE}.2`],
      duplicated: [],
    });
    const written = setCookiesOf(patch.headers).find((cookie) => cookie.name === SESSION_COOKIE);
    expect(await decode({ token: written?.value, secret: app.secret })).toMatchObject({ name: 'Alice Whole-App' });
    jar.apply(patch);

    const session = await request(app.url).get('/api/auth/session').set('Cookie', jar.header());
    expect(session.body).toMatchObject({ user: { name: 'Alice Whole-App', role: 'member' } });
  });

  it('adds to the cart and the session cookie follows', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const response = await request(app.url).post('/api/cart').set('Cookie', jar.header()).send({ productId: 12, quantity: 3 });

    expect(response.status).toBe(200);
    jar.apply(response);
    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: app.secret });
    expect(token?.cart).toMatchObject({ count: 3, items: [{ productId: 12, quantity: 3 }] });
  });

  it("an admin's role change reaches alice's next request; demoting her back too", async () => {
    const alice = await signIn(app, 'alice@example.com', 'alice-password');
    const admin = await signIn(app, 'admin@example.com', 'admin-password');
    const users = await request(app.url).get('/api/admin/users').set('Cookie', admin.header());
    const aliceId = (users.body.users as { id: string; email: string }[]).find((user) => user.email === 'alice@example.com')?.id;

    await request(app.url).patch(`/api/admin/users/${aliceId}`).set('Cookie', admin.header()).send({ role: 'admin' }).expect(200);
    const promoted = await request(app.url).get('/api/auth/session').set('Cookie', alice.header());
    expect(promoted.body).toMatchObject({ user: { role: 'admin' } });
    alice.apply(promoted);

    await request(app.url).patch(`/api/admin/users/${aliceId}`).set('Cookie', admin.header()).send({ role: 'member' }).expect(200);
    const demoted = await request(app.url).get('/api/cart').set('Cookie', alice.header());
    expect(demoted.headers['x-revalidate-session']).toBe('true');
    alice.apply(demoted);
    expect(await decode({ token: alice.get(SESSION_COOKIE), secret: app.secret })).toMatchObject({ role: 'member' });
  });

  it('the admin page answers 403 to a member', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const page = await request(app.url).get('/admin').set('Cookie', jar.header());

    expect(page.status).toBe(403);
    expect(page.text).toContain('Forbidden');
  });

  it('answers JSON errors, never HTML, for bad input', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const response = await request(app.url).post('/api/session/refresh').set('Cookie', jar.header()).set('Content-Type', 'application/json').send('{"data":');

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('answers 413 JSON to a chunked body that passes 16 KB mid-stream, and keeps serving', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');
    const pieces = ['{"data":{"name":"', ...Array.from({ length: 40 }, () => 'x'.repeat(1024)), '"}}'];

    const response = await postChunked(`${app.url}/api/session/refresh`, jar.header(), pieces);

    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: expect.any(String), limitBytes: 16 * 1024 });
    expect((await request(app.url).get('/api/health')).status).toBe(200);
  });

  it('closes the connection after a 413 instead of draining a chunked body that never ends', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const response = await postEndlessChunked(`${app.url}/api/session/refresh`, jar.header(), '{"data":{"name":"');

    expect(response.status).toBe(413);
    expect(response.connection).toBe('close');
    expect(JSON.parse(response.body)).toMatchObject({ limitBytes: 16 * 1024 });
    // The server closed the socket while the client was still sending.
    expect(response.closedAfterMs).not.toBeNull();
    expect(response.closedAfterMs).toBeLessThan(1000);
    expect((await request(app.url).get('/api/health')).status).toBe(200);
  });
});

describe('starting in production with a bad configuration', () => {
  it('refuses a short secret with one line naming NEXTAUTH_SECRET', async () => {
    const { code, output } = await startAppExpectingFailure({ NEXTAUTH_SECRET: 'too-short' });

    expect(code).not.toBe(0);
    expect(output).toMatch(/NEXTAUTH_SECRET must be at least 32 characters; generate one with `openssl rand -base64 32`/);
    expect(output).not.toContain('too-short');
  }, 60_000);

  it('refuses a missing NEXTAUTH_URL', async () => {
    const { code, output } = await startAppExpectingFailure({ NEXTAUTH_URL: '' });

    expect(code).not.toBe(0);
    expect(output).toContain('NEXTAUTH_URL is missing');
  }, 60_000);
});
