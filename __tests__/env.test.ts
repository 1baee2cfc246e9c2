import { EMBEDDED_OIDC_ISSUER, EnvError, parseEnv } from '../lib/env';

const SECRET = 'env-test-secret-0123456789abcdefghijklmnopqrstuvwxyz';
const PREVIOUS_SECRET = 'env-test-previous-secret-0123456789abcdefghijklmno';
const OLDER_SECRET = 'env-test-older-secret-0123456789abcdefghijklmnopqrs';

const production = { NODE_ENV: 'production', NEXTAUTH_SECRET: SECRET, NEXTAUTH_URL: 'https://app.example.com' };

/** Runs parseEnv, expecting it to refuse the environment; returns the EnvError. */
function envErrorFor(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('parseEnv accepted an environment it should refuse');
}

describe('parseEnv', () => {
  describe('refuses an unusable environment', () => {
    it('refuses a short NEXTAUTH_SECRET in production and says how to generate one', () => {
      const error = envErrorFor({ ...production, NEXTAUTH_SECRET: 'too-short' });

      expect(error.code).toBe('ERR_ENV_INVALID');
      expect(error.message).toMatch(/NEXTAUTH_SECRET/);
      expect(error.message).toMatch(/at least 32 characters/);
      expect(error.message).toMatch(/openssl rand/);
    });

    it('refuses a missing NEXTAUTH_SECRET and says how to generate one', () => {
      const error = envErrorFor({ NEXTAUTH_URL: 'https://app.example.com' });

      expect(error.message).toMatch(/NEXTAUTH_SECRET/);
      expect(error.message).toMatch(/openssl rand/);
    });

    it('refuses production without NEXTAUTH_URL, naming it', () => {
      const error = envErrorFor({ NODE_ENV: 'production', NEXTAUTH_SECRET: SECRET });

      expect(error.message).toMatch(/NEXTAUTH_URL/);
    });

    it('refuses a DATABASE_URL that is neither SQLite nor PostgreSQL, naming it', () => {
      const error = envErrorFor({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: 'mysql://user:pass@localhost/app' });

      expect(error.problems).toEqual([expect.stringMatching(/^DATABASE_URL /)]);
    });

    it('says every problem on one line, as the server prints it when it refuses to start', () => {
      const error = envErrorFor({ NODE_ENV: 'staging', SESSION_MAX_AGE_SECONDS: 'soon' });

      expect(error.problems.length).toBeGreaterThanOrEqual(3);
      expect(error.message).toBe(`Invalid environment: ${error.problems.join('; ')}`);
      expect(error.message).not.toContain('\n');
    });

    it('refuses a short secret in NEXTAUTH_SECRET_PREVIOUS, naming it', () => {
      const error = envErrorFor({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_SECRET_PREVIOUS: `${PREVIOUS_SECRET},short` });

      expect(error.message).toMatch(/NEXTAUTH_SECRET_PREVIOUS/);
    });

    it.each<[string, Record<string, string>]>([
      ['a short secret', { ...production, NEXTAUTH_SECRET: 'short-but-secret-value' }],
      ['a short previous secret', { ...production, NEXTAUTH_SECRET_PREVIOUS: `${PREVIOUS_SECRET},short-old-secret` }],
      ['a bad database URL', { ...production, DATABASE_URL: 'mysql://app:db-password-value@localhost/app' }],
      ['a missing NEXTAUTH_URL', { NODE_ENV: 'production', NEXTAUTH_SECRET: SECRET, NEXTAUTH_SECRET_PREVIOUS: OLDER_SECRET }],
      ['several problems at once', { NODE_ENV: 'staging', NEXTAUTH_SECRET: SECRET, SESSION_MAX_AGE_SECONDS: SECRET }],
      ['an OIDC client without an issuer in production', { ...production, OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: OLDER_SECRET }],
      ['an OIDC issuer that is not a URL', { NEXTAUTH_SECRET: SECRET, OIDC_ISSUER: PREVIOUS_SECRET, OIDC_CLIENT_SECRET: OLDER_SECRET }],
    ])('never puts a secret value into the message for %s', (_, source) => {
      const error = envErrorFor(source);
      const secrets = [SECRET, PREVIOUS_SECRET, OLDER_SECRET, 'short-but-secret-value', 'short-old-secret', 'db-password-value'];

      for (const secret of secrets) {
        expect(error.message).not.toContain(secret);
        expect(error.problems.join('\n')).not.toContain(secret);
      }
    });
  });

  describe('defaults', () => {
    it('defaults to development, the SQLite file ./.data/app.db and a 30-day session', () => {
      const env = parseEnv({ NEXTAUTH_SECRET: SECRET });

      expect(env.nodeEnv).toBe('development');
      expect(env.databaseUrl).toBe('file:./.data/app.db');
      expect(env.sessionMaxAgeSeconds).toBe(2_592_000);
      expect(env.appUrl.href).toBe('http://localhost:3000/');
      expect(env.secrets).toEqual([SECRET]);
    });

    it('reads the client IP from the socket, not X-Forwarded-For', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).trustProxy).toBe(false);
    });

    it('allows 10 consecutive sign-in failures per account and IP, 100 per IP a day and 100 per account a day', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).signInLimits).toEqual({ maxFailures: 10, maxFailuresPerIpPerDay: 100, maxFailuresPerAccountPerDay: 100 });
    });
  });

  describe('demo data (known passwords) fails closed', () => {
    it('does not seed when NODE_ENV and SEED_DEMO_DATA are both unset', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).seedDemoData).toBe(false);
    });

    it('still treats an unset NODE_ENV as development for everything else', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).nodeEnv).toBe('development');
    });

    it.each(['development', 'test'])('seeds when NODE_ENV is explicitly %s', (nodeEnv) => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, NODE_ENV: nodeEnv }).seedDemoData).toBe(true);
    });

    it('does not seed in production', () => {
      expect(parseEnv(production).seedDemoData).toBe(false);
    });

    it('seeds in production when SEED_DEMO_DATA=true', () => {
      expect(parseEnv({ ...production, SEED_DEMO_DATA: 'true' }).seedDemoData).toBe(true);
    });

    it('seeds with SEED_DEMO_DATA=true when NODE_ENV is unset', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, SEED_DEMO_DATA: 'true' }).seedDemoData).toBe(true);
    });
  });

  describe('sign-in throttling settings', () => {
    it('reads X-Forwarded-For when TRUST_PROXY=true', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    });

    it('takes the limits from SIGNIN_MAX_FAILURES, SIGNIN_MAX_FAILURES_PER_IP_PER_DAY and SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY', () => {
      const env = parseEnv({
        NEXTAUTH_SECRET: SECRET,
        SIGNIN_MAX_FAILURES: '3',
        SIGNIN_MAX_FAILURES_PER_IP_PER_DAY: '40',
        SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: '500',
      });

      expect(env.signInLimits).toEqual({ maxFailures: 3, maxFailuresPerIpPerDay: 40, maxFailuresPerAccountPerDay: 500 });
    });

    it.each([
      ['SIGNIN_MAX_FAILURES', '0'],
      ['SIGNIN_MAX_FAILURES', 'ten'],
      ['SIGNIN_MAX_FAILURES_PER_IP_PER_DAY', '-1'],
      ['SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY', '0'],
      ['SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY', '1.5'],
      ['TRUST_PROXY', 'yes'],
    ])('refuses %s=%s, naming it', (name, value) => {
      const error = envErrorFor({ NEXTAUTH_SECRET: SECRET, [name]: value });

      expect(error.problems).toEqual([expect.stringMatching(new RegExp(`^${name} `))]);
    });
  });

  it('puts the comma-separated NEXTAUTH_SECRET_PREVIOUS after the current secret, in order', () => {
    const env = parseEnv({ NEXTAUTH_SECRET: SECRET, NEXTAUTH_SECRET_PREVIOUS: ` ${PREVIOUS_SECRET} ,${OLDER_SECRET},` });

    expect(env.secrets).toEqual([SECRET, PREVIOUS_SECRET, OLDER_SECRET]);
  });

  it('accepts a postgres:// DATABASE_URL and the given session max age', () => {
    const env = parseEnv({
      ...production,
      DATABASE_URL: 'postgres://app@db.internal:5432/app',
      SESSION_MAX_AGE_SECONDS: '3600',
    });

    expect(env.databaseUrl).toBe('postgres://app@db.internal:5432/app');
    expect(env.sessionMaxAgeSeconds).toBe(3600);
    expect(env.appUrl.origin).toBe('https://app.example.com');
  });
  describe('SESSION_VERSION_CACHE_MS', () => {
    const postgres = { NEXTAUTH_SECRET: SECRET, DATABASE_URL: 'postgres://app@db.internal:5432/app' };

    it('defaults to 60 s on PostgreSQL, where notifications keep the cache right across instances', () => {
      expect(parseEnv(postgres).sessionVersionCacheMs).toBe(60_000);
      expect(parseEnv({ ...postgres, SESSION_VERSION_CACHE_MS: '' }).sessionVersionCacheMs).toBe(60_000);
    });

    it('defaults to 0 (no cache) on SQLite', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, DATABASE_URL: 'file:./app.db' }).sessionVersionCacheMs).toBe(0);
    });

    it('turns the cache off with an explicit 0 on either store', () => {
      expect(parseEnv({ ...postgres, SESSION_VERSION_CACHE_MS: '0' }).sessionVersionCacheMs).toBe(0);
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, SESSION_VERSION_CACHE_MS: '0' }).sessionVersionCacheMs).toBe(0);
    });

    it('takes the given TTL', () => {
      expect(parseEnv({ ...postgres, SESSION_VERSION_CACHE_MS: '5000' }).sessionVersionCacheMs).toBe(5000);
    });
  });

  describe('OIDC provider', () => {
    const client = { OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: 'client-secret-from-the-provider' };

    it('is off when no OIDC variable is set, in development and in production', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET }).oidc).toBeNull();
      expect(parseEnv(production).oidc).toBeNull();
    });

    it.each(['development', 'test'])('defaults the issuer to the embedded provider in %s', (nodeEnv) => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, NODE_ENV: nodeEnv, ...client }).oidc).toEqual({
        issuer: EMBEDDED_OIDC_ISSUER,
        clientId: 'app',
        clientSecret: 'client-secret-from-the-provider',
        embedded: true,
        refreshSkewSeconds: 30,
      });
    });

    it('takes the refresh skew from OIDC_REFRESH_SKEW_SECONDS and refuses a negative one', () => {
      expect(parseEnv({ NEXTAUTH_SECRET: SECRET, ...client, OIDC_REFRESH_SKEW_SECONDS: '2' }).oidc?.refreshSkewSeconds).toBe(2);
      expect(envErrorFor({ NEXTAUTH_SECRET: SECRET, ...client, OIDC_REFRESH_SKEW_SECONDS: '-1' }).problems).toEqual([expect.stringMatching(/OIDC_REFRESH_SKEW_SECONDS/)]);
    });

    it('keeps a configured issuer exactly, trailing slash included, and marks it as not embedded', () => {
      const oidc = parseEnv({ ...production, ...client, OIDC_ISSUER: 'https://tenant.eu.auth0.com/' }).oidc;

      expect(oidc).toMatchObject({ issuer: 'https://tenant.eu.auth0.com/', embedded: false });
    });

    it('refuses a client without an issuer in production, naming OIDC_ISSUER', () => {
      const error = envErrorFor({ ...production, ...client });

      expect(error.problems).toEqual([expect.stringMatching(/^OIDC_ISSUER is missing/)]);
    });

    it('refuses an issuer without its client id and secret, naming both', () => {
      const error = envErrorFor({ NEXTAUTH_SECRET: SECRET, OIDC_ISSUER: 'https://keycloak.example.com/realms/app' });

      expect(error.problems).toEqual([expect.stringMatching(/^OIDC_CLIENT_ID /), expect.stringMatching(/^OIDC_CLIENT_SECRET /)]);
    });

    it('refuses an http issuer in production unless it is on a loopback address', () => {
      const error = envErrorFor({ ...production, ...client, OIDC_ISSUER: 'http://login.example.com' });

      expect(error.problems).toEqual([expect.stringMatching(/^OIDC_ISSUER must use https/)]);
      expect(parseEnv({ ...production, ...client, OIDC_ISSUER: 'http://127.0.0.1:4100' }).oidc?.issuer).toBe('http://127.0.0.1:4100');
    });

    it('refuses an OIDC_ISSUER that is not an http(s) URL, naming it', () => {
      const error = envErrorFor({ NEXTAUTH_SECRET: SECRET, ...client, OIDC_ISSUER: 'ftp://login.example.com' });

      expect(error.problems).toEqual([expect.stringMatching(/^OIDC_ISSUER /)]);
    });
  });
});
