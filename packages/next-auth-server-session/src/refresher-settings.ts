import { SessionConfigError } from './errors';
import { DEFAULT_TOKEN_CLAIM } from './oauth-tokens';
import { createMemoryCoordination, type RefreshCoordination } from './refresh-coordination';
import { createSuccessorSeal, type SuccessorSeal } from './successor-seal';
import type { ClientAuthMethod } from './token-endpoint';

export type { ClientAuthMethod };

export interface AccessTokenRefresherOptions {
  /** The provider's token endpoint, or a function that finds it (OIDC discovery; cache it there). */
  tokenEndpoint: string | (() => Promise<string>);
  clientId: string;
  clientSecret: string;
  /** How the client authenticates at the token endpoint; default `client_secret_basic`. */
  clientAuth?: ClientAuthMethod;
  /** Refresh this many seconds before `accessTokenExpiresAt`; default 30. */
  skewSeconds?: number;
  /**
   * How long a successful exchange is remembered for requests still carrying the old refresh
   * token (tabs, parallel fetches, a response the browser dropped); default 60. Within it, the
   * old refresh token is worth the new tokens, so keep it short.
   */
  graceSeconds?: number;
  /** Across server instances: the app's store (see `RefreshCoordination`). Default: this process only. */
  coordination?: RefreshCoordination;
  /**
   * Seals successors before they reach `coordination` (HKDF -> A256GCM); at least 32
   * characters, the same in every instance (`NEXTAUTH_SECRET` will do). Required with
   * `coordination`; without it a random key of this process is used.
   */
  secret?: string;
  /** The JWT claim the tokens live under; default `oauth`. */
  claim?: string;
  /** Token endpoint timeout; default 10,000 ms. */
  timeoutMs?: number;
  fetch?: typeof fetch;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
  /** Where a successor that could not be stored is reported; default `console.error`. Never given a token. */
  logError?: (code: string, error: unknown) => void;
}

export interface RefresherSettings {
  tokenEndpoint(): Promise<URL>;
  clientId: string;
  clientSecret: string;
  clientAuth: ClientAuthMethod;
  skewSeconds: number;
  graceSeconds: number;
  timeoutMs: number;
  claim: string;
  coordination: RefreshCoordination;
  seal: SuccessorSeal;
  fetch: typeof fetch;
  clock(): number;
  logError(code: string, error: unknown): void;
}

const MIN_SECRET_CHARS = 32;
const CLIENT_AUTH_METHODS: readonly string[] = ['client_secret_basic', 'client_secret_post'] satisfies ClientAuthMethod[];

/** The URL, or a SessionConfigError that names the problem (never the URL's credentials). */
export function parseTokenEndpoint(value: unknown): URL {
  let url: URL | null = null;
  try {
    url = typeof value === 'string' ? new URL(value) : null;
  } catch {
    url = null;
  }
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) {
    throw new SessionConfigError('ERR_REFRESH_BAD_TOKEN_ENDPOINT', 'tokenEndpoint must be an absolute http(s) URL without credentials (the provider\'s token_endpoint from its discovery document)');
  }
  return url;
}

function requireString(value: unknown, code: 'ERR_REFRESH_NO_CLIENT_ID' | 'ERR_REFRESH_NO_CLIENT_SECRET', message: string): string {
  if (typeof value !== 'string' || value === '') throw new SessionConfigError(code, message);
  return value;
}

function readNumber(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new SessionConfigError('ERR_REFRESH_BAD_OPTION', `${name} must be a finite number >= ${min}`);
  }
  return value;
}

function resolveSecret(secret: string | undefined, coordinated: boolean): string | null {
  if (secret === undefined && !coordinated) return null;
  if (typeof secret !== 'string' || secret.length < MIN_SECRET_CHARS) {
    throw new SessionConfigError(
      'ERR_REFRESH_NO_SECRET',
      `secret must be at least ${MIN_SECRET_CHARS} characters${coordinated ? ' (required with coordination: it seals what the store keeps)' : ''}; pass NEXTAUTH_SECRET or generate one with \`openssl rand -base64 32\``,
    );
  }
  return secret;
}

function resolveTokenEndpoint(tokenEndpoint: AccessTokenRefresherOptions['tokenEndpoint']): () => Promise<URL> {
  if (typeof tokenEndpoint === 'function') return async () => parseTokenEndpoint(await tokenEndpoint());
  const url = parseTokenEndpoint(tokenEndpoint);
  return async () => url;
}

/** Checked once, on the refresher's first use (so importing the app's module needs no environment). */
export function resolveRefresherSettings(options: AccessTokenRefresherOptions): RefresherSettings {
  const clientAuth = options.clientAuth ?? 'client_secret_basic';
  if (!CLIENT_AUTH_METHODS.includes(clientAuth)) {
    throw new SessionConfigError('ERR_REFRESH_BAD_OPTION', `clientAuth must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  const claim = options.claim ?? DEFAULT_TOKEN_CLAIM;
  if (typeof claim !== 'string' || claim === '') throw new SessionConfigError('ERR_REFRESH_BAD_OPTION', 'claim must be a non-empty string');
  const clock = options.clock ?? Date.now;
  return {
    tokenEndpoint: resolveTokenEndpoint(options.tokenEndpoint),
    clientId: requireString(options.clientId, 'ERR_REFRESH_NO_CLIENT_ID', 'clientId is required: the OAuth client id registered with the provider'),
    clientSecret: requireString(options.clientSecret, 'ERR_REFRESH_NO_CLIENT_SECRET', 'clientSecret is required: the OAuth client secret registered with the provider'),
    clientAuth,
    skewSeconds: readNumber('skewSeconds', options.skewSeconds, 30, 0),
    graceSeconds: readNumber('graceSeconds', options.graceSeconds, 60, 0),
    timeoutMs: readNumber('timeoutMs', options.timeoutMs, 10_000, 1),
    claim,
    coordination: options.coordination ?? createMemoryCoordination({ clock }),
    seal: createSuccessorSeal(resolveSecret(options.secret, options.coordination !== undefined), clock),
    fetch: options.fetch ?? globalThis.fetch,
    clock,
    logError: options.logError ?? ((code, error) => console.error(`[session][error][${code}]`, error)),
  };
}
