import { randomBytes } from 'node:crypto';
import { appEnv, freePort, startApp, startNextServer } from '../../support/app-server';
import { FIXTURE_DIR } from '../../support/build-fixture';
import { demoProduct } from '@/lib/db/seed';
import { type TestCookieJar } from 'next-auth-server-session/testing';
import { signInOverHttp, signInWithCredentials } from '../../support/http-sign-in';

export type Mode = 'http' | 'https';

export interface StartedApp {
  url: string;
  secret: string;
  stop(): Promise<void>;
}

/** What the contract suite needs from an app: how to start it and drive its session. */
export interface AppUnderContract {
  name: string;
  start(mode: Mode): Promise<StartedApp>;
  cookieName(mode: Mode): string;
  signIn(url: string): Promise<TestCookieJar>;
  /** A change made through `POST /api/session/refresh`, and how the session shows it. */
  patch: { data: Record<string, unknown>; shows(session: SessionBody): boolean };
  /** The app's session callback ran (not next-auth's default shape). */
  showsSessionCallback(session: SessionBody, token: Record<string, unknown>): boolean;
  /** Brings the session to just under one cookie; `grow` then chunks it, `shrink` undoes that. */
  prepareBoundary(url: string, jar: TestCookieJar): Promise<void>;
  grow(url: string, jar: TestCookieJar): Promise<Response>;
  shrink(url: string, jar: TestCookieJar): Promise<Response>;
  /** The fields of a credentials sign-in that succeeds. */
  signInFields(): Record<string, string>;
  /** A path whose answer comes from `getServerSession` (an API route, or a page's getServerSideProps). */
  serverSessionPath: string;
  /** A page whose getServerSideProps updates the session: `send` asks it to (a GET, or a form's POST); its HTML and the session then show the change. */
  gsspUpdate: { path: string; send(url: string, jar: TestCookieJar | null): Promise<Response>; pageShows(html: string): boolean; sessionShows(session: SessionBody): boolean };
  /** A route that writes cookies of its own with cookies-next around a session update (cookies-next.test.ts). */
  cookiesNext: CookiesNextRoute;
}

export type SessionBody = { user?: Record<string, unknown>; expires?: string; [key: string]: unknown };

/** An app's route that uses cookies-next (v6) for its own cookies in the request that updates the session. */
export interface CookiesNextRoute {
  /** Readies the signed-in jar (e.g. a cookie for the route to delete). */
  prepare(url: string, jar: TestCookieJar): Promise<void>;
  send(url: string, jar: TestCookieJar): Promise<Response>;
  /** The route's own cookies it gives a value, and those it deletes. */
  written: string[];
  deleted: string[];
  /** next-auth's session shows the route's update. */
  shows(session: SessionBody): boolean;
  /** A page whose getServerSideProps reads a written cookie back, and what it then shows. */
  page?: { path: string; shows(html: string): boolean };
}

export function send(url: string, jar: TestCookieJar | null, method: string, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (jar && jar.names().length > 0) headers.cookie = jar.header();
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(url, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
}

export const refresh = (url: string, jar: TestCookieJar | null, data?: unknown) =>
  send(`${url}/api/session/refresh`, jar, 'POST', data === undefined ? {} : { data });

/** A page fetched as a browser follows a link (redirects left to the test). */
export function getPage(url: string, jar: TestCookieJar | null, headers: Record<string, string> = {}): Promise<Response> {
  const withCookies = jar && jar.names().length > 0 ? { ...headers, cookie: jar.header() } : headers;
  return fetch(url, { headers: withCookies, redirect: 'manual' });
}

/** An HTML form's POST to a page of the app (`<form method="post">`), with the Origin a browser sends: the app's own unless told. */
export function postForm(url: string, jar: TestCookieJar | null, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const formHeaders = { 'content-type': 'application/x-www-form-urlencoded', origin: new URL(url).origin, ...headers };
  const withCookies = jar && jar.names().length > 0 ? { ...formHeaders, cookie: jar.header() } : formHeaders;
  return fetch(url, { method: 'POST', headers: withCookies, body: new URLSearchParams(fields), redirect: 'manual' });
}


/** This repository's app: store-backed claims, admin roles, a cart that can outgrow one cookie. */
export const mainApp: AppUnderContract = {
  name: 'main app',
  // The public URL only decides the mode here; the tests talk to 127.0.0.1 directly.
  start: (mode) => startApp(mode === 'https' ? { NEXTAUTH_URL: 'https://app.example.test' } : {}),
  // `next start` runs in production, where this app's policy forces secure cookies.
  cookieName: () => '__Secure-next-auth.session-token',
  signIn: async (url) => (await signInOverHttp(url, 'alice@example.com', 'alice-password')).jar,
  patch: { data: { name: 'Alice Contract' }, shows: (session) => session.user?.name === 'Alice Contract' },
  showsSessionCallback: (session, token) => session.user?.id === token.sub && session.user?.role === 'member' && typeof session.cart === 'object',
  async prepareBoundary(url, jar) {
    const cart = (await (await send(`${url}/api/cart`, jar, 'GET')).json()) as { items: { productId: number }[] };
    for (const line of cart.items) await applyTo(jar, send(`${url}/api/cart/${line.productId}`, jar, 'DELETE'));
    for (let productId = 1; productId <= 240; productId += 1) {
      await applyTo(jar, send(`${url}/api/cart`, jar, 'POST', { productId, quantity: 1 }));
      if (jar.names().some((name) => name.endsWith('.0'))) {
        await applyTo(jar, send(`${url}/api/cart/${productId}`, jar, 'DELETE'));
        mainAppBoundary.set(url, productId);
        return;
      }
    }
    throw new Error('the cart never outgrew one cookie');
  },
  grow: (url, jar) => send(`${url}/api/cart`, jar, 'POST', { productId: mainAppBoundary.get(url), quantity: 1 }),
  shrink: (url, jar) => send(`${url}/api/cart/${mainAppBoundary.get(url)}`, jar, 'DELETE'),
  signInFields: () => ({ email: 'alice@example.com', password: 'alice-password' }),
  serverSessionPath: '/admin', // getServerSideProps: a member gets the 403 page, with the session re-written
  gsspUpdate: {
    path: '/welcome', // GET offers the browser's language; the offer's form POSTs the choice back
    send: (url, jar) => postForm(`${url}/welcome`, jar, { locale: 'de-DE' }),
    pageShows: (html) => html.includes('data-testid="welcome-locale">de-DE</strong>'),
    sessionShows: (session) => (session.user?.preferences as { locale?: unknown } | undefined)?.locale === 'de-DE',
  },
  cookiesNext: {
    prepare: (url, jar) => emptyCart(url, jar),
    send: (url, jar) => send(`${url}/api/cart`, jar, 'POST', { productId: 7, quantity: 1 }),
    written: ['last-added-product'],
    deleted: [],
    shows: (session) => (session.cart as { count?: number } | undefined)?.count === 1,
    page: { path: '/shop', shows: (html) => html.includes('data-testid="last-added"') && html.includes(demoProduct(7).name) },
  },
};
const mainAppBoundary = new Map<string, number>();

async function emptyCart(url: string, jar: TestCookieJar): Promise<void> {
  const cart = (await (await send(`${url}/api/cart`, jar, 'GET')).json()) as { items: { productId: number }[] };
  for (const line of cart.items) await applyTo(jar, send(`${url}/api/cart/${line.productId}`, jar, 'DELETE'));
}

/** The adoption fixture: stock next-auth, no database, a custom cookie name, claims only in the token. */
export const stockApp: AppUnderContract = {
  name: 'stock app',
  async start(mode) {
    const port = await freePort();
    const env = appEnv(port, { NEXTAUTH_URL: mode === 'https' ? 'https://stock.example.test' : `http://127.0.0.1:${port}` });
    const server = await startNextServer(FIXTURE_DIR, port, env);
    return { ...server, secret: env.NEXTAUTH_SECRET as string };
  },
  cookieName: (mode) => `${mode === 'https' ? '__Secure-' : ''}stock.session`,
  signIn: async (url) => (await signInWithCredentials(url, { username: `u${randomBytes(4).toString('hex')}`, password: 'stock-password' })).jar,
  patch: { data: { note: 'hello from the server' }, shows: (session) => session.note === 'hello from the server' },
  showsSessionCallback: (session, token) => session.user?.id === token.sub && typeof session.user?.name === 'string' && typeof session.user?.email === 'string',
  prepareBoundary: async () => undefined, // the note's size decides
  grow: (url, jar) => refresh(url, jar, { note: 'n'.repeat(3000) }), // two chunks once encrypted
  shrink: (url, jar) => refresh(url, jar, { note: 'short' }),
  signInFields: () => ({ username: `u${randomBytes(4).toString('hex')}`, password: 'stock-password' }),
  serverSessionPath: '/api/note',
  gsspUpdate: {
    path: '/onboarding',
    send: (url, jar) => getPage(`${url}/onboarding`, jar),
    pageShows: (html) => html.includes('Onboarded: yes'),
    sessionShows: (session) => session.onboarded === 'yes',
  },
  cookiesNext: {
    prepare: async (_url, jar) => void jar.set('stock-note-draft', 'unsaved'),
    send: (url, jar) => send(`${url}/api/preferences`, jar, 'POST', { note: 'saved beside cookies-next' }),
    written: ['stock-last-note', 'stock-note-saved-at'],
    deleted: ['stock-note-draft'],
    shows: (session) => session.note === 'saved beside cookies-next',
  },
};

/** Awaits a response and carries its Set-Cookie into `jar`, as a browser would. */
export async function applyTo(jar: TestCookieJar, pending: Promise<Response>): Promise<Response> {
  const response = await pending;
  jar.apply(response);
  return response;
}

/** next-auth's CSRF token for a jar (the jar takes the CSRF cookie). */
async function csrfTokenOf(url: string, jar: TestCookieJar): Promise<string> {
  const response = await applyTo(jar, send(`${url}/api/auth/csrf`, jar, 'GET'));
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

/** Each of next-auth's own session writers, answering from the cookies `jar` holds. */
export const nextAuthWriters: Record<string, (app: AppUnderContract, url: string, jar: TestCookieJar) => Promise<Response>> = {
  'GET /api/auth/session': (_app, url, jar) => send(`${url}/api/auth/session`, jar, 'GET'),
  'POST /api/auth/session (update)': async (_app, url, jar) => send(`${url}/api/auth/session`, jar, 'POST', { csrfToken: await csrfTokenOf(url, jar), data: {} }),
  'the sign-in callback': async (app, url, jar) => {
    const body = new URLSearchParams({ ...app.signInFields(), csrfToken: await csrfTokenOf(url, jar), json: 'true' });
    return fetch(`${url}/api/auth/callback/credentials`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: jar.header() },
      body,
      redirect: 'manual',
    });
  },
  'getServerSession': (app, url, jar) => fetch(`${url}${app.serverSessionPath}`, { headers: { cookie: jar.header() }, redirect: 'manual' }),
};
