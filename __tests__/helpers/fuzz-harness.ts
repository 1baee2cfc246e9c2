import type { JWT } from 'next-auth/jwt';
import { getStore } from '@/lib/db';
import type { SessionState, Store } from '@/lib/db/store';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as cartRoute from '@/pages/api/cart';
import * as cartLineRoute from '@/pages/api/cart/[productId]';
import * as profileRoute from '@/pages/api/profile';
import * as refreshRoute from '@/pages/api/session/refresh';
import type { SetCookie } from './cookie-jar';
import {
  authenticTokensOf,
  claimMismatches,
  decodeToken,
  isEndedByApp,
  isExpiration,
  isForeignSessionName,
  isWritableCookieName,
  isRefusedBy,
  isSessionCookieName,
  issuedSessionOf,
  jarAfter,
  nextAuthJoin,
  parseCookieHeader,
  parseSetCookies,
  variantsLeftAlone,
  type CookieMap,
  type IssuedSession,
} from './fuzz-oracle';
import { catchAllParam, segmentParam, startFuzzServer, type FuzzServer, type RawRequest, type RawResponse } from './fuzz-server';
import { captureConsole, settle, trackUnhandledRejections } from './fuzz-run';
import { sessionTokenOf } from './session-cookie';
import { ADMIN, signInAsAlice, signInThroughNextAuth } from './sign-in';

/** Our routes (toolkit-written cookies) or next-auth's own handler. */
export type RouteKind = 'api' | 'next-auth';

export interface CheckedExchange {
  response: RawResponse;
  setCookies: SetCookie[];
  requestCookies: CookieMap;
  /** Tokens next-auth's decode accepts that a reader could assemble from the request. */
  authentic: JWT[];
  issued: IssuedSession;
  issuedToken: JWT | null;
  json: unknown;
}

/** Runtime values the generated recipes refer to: the tokens of the signed-in "browsers". */
export interface TokenBook {
  /** Alice's latest token, kept up to date from every response, as her browser would. */
  alice: string;
  /** Alice's token from sign-in: stale as soon as anything she owns changes. */
  aliceInitial: string;
  admin: string;
  aliceId: string;
  adminId: string;
  /** A valid next-auth CSRF cookie value and its token, for POST /api/auth/session. */
  csrfCookie: string;
  csrfToken: string;
  /** Alice's earlier tokens, newest last: stale ones, of every size her cart has had. */
  aliceHistory: string[];
}

const ROUTES = [
  { pattern: /^\/api\/session\/refresh$/, module: refreshRoute },
  { pattern: /^\/api\/profile$/, module: profileRoute },
  { pattern: /^\/api\/cart$/, module: cartRoute },
  { pattern: /^\/api\/cart\/([^/]+)$/, module: cartLineRoute, params: segmentParam('productId') },
  { pattern: /^\/api\/auth\/(.+)$/, module: nextAuthRoute, params: catchAllParam('nextauth') },
];

function preview(text: string | undefined, max = 400): string {
  if (text === undefined) return '(none)';
  return text.length > max ? `${text.slice(0, max)}... (${text.length} chars)` : text;
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}

/** One Set-Cookie per name; every session cookie HttpOnly, SameSite=Lax, Path=/. */
function cookieHeaderViolations(setCookies: SetCookie[]): string[] {
  const violations: string[] = [];
  const names = setCookies.map((cookie) => cookie.name);
  const duplicates = names.filter((name, index) => names.indexOf(name) !== index);
  if (duplicates.length > 0) violations.push(`two Set-Cookie headers for ${[...new Set(duplicates)].join(', ')}`);
  for (const cookie of setCookies.filter((c) => isSessionCookieName(c.name))) {
    const { httpOnly, sameSite, path } = cookie;
    if (httpOnly !== true || sameSite !== 'lax' || path !== '/') {
      violations.push(`session cookie ${cookie.name} lacks HttpOnly/SameSite=Lax/Path=/`);
    }
  }
  return violations;
}

/**
 * An error answer gives the browser no new session. next-auth's sets no session cookie at
 * all; ours may only end a session the app refuses (401, every Set-Cookie an expiry): a
 * session issued earlier in the request is dropped, with its X-Revalidate-Session.
 */
function errorAnswerViolations(kind: RouteKind, checked: CheckedExchange, before: Map<string, SessionState | null>): string[] {
  const { response, setCookies, authentic } = checked;
  if (response.status < 400) return [];
  const violations: string[] = [];
  const sessionCookies = setCookies.filter((cookie) => isSessionCookieName(cookie.name));
  if (kind === 'next-auth') {
    if (sessionCookies.length > 0) violations.push(`error ${response.status} sets session cookies`);
    return violations;
  }
  const refused =
    response.status === 401 &&
    setCookies.every((cookie) => isSessionCookieName(cookie.name) && isExpiration(cookie)) &&
    authentic.some((token) => isEndedByApp(before, token));
  if (setCookies.length > 0 && !refused) violations.push(`error ${response.status} sets cookies (${setCookies.map((cookie) => cookie.name).join(', ')})`);
  if (response.headers['x-revalidate-session'] !== undefined) violations.push(`error ${response.status} carries X-Revalidate-Session`);
  return violations;
}

export class FuzzHarness {
  private constructor(
    readonly server: FuzzServer,
    readonly store: Store,
    readonly tokens: TokenBook,
    private readonly rejections: ReturnType<typeof trackUnhandledRejections>,
    private readonly console: ReturnType<typeof captureConsole>,
  ) {}

  /** Signs Alice and the admin in through next-auth, then starts the dispatcher. */
  static async start(): Promise<FuzzHarness> {
    const store = await getStore();
    const aliceJar = await signInAsAlice();
    const { jar: adminJar } = await signInThroughNextAuth(ADMIN.email, ADMIN.password);
    const alice = sessionTokenOf(aliceJar);
    const admin = sessionTokenOf(adminJar);
    const aliceId = (await decodeToken(alice))?.sub;
    const adminId = (await decodeToken(admin))?.sub;
    if (!alice || !admin || !aliceId || !adminId) throw new Error('sign-in did not produce session tokens');
    const server = await startFuzzServer(ROUTES);
    const csrf = await server.send({ method: 'GET', path: '/api/auth/csrf' });
    const csrfCookie = parseSetCookies(csrf.setCookies).find((cookie) => cookie.name === 'next-auth.csrf-token')?.value;
    const csrfToken = (parseJson(csrf.text) as { csrfToken?: string } | undefined)?.csrfToken;
    if (!csrfCookie || !csrfToken) throw new Error('GET /api/auth/csrf gave no token');
    const tokens = { alice, aliceInitial: alice, admin, aliceId, adminId, csrfCookie, csrfToken, aliceHistory: [alice] };
    return new FuzzHarness(server, store, tokens, trackUnhandledRejections(), captureConsole());
  }

  async stop(): Promise<void> {
    this.rejections.dispose();
    this.console.restore();
    await this.server.close();
  }

  /** Sends one request and checks every shared invariant; throws a full report on the first violation. */
  async exchange(request: RawRequest, kind: RouteKind): Promise<CheckedExchange> {
    this.console.clear();
    const requestCookies = parseCookieHeader(request.headers?.cookie);
    const authentic = await authenticTokensOf(requestCookies);
    const before = new Map<string, SessionState | null>();
    for (const token of authentic) {
      if (typeof token.sub === 'string') before.set(token.sub, await this.store.getSessionState(token.sub));
    }
    let response: RawResponse;
    try {
      response = await this.server.send(request);
    } catch (error) {
      throw new Error(`${request.method} ${request.path} got no HTTP answer: ${String(error)}`);
    }
    await settle();
    const setCookies = parseSetCookies(response.setCookies);
    const issued = issuedSessionOf(setCookies);
    const issuedToken = issued.kind === 'token' ? await decodeToken(issued.token) : null;
    const checked = { response, setCookies, requestCookies, authentic, issued, issuedToken, json: parseJson(response.text) };
    const violations = await this.violationsOf(kind, checked, before);
    if (violations.length > 0) this.fail(request, checked, violations);
    this.remember(checked);
    return checked;
  }

  /** Subjects of authentic tokens whose user the store still accepts: the only ones that may sign a request in. */
  async usableSubs(tokens: JWT[]): Promise<Set<string>> {
    const subs = new Set<string>();
    for (const token of tokens) {
      if (typeof token.sub !== 'string') continue;
      if (!isRefusedBy(await this.store.getSessionState(token.sub), token)) subs.add(token.sub);
    }
    return subs;
  }

  /** Throws the report for a test's own oracle, with the same details as the shared checks. */
  fail(request: RawRequest, checked: CheckedExchange, violations: string[]): never {
    const headers = Object.entries(request.headers ?? {})
      .map(([name, value]) => `  ${name}: ${preview(value, 300)}`)
      .join('\n');
    throw new Error(
      [
        `${request.method} ${request.path}${request.chunked ? ' (chunked)' : ''} -> ${checked.response.status}`,
        ...violations.map((violation) => `VIOLATION: ${violation}`),
        `request headers:\n${headers}`,
        `request body: ${preview(request.body?.toString('utf8'))}`,
        `response body: ${preview(checked.response.text)}`,
        `response Set-Cookie:\n${checked.response.setCookies.map((c) => `  ${preview(c, 200)}`).join('\n') || '  (none)'}`,
        `recent console output:\n${this.console.recent().map((line) => `  ${line}`).join('\n') || '  (none)'}`,
      ].join('\n'),
    );
  }

  private async violationsOf(
    kind: RouteKind,
    checked: CheckedExchange,
    before: Map<string, SessionState | null>,
  ): Promise<string[]> {
    const violations: string[] = [];
    if (checked.response.status >= 500) violations.push(`answered ${checked.response.status}`);
    for (const error of this.server.takeHandlerErrors()) violations.push(`handler threw to Next's resolver: ${String(error)}`);
    for (const reason of this.rejections.take()) violations.push(`unhandled rejection: ${String(reason)}`);
    violations.push(...cookieHeaderViolations(checked.setCookies));
    violations.push(...(await this.issuedSessionViolations(kind, checked)));
    violations.push(...errorAnswerViolations(kind, checked, before));
    violations.push(...(await this.sessionBodyMismatches(kind, checked)));
    violations.push(...(await this.roleChanges()));
    return violations;
  }

  /** The session the response gives the browser: well-formed, next-auth reads it, its claims are the store's. */
  private async issuedSessionViolations(kind: RouteKind, checked: CheckedExchange): Promise<string[]> {
    const { setCookies, issued, issuedToken, requestCookies } = checked;
    const violations: string[] = [];
    if (issued.kind === 'malformed') violations.push(`session cookies: ${issued.problem}`);
    if (issued.kind === 'token') {
      if (!issuedToken) violations.push("sets a session cookie that next-auth's decode refuses");
      else violations.push(...(await claimMismatches(this.store, issuedToken)));
      // Our writes expire every stray next-auth would join, except one no Set-Cookie can name.
      const foreign = kind === 'api' && Object.keys(requestCookies).some((name) => isForeignSessionName(name) && !isWritableCookieName(name));
      if (!foreign && nextAuthJoin(jarAfter(requestCookies, setCookies)) !== issued.token) {
        violations.push("after this response, next-auth's chunk reader does not see the issued token (a stale variant survives)");
      }
    }
    // Ours: a response that touches the session names every variant, so no mix can survive.
    if (kind === 'api' && setCookies.some((cookie) => isSessionCookieName(cookie.name))) {
      const leftAlone = variantsLeftAlone(requestCookies, setCookies);
      if (leftAlone.length > 0) violations.push(`touches the session but neither writes nor expires ${leftAlone.join(', ')}`);
    }
    return violations;
  }

  /** A 2xx session in the body (ours: `{ session }`, next-auth's: the session itself) shows the store's role. */
  private async sessionBodyMismatches(kind: RouteKind, checked: CheckedExchange): Promise<string[]> {
    if (checked.response.status < 200 || checked.response.status >= 300 || typeof checked.json !== 'object' || !checked.json) return [];
    const body = checked.json as { session?: { user?: unknown }; user?: unknown };
    const user = (kind === 'api' ? body.session?.user : body.user) as { id?: string; role?: string; email?: string } | undefined;
    if (!user) return [];
    const stored = user.id ? await this.store.findUserById(user.id) : null;
    if (!stored) return [`the session in the body names an unknown user ${JSON.stringify(user.id)}`];
    if (user.role !== stored.role || user.email !== stored.email) {
      return [`the session in the body says ${user.email}/${user.role}, the store ${stored.email}/${stored.role}`];
    }
    return [];
  }

  private async roleChanges(): Promise<string[]> {
    const alice = await this.store.findUserByEmail('alice@example.com');
    const admin = await this.store.findUserByEmail(ADMIN.email);
    const changes: string[] = [];
    if (alice?.role !== 'member') changes.push(`alice's stored role is now ${alice?.role}`);
    if (admin?.role !== 'admin') changes.push(`the admin's stored role is now ${admin?.role}`);
    return changes;
  }

  /** Like a browser: the latest valid session each user was given becomes their cookie. */
  private remember(checked: CheckedExchange): void {
    if (checked.issued.kind !== 'token' || !checked.issuedToken) return;
    if (checked.issuedToken.sub === this.tokens.aliceId) {
      this.tokens.alice = checked.issued.token;
      this.tokens.aliceHistory.push(checked.issued.token);
      if (this.tokens.aliceHistory.length > 64) this.tokens.aliceHistory.shift();
    }
    if (checked.issuedToken.sub === this.tokens.adminId) this.tokens.admin = checked.issued.token;
  }
}

/**
 * One harness for a test file: started before its tests, stopped after them. Returns an
 * accessor because the harness exists only once beforeAll has run.
 */
export function useFuzzHarness(): () => FuzzHarness {
  let harness: FuzzHarness | undefined;
  beforeAll(async () => {
    harness = await FuzzHarness.start();
  }, 60_000);
  afterAll(async () => {
    await harness?.stop();
  });
  return () => {
    if (!harness) throw new Error('the fuzz harness is used before beforeAll started it');
    return harness;
  };
}
