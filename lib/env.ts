import { z } from 'zod';

/**
 * The one reader of `process.env`. Everything else receives configuration as arguments,
 * so library code stays testable and no module guesses at defaults of its own.
 */

const MIN_SECRET_CHARS = 32;
const GENERATE_HINT = 'generate one with `openssl rand -base64 32`';
const THIRTY_DAYS_SECONDS = 30 * 24 * 60 * 60;

const secretSchema = z
  .string({ error: `is missing; ${GENERATE_HINT}` })
  .min(MIN_SECRET_CHARS, { error: `must be at least ${MIN_SECRET_CHARS} characters; ${GENERATE_HINT}` });

const databaseUrlSchema = z
  .string()
  .refine((value) => /^(file:|postgres(ql)?:\/\/)/.test(value), {
    error: 'must start with file: (SQLite) or postgres:// / postgresql:// (PostgreSQL)',
  });

const booleanFlag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const emptyToUndefined = (value: unknown) => (value === '' ? undefined : value);

/** Up to a billion: a load measurement may set the limits out of reach (scripts/signin-flood.ts). */
const countLimit = (fallback: number) =>
  z.preprocess(emptyToUndefined, z.coerce.number().int().min(1).max(1_000_000_000).default(fallback));

/**
 * The development identity provider (idp/README.md): `npm run dev` starts it here unless
 * OIDC_ISSUER names another provider.
 */
export const EMBEDDED_OIDC_ISSUER = 'http://127.0.0.1:3001';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  NEXTAUTH_SECRET: secretSchema,
  NEXTAUTH_SECRET_PREVIOUS: z.preprocess(
    (value) =>
      typeof value === 'string'
        ? value
            .split(',')
            .map((part) => part.trim())
            .filter(Boolean)
        : [],
    z.array(secretSchema),
  ),
  NEXTAUTH_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  DATABASE_URL: z.preprocess(emptyToUndefined, databaseUrlSchema.default('file:./.data/app.db')),
  COOKIE_DOMAIN: z.preprocess(emptyToUndefined, z.string().optional()),
  SESSION_MAX_AGE_SECONDS: z.preprocess(
    emptyToUndefined,
    z.coerce.number().int().positive().default(THIRTY_DAYS_SECONDS),
  ),
  SEED_DEMO_DATA: booleanFlag,
  STORE_TIMEOUT_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(50).max(60_000).default(5000)),
  SQLITE_SYNCHRONOUS: z.preprocess(emptyToUndefined, z.enum(['normal', 'full']).default('normal')),
  SESSION_VERSION_CACHE_MS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3_600_000).optional()),
  TRUST_PROXY: booleanFlag,
  SIGNIN_MAX_FAILURES: countLimit(10),
  SIGNIN_MAX_FAILURES_PER_IP_PER_DAY: countLimit(100),
  SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: countLimit(100),
  OIDC_ISSUER: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/ }).optional()),
  OIDC_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().optional()),
  OIDC_CLIENT_SECRET: z.preprocess(emptyToUndefined, z.string().optional()),
  OIDC_REFRESH_SKEW_SECONDS: z.preprocess(emptyToUndefined, z.coerce.number().int().min(0).max(3600).default(30)),
});

export type Env = {
  nodeEnv: 'development' | 'production' | 'test';
  /** Current secret first, then previous ones (decode tries them in order). */
  secrets: [string, ...string[]];
  appUrl: URL;
  databaseUrl: string;
  cookieDomain: string | undefined;
  sessionMaxAgeSeconds: number;
  seedDemoData: boolean;
  /** A store call slower than this answers 503. */
  storeTimeoutMs: number;
  /** SQLite's commit durability: `normal` survives a process crash, `full` a power loss too (docs/reliability.md). */
  sqliteSynchronous: 'normal' | 'full';
  /**
   * How long a session state may be served from the per-process cache; 0 = check every
   * request against the store. Unset: 60 s on PostgreSQL (where the cache is kept right
   * across instances by LISTEN/NOTIFY, and is on only while listening), 0 on SQLite.
   */
  sessionVersionCacheMs: number;
  /** Read the client IP from X-Forwarded-For (its last address) instead of the socket. */
  trustProxy: boolean;
  signInLimits: {
    /** Consecutive failed sign-ins per account and client IP before the next attempt is refused. */
    maxFailures: number;
    /** Failed sign-ins per client IP a day, across all accounts. */
    maxFailuresPerIpPerDay: number;
    /** Failed sign-ins per account a day, across all IPs except those it signed in from before. */
    maxFailuresPerAccountPerDay: number;
  };
  /** The OpenID Provider to sign in with, or null when none is configured (no OIDC variable set). */
  oidc: OidcSettings | null;
};

export type OidcSettings = {
  /** Exactly as configured: it must equal the provider's `iss`, trailing slash included (Auth0 has one). */
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** The issuer is the development provider's default, which `npm run dev` starts (idp/). */
  embedded: boolean;
  /** Refresh the access token this long before it expires (it must still be valid when the API gets it). */
  refreshSkewSeconds: number;
};

/**
 * Misconfiguration, with one problem per variable; its message is the one line the server
 * prints when it refuses to start, whether at start (instrumentation.ts) or on first use.
 */
export class EnvError extends Error {
  readonly code = 'ERR_ENV_INVALID';
  constructor(readonly problems: string[]) {
    super(`Invalid environment: ${problems.join('; ')}`);
    this.name = 'EnvError';
  }
}

/**
 * Demo users come with published passwords, so seeding fails closed: an unset NODE_ENV
 * still means development everywhere else, but seeds only when someone said so (`next dev`
 * and jest set NODE_ENV; anything else needs SEED_DEMO_DATA=true).
 */
function isExplicitDevOrTest(nodeEnv: string | undefined): boolean {
  return nodeEnv === 'development' || nodeEnv === 'test';
}

/**
 * The TTL is a safety net on PostgreSQL: notifications drop an entry as soon as its change
 * commits, and the TTL bounds what a notification lost in some unforeseen way could cost.
 * SQLite serves one process, whose own writes forget their entries; no TTL needed to save
 * a read that costs tens of microseconds.
 */
const POSTGRES_SESSION_CACHE_MS = 60_000;

function defaultSessionCacheMs(databaseUrl: string): number {
  return databaseUrl.startsWith('file:') ? 0 : POSTGRES_SESSION_CACHE_MS;
}

type RawOidc = { OIDC_ISSUER?: string; OIDC_CLIENT_ID?: string; OIDC_CLIENT_SECRET?: string; OIDC_REFRESH_SKEW_SECONDS: number };

function isSecureIssuer(issuer: string): boolean {
  const { protocol, hostname } = new URL(issuer);
  return protocol === 'https:' || LOOPBACK_HOSTS.has(hostname);
}

/**
 * OIDC is on once any of its variables is set, and then needs all three; development and
 * tests default the issuer to the embedded provider. Production needs its own provider, on
 * https (http only on a loopback address, for tests of a production build).
 */
function parseOidc(raw: RawOidc, nodeEnv: Env['nodeEnv']): { oidc: OidcSettings | null; problems: string[] } {
  const { OIDC_ISSUER: configuredIssuer, OIDC_CLIENT_ID: clientId, OIDC_CLIENT_SECRET: clientSecret } = raw;
  if (!configuredIssuer && !clientId && !clientSecret) return { oidc: null, problems: [] };
  const issuer = configuredIssuer ?? (nodeEnv === 'production' ? undefined : EMBEDDED_OIDC_ISSUER);
  const problems = [
    !issuer && "OIDC_ISSUER is missing; set it to your provider's issuer URL, e.g. https://your-tenant.eu.auth0.com/",
    issuer && nodeEnv === 'production' && !isSecureIssuer(issuer) && 'OIDC_ISSUER must use https in production (http only on 127.0.0.1 or localhost)',
    !clientId && 'OIDC_CLIENT_ID is missing; use the client id your provider gave the app (`npm run dev` writes one for the embedded provider)',
    !clientSecret && 'OIDC_CLIENT_SECRET is missing; use the client secret your provider gave the app (`npm run dev` writes one for the embedded provider)',
  ].filter((problem): problem is string => typeof problem === 'string');
  if (problems.length > 0 || !issuer || !clientId || !clientSecret) return { oidc: null, problems };
  return { oidc: { issuer, clientId, clientSecret, embedded: !configuredIssuer, refreshSkewSeconds: raw.OIDC_REFRESH_SKEW_SECONDS }, problems };
}

/** Parses an environment (default: `process.env`). Throws `EnvError` when it is unusable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const raw = result.data;
  if (raw.NODE_ENV === 'production' && !raw.NEXTAUTH_URL) {
    throw new EnvError([
      'NEXTAUTH_URL is missing; set it to the public URL of the app, e.g. https://app.example.com',
    ]);
  }
  const { oidc, problems: oidcProblems } = parseOidc(raw, raw.NODE_ENV);
  if (oidcProblems.length > 0) throw new EnvError(oidcProblems);
  return {
    nodeEnv: raw.NODE_ENV,
    secrets: [raw.NEXTAUTH_SECRET, ...raw.NEXTAUTH_SECRET_PREVIOUS],
    appUrl: new URL(raw.NEXTAUTH_URL ?? 'http://localhost:3000'),
    databaseUrl: raw.DATABASE_URL,
    cookieDomain: raw.COOKIE_DOMAIN,
    sessionMaxAgeSeconds: raw.SESSION_MAX_AGE_SECONDS,
    seedDemoData: raw.SEED_DEMO_DATA || isExplicitDevOrTest(source.NODE_ENV),
    sessionVersionCacheMs: raw.SESSION_VERSION_CACHE_MS ?? defaultSessionCacheMs(raw.DATABASE_URL),
    storeTimeoutMs: raw.STORE_TIMEOUT_MS,
    sqliteSynchronous: raw.SQLITE_SYNCHRONOUS,
    trustProxy: raw.TRUST_PROXY,
    signInLimits: {
      maxFailures: raw.SIGNIN_MAX_FAILURES,
      maxFailuresPerIpPerDay: raw.SIGNIN_MAX_FAILURES_PER_IP_PER_DAY,
      maxFailuresPerAccountPerDay: raw.SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY,
    },
    oidc,
  };
}

/** Only the store's URL, for scripts that need no secret (db:migrate, db:seed). */
export function getDatabaseUrl(source: Record<string, string | undefined> = process.env): string {
  const result = envSchema.shape.DATABASE_URL.safeParse(source.DATABASE_URL);
  if (!result.success) throw new EnvError([`DATABASE_URL ${result.error.issues[0]?.message ?? 'is invalid'}`]);
  return result.data;
}

let cached: Env | undefined;

/** The process's environment, parsed once. */
export function getEnv(): Env {
  cached ??= parseEnv();
  return cached;
}
