import { decode } from 'next-auth/jwt';
import request from 'supertest';
import { type RunningApp, startApp, startAppExpectingFailure } from '../helpers/app-server';
import { CookieJar, setCookiesOf } from '../helpers/cookie-jar';

// next start runs in production: secure cookie names (NEXTAUTH_URL is http, production forces them).
const SESSION_COOKIE = '__Secure-next-auth.session-token';

async function signIn(app: RunningApp, email: string, password: string): Promise<CookieJar> {
  const jar = new CookieJar();
  const csrf = await request(app.url).get('/api/auth/csrf');
  jar.apply(setCookiesOf(csrf.headers));
  const response = await request(app.url)
    .post('/api/auth/callback/credentials')
    .set('Cookie', jar.header())
    .type('form')
    .send({ csrfToken: csrf.body.csrfToken, email, password, json: 'true' });
  jar.apply(setCookiesOf(response.headers));
  return jar;
}

describe('the built app (next build + next start on 127.0.0.1)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  it('signs in alice through the form endpoint', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: app.secret });
    expect(token).toMatchObject({ email: 'alice@example.com', role: 'member' });
  });

  it("PATCH /api/profile -> next-auth's own GET /api/auth/session returns the new name", async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const patch = await request(app.url)
      .patch('/api/profile')
      .set('Cookie', jar.header())
      .set('Origin', app.url)
      .send({ name: 'Alice Whole-App' });
    expect(patch.status).toBe(200);
    expect(patch.headers['x-revalidate-session']).toBe('true');
    const written = setCookiesOf(patch.headers).filter((cookie) => cookie.name === SESSION_COOKIE);
    expect(written).toHaveLength(1);
    expect(await decode({ token: written[0]?.value, secret: app.secret })).toMatchObject({ name: 'Alice Whole-App' });
    jar.apply(setCookiesOf(patch.headers));

    const session = await request(app.url).get('/api/auth/session').set('Cookie', jar.header());
    expect(session.body).toMatchObject({ user: { name: 'Alice Whole-App', role: 'member' } });
  });

  it('adds to the cart and the session cookie follows', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const response = await request(app.url).post('/api/cart').set('Cookie', jar.header()).send({ productId: 12, quantity: 3 });

    expect(response.status).toBe(200);
    jar.apply(setCookiesOf(response.headers));
    const token = await decode({ token: jar.get(SESSION_COOKIE), secret: app.secret });
    expect(token?.cart).toMatchObject({ count: 3, items: [{ productId: 12, quantity: 3 }] });
  });

  it('answers JSON errors, never HTML, for bad input', async () => {
    const jar = await signIn(app, 'alice@example.com', 'alice-password');

    const response = await request(app.url)
      .post('/api/session/refresh')
      .set('Cookie', jar.header())
      .set('Content-Type', 'application/json')
      .send('{"data":');

    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.headers['set-cookie']).toBeUndefined();
  });
});

describe('starting in production with a bad configuration', () => {
  it('refuses a short secret with one line naming NEXTAUTH_SECRET', async () => {
    const { code, output } = await startAppExpectingFailure({ NEXTAUTH_SECRET: 'too-short' });

    expect(code).not.toBe(0);
    expect(output).toMatch(/NEXTAUTH_SECRET must be at least 32 characters; generate one with `openssl rand -base64 32`/);
    expect(output).not.toContain('too-short');
  }, 60_000);
});
