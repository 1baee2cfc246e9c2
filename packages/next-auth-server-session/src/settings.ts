import type { IncomingHttpHeaders } from 'node:http';
import type { NextAuthOptions } from 'next-auth';
import { encodeWithinBudget, type SessionBudget } from './budget';
import { MAX_CHUNKS } from './chunks';
import { resolveUpdateCallbacks, type UpdateCallbacks } from './callbacks';
import { SessionConfigError } from './errors';
import { isBaseUrlHttps, readSecretFromEnv } from './next-auth-env';
import { resolveSessionCookie, type SessionCookie } from './session-cookie';
import { DEFAULT_MAX_AGE_SECONDS, resolveTokenCodec, type TokenCodec } from './token-codec';

export interface PatchIssue {
  path: string;
  message: string;
}

/**
 * What `validatePatch` answers: `{ patch }` (the value handed on to `callbacks.jwt`) or
 * `{ issues }` (refused: the update answers `invalid-patch`). One shape rather than a union,
 * so it type-checks in apps without `strictNullChecks`.
 */
export interface PatchCheck {
  patch?: unknown;
  issues?: readonly PatchIssue[];
}

/** Everything beyond `authOptions` is optional. */
export interface SessionUpdaterOptions {
  /** Secrets that opened earlier sessions (rotation): accepted, and re-issued under the current one. */
  previousSecrets?: readonly string[];
  /** Checks a patch before `callbacks.jwt` sees it. Without it the patch goes to the callback as is, as next-auth's `update(data)` does. */
  validatePatch?: (patch: unknown) => PatchCheck;
  budget?: SessionBudget;
  /** Milliseconds since the epoch; injectable for tests. */
  clock?: () => number;
}

/** The toolkit's settings, derived from `authOptions` the way next-auth's `init` derives its own. */
export interface SessionSettings {
  maxAgeSeconds: number;
  maxChunks: number;
  codec: TokenCodec;
  callbacks: UpdateCallbacks;
  validatePatch?: (patch: unknown) => PatchCheck;
  /** The session cookie for a request: the mode can depend on its forwarded protocol, as in next-auth. */
  cookieFor(headers: IncomingHttpHeaders): SessionCookie;
  logError(code: string, error: unknown): void;
  clock(): number;
}

function resolveSecret(authOptions: NextAuthOptions): string {
  const secret = authOptions.jwt?.secret ?? authOptions.secret ?? readSecretFromEnv();
  if (!secret) {
    throw new SessionConfigError('ERR_SESSION_NO_SECRET', 'No secret: set authOptions.secret or NEXTAUTH_SECRET (generate one with `openssl rand -base64 32`)');
  }
  return secret;
}

function assertJwtStrategy(authOptions: NextAuthOptions): void {
  const strategy = authOptions.session?.strategy ?? (authOptions.adapter ? 'database' : 'jwt');
  if (strategy !== 'jwt') {
    throw new SessionConfigError('ERR_SESSION_NOT_JWT', 'The session toolkit needs session.strategy "jwt" (database sessions keep no claims in the cookie)');
  }
}

export function resolveSessionSettings(authOptions: NextAuthOptions, options: SessionUpdaterOptions = {}): SessionSettings {
  assertJwtStrategy(authOptions);
  const secret = resolveSecret(authOptions);
  const logError = (code: string, error: unknown) =>
    authOptions.logger?.error ? authOptions.logger.error(code, error as Error) : console.error(`[session][error][${code}]`, error);
  const codec = resolveTokenCodec(authOptions, secret, options.previousSecrets ?? [], options.clock);
  const cookies = new Map<boolean, SessionCookie>();
  const cookieOf = (secure: boolean) => cookies.get(secure) ?? cookies.set(secure, resolveSessionCookie(authOptions, secure)).get(secure)!;
  // Measured with the secure-mode name (the longer one, unless the app names the cookie itself).
  const budget = options.budget && { cookieName: cookieOf(true).name, ...options.budget };
  return {
    maxAgeSeconds: authOptions.session?.maxAge ?? DEFAULT_MAX_AGE_SECONDS,
    maxChunks: options.budget?.maxChunks ?? MAX_CHUNKS,
    codec: budget ? { ...codec, encode: encodeWithinBudget(codec.encode, budget) } : codec,
    callbacks: resolveUpdateCallbacks(authOptions, logError),
    validatePatch: options.validatePatch,
    cookieFor: (headers) => cookieOf(authOptions.useSecureCookies ?? isBaseUrlHttps(headers)),
    logError,
    clock: options.clock ?? Date.now,
  };
}
