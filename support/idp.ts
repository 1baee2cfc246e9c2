import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import type { TestCookieJar } from 'next-auth-server-session/testing';

/**
 * Starts the development identity provider (idp/server.mjs, panva's oidc-provider) as its
 * own Node process: oidc-provider 9 is ESM-only and jest runs this repository as CommonJS.
 * Used by the tests and by `npm run dev` (scripts/dev.ts); idp/README.md describes it.
 */

const SERVER = path.resolve(__dirname, '..', 'idp', 'server.mjs');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

/** Where the app's OIDC sign-in lands (next-auth's callback for a provider with id `oidc`). */
export const OIDC_CALLBACK_PATH = '/api/auth/callback/oidc';
export const DEFAULT_RESOURCE = 'urn:app:api';

/** How the provider is down: 503 to everything, requests left unanswered until `resume()`, or connections refused. */
export type IdpDownMode = 'unavailable' | 'stall' | 'refuse';

/** What the provider recorded (idp/events.mjs): identifiers only, never a token. `at` is ms since the epoch. */
export type IdpEvent = { at: number } & (
  | { type: 'grant.success'; grantType: string; accountId?: string; grantId?: string }
  /** `errorDetail` is oidc-provider's reason ("refresh token already used"); the client only sees `error`. */
  | { type: 'grant.error'; grantType?: string; error: string; errorDetail?: string }
  | { type: 'refresh_token.consumed' | 'grant.revoked'; accountId?: string; grantId: string }
  | { type: 'authorization.success' | 'login.success'; accountId?: string }
  | { type: 'login.failure' | 'admin.up' }
  | { type: 'admin.down'; mode: IdpDownMode }
  | { type: 'admin.grants_revoked'; accountId: string; count: number }
  | { type: 'server_error'; error?: string }
);

export interface IdentityProviderOptions {
  /** Default: a free port. The issuer is `http://127.0.0.1:<port>`. */
  port?: number;
  /** Default: `app`. */
  clientId?: string;
  /** Default: a random secret. */
  clientSecret?: string;
  /** Default: the app's OIDC callback on localhost:3000 and 127.0.0.1:3000. */
  redirectUris?: string[];
  /** The API the access tokens are for (their `aud`). Default: `urn:app:api`. */
  resource?: string;
  /** Default 300; tests use a few seconds. */
  accessTokenTtlSeconds?: number;
  /** Default 86400. Each rotation issues a refresh token with a fresh lifetime. */
  refreshTokenTtlSeconds?: number;
  /** The admin endpoint behind events(), revokeGrants(), pause() and resume(). Default true. */
  admin?: boolean;
  /** `pipe` keeps the output for output() (tests); `inherit` prints it (npm run dev). Default `pipe`. */
  stdio?: 'pipe' | 'inherit';
}

export interface RunningIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  resource: string;
  redirectUris: string[];
  /** The admin endpoint's origin (its own port, so it answers while the provider refuses connections). */
  adminUrl: string | undefined;
  /** Resolves with the exit code when the process ends, expectedly or not. */
  exited: Promise<number | null>;
  events(): Promise<IdpEvent[]>;
  clearEvents(): Promise<void>;
  /** Successful token requests of this grant type (`authorization_code`, `refresh_token`). */
  countGrants(grantType: string): Promise<number>;
  /** Revokes every grant of the account and all their tokens; the number revoked. */
  revokeGrants(accountId: string): Promise<number>;
  /** Takes the provider down (default `unavailable`: 503) until resume(). */
  pause(mode?: IdpDownMode): Promise<void>;
  resume(): Promise<void>;
  /** Everything the process printed (with `stdio: 'pipe'`). */
  output(): string;
  stop(): Promise<void>;
}

interface ReadyMessage {
  type: 'ready';
  issuer: string;
  adminUrl?: string;
}

function settingsEnv(settings: Required<Omit<IdentityProviderOptions, 'admin' | 'stdio'>>, adminToken: string | undefined): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    NODE_ENV: 'development',
    IDP_PORT: String(settings.port),
    IDP_CLIENT_ID: settings.clientId,
    IDP_CLIENT_SECRET: settings.clientSecret,
    IDP_REDIRECT_URIS: settings.redirectUris.join(','),
    IDP_RESOURCE: settings.resource,
    IDP_ACCESS_TOKEN_TTL_SECONDS: String(settings.accessTokenTtlSeconds),
    IDP_REFRESH_TOKEN_TTL_SECONDS: String(settings.refreshTokenTtlSeconds),
    ...(adminToken ? { IDP_ADMIN_TOKEN: adminToken } : {}),
  };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

function waitUntilReady(child: ChildProcess, output: () => string): Promise<ReadyMessage> {
  return new Promise((resolve, reject) => {
    const fail = (reason: string) => {
      clearTimeout(timer);
      reject(new Error(`the identity provider did not start: ${reason}${output() ? `\n${output()}` : ''}`));
    };
    const timer = setTimeout(() => fail(`no ready message within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.on('message', (message: { type?: string; message?: string }) => {
      if (message.type === 'error') fail(message.message ?? 'unknown error');
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message as ReadyMessage);
    });
    child.once('exit', (code) => fail(`it exited with ${code}`));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}

function adminClient(adminUrl: string | undefined, adminToken: string) {
  return async function callAdmin(method: string, pathname: string, body?: unknown): Promise<unknown> {
    if (!adminUrl) throw new Error('the identity provider was started with admin: false');
    const response = await fetch(`${adminUrl}${pathname}`, {
      method,
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) throw new Error(`identity provider admin ${method} ${pathname} answered ${response.status}: ${await response.text()}`);
    return response.status === 204 ? undefined : response.json();
  };
}

/**
 * @example
 * const idp = await startIdentityProvider({ accessTokenTtlSeconds: 5 });
 * // next-auth: wellKnown: `${idp.issuer}/.well-known/openid-configuration`, idp.clientId, idp.clientSecret
 * expect(await idp.countGrants('refresh_token')).toBe(1);
 * await idp.stop();
 */
export async function startIdentityProvider(options: IdentityProviderOptions = {}): Promise<RunningIdentityProvider> {
  const settings = {
    port: options.port ?? 0,
    clientId: options.clientId ?? 'app',
    clientSecret: options.clientSecret ?? randomBytes(32).toString('base64url'),
    redirectUris: options.redirectUris ?? callbackUrlsFor(new URL('http://localhost:3000')),
    resource: options.resource ?? DEFAULT_RESOURCE,
    accessTokenTtlSeconds: options.accessTokenTtlSeconds ?? 300,
    refreshTokenTtlSeconds: options.refreshTokenTtlSeconds ?? 86_400,
  };
  const adminToken = options.admin === false ? undefined : randomBytes(32).toString('base64url');
  const inherit = options.stdio === 'inherit';
  // execArgv: [] runs plain Node, without a loader jest or tsx may have added to this process.
  const child = fork(SERVER, [], { env: settingsEnv(settings, adminToken), execArgv: [], stdio: inherit ? ['ignore', 'inherit', 'inherit', 'ipc'] : ['ignore', 'pipe', 'pipe', 'ipc'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = waitForExit(child);
  const stop = () => stopChild(child);
  let ready: ReadyMessage;
  try {
    ready = await waitUntilReady(child, () => output);
  } catch (error) {
    await stop();
    throw error;
  }
  const callAdmin = adminClient(ready.adminUrl, adminToken ?? '');
  const events = async () => ((await callAdmin('GET', '/__idp/events')) as { events: IdpEvent[] }).events;
  return {
    ...settings,
    issuer: ready.issuer,
    adminUrl: ready.adminUrl,
    exited,
    events,
    clearEvents: async () => void (await callAdmin('DELETE', '/__idp/events')),
    countGrants: async (grantType) => (await events()).filter((event) => event.type === 'grant.success' && event.grantType === grantType).length,
    revokeGrants: async (accountId) => ((await callAdmin('POST', '/__idp/revoke-grants', { accountId })) as { revoked: number }).revoked,
    pause: async (mode = 'unavailable') => void (await callAdmin('POST', '/__idp/down', { mode })),
    resume: async () => void (await callAdmin('POST', '/__idp/up')),
    output: () => output,
    stop,
  };
}

/** The app's OIDC callback URL, and its twin on the other loopback name (localhost / 127.0.0.1) for a local app. */
export function callbackUrlsFor(appUrl: URL): string[] {
  const callback = new URL(OIDC_CALLBACK_PATH, appUrl);
  const twins: Record<string, string> = { localhost: '127.0.0.1', '127.0.0.1': 'localhost' };
  const twinHost = twins[callback.hostname];
  if (!twinHost) return [callback.href];
  const twin = new URL(callback);
  twin.hostname = twinHost;
  return [callback.href, twin.href];
}

/**
 * The provider's self-submitting form (the sign-out of the previous account when another one
 * signs in, in the same browser): its action and hidden fields, which a browser's script posts.
 */
function autoSubmitFormOf(html: string, base: URL): { url: URL; body: URLSearchParams } | undefined {
  if (!html.includes('document.forms[0].submit()')) return undefined;
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) return undefined;
  const fields = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\/>/g)].map((match) => [match[1] ?? '', match[2] ?? '']);
  return { url: new URL(action, base), body: new URLSearchParams(fields) };
}

/**
 * Signs in at the provider as a browser would: from the authorization URL, through the
 * login form, to the redirect back to the client (the URL with `code` and `state`).
 * Carries the provider's cookies in `jar`, so a second call for the same jar skips the form.
 */
export async function signInAtProvider(authorizationUrl: string, credentials: { email: string; password: string }, jar: TestCookieJar): Promise<URL> {
  const issuerOrigin = new URL(authorizationUrl).origin;
  let request: { url: URL; body?: URLSearchParams } = { url: new URL(authorizationUrl) };
  for (let hop = 0; hop < 12; hop += 1) {
    const response = await fetch(request.url, {
      method: request.body ? 'POST' : 'GET',
      headers: { cookie: jar.header(), ...(request.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body: request.body,
      redirect: 'manual',
    });
    jar.apply(response);
    const location = response.headers.get('location');
    const autoSubmit = response.status === 200 ? autoSubmitFormOf(await response.text(), request.url) : undefined;
    if (response.status >= 300 && response.status < 400 && location) {
      const next = new URL(location, request.url);
      if (next.origin !== issuerOrigin) return next;
      request = { url: next };
    } else if (autoSubmit) {
      request = autoSubmit;
    } else if (response.status === 200 && /^\/interaction\/[\w-]+$/.test(request.url.pathname) && !request.body) {
      request = { url: new URL(`${request.url.pathname}/login`, request.url), body: new URLSearchParams(credentials) };
    } else {
      throw new Error(`signing in at the identity provider: ${request.url.pathname} answered ${response.status}`);
    }
  }
  throw new Error('signing in at the identity provider: too many redirects');
}
