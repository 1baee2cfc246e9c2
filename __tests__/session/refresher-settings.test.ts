import { createMemoryCoordination } from '@/packages/next-auth-server-session/src/refresh-coordination';
import { resolveRefresherSettings, type AccessTokenRefresherOptions } from '@/packages/next-auth-server-session/src/refresher-settings';
import { TEST_SECRET } from '../helpers/test-env';

const BASE: AccessTokenRefresherOptions = { tokenEndpoint: 'https://idp.example/token', clientId: 'client', clientSecret: 'client-secret' };

describe('resolveRefresherSettings', () => {
  it('defaults to client_secret_basic, 30 s skew, 60 s grace, a 10 s timeout and the oauth claim', async () => {
    const settings = resolveRefresherSettings(BASE);

    expect(settings).toMatchObject({ clientAuth: 'client_secret_basic', skewSeconds: 30, graceSeconds: 60, timeoutMs: 10_000, claim: 'oauth' });
    expect((await settings.tokenEndpoint()).href).toBe('https://idp.example/token');
  });

  it('checks a tokenEndpoint function\'s URL only when it is called', async () => {
    const settings = resolveRefresherSettings({ ...BASE, tokenEndpoint: async () => 'not a url' });

    await expect(settings.tokenEndpoint()).rejects.toMatchObject({ name: 'SessionConfigError', code: 'ERR_REFRESH_BAD_TOKEN_ENDPOINT' });
  });

  it.each<[string, Partial<AccessTokenRefresherOptions>, string]>([
    ['no client id', { clientId: '' }, 'ERR_REFRESH_NO_CLIENT_ID'],
    ['no client secret', { clientSecret: undefined as unknown as string }, 'ERR_REFRESH_NO_CLIENT_SECRET'],
    ['a relative token endpoint', { tokenEndpoint: '/token' }, 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'],
    ['a token endpoint that is not http(s)', { tokenEndpoint: 'javascript:alert(1)' }, 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'],
    ['a token endpoint with credentials', { tokenEndpoint: 'https://user:pass@idp.example/token' }, 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'],
    ['an unknown clientAuth', { clientAuth: 'private_key_jwt' as 'client_secret_post' }, 'ERR_REFRESH_BAD_OPTION'],
    ['a negative skew', { skewSeconds: -1 }, 'ERR_REFRESH_BAD_OPTION'],
    ['a timeout of 0', { timeoutMs: 0 }, 'ERR_REFRESH_BAD_OPTION'],
    ['an empty claim', { claim: '' }, 'ERR_REFRESH_BAD_OPTION'],
    ['coordination without a secret', { coordination: createMemoryCoordination() }, 'ERR_REFRESH_NO_SECRET'],
    ['a short secret', { secret: 'too-short' }, 'ERR_REFRESH_NO_SECRET'],
  ])('throws SessionConfigError for %s', (_case, overrides, code) => {
    expect(() => resolveRefresherSettings({ ...BASE, ...overrides })).toThrow(expect.objectContaining({ name: 'SessionConfigError', code }));
  });

  describe('keeps secrets out of its messages', () => {
    const CLIENT_SECRET = 'client-s3cret-value';
    /** Matches a message that names none of the secrets given in these cases. */
    const withoutSecrets = expect.not.stringMatching(/client-s3cret-value|hunter2|idp-user|short-s3cret/);

    it.each<[string, Partial<AccessTokenRefresherOptions>, string]>([
      ['URL credentials in the token endpoint', { tokenEndpoint: 'https://idp-user:hunter2@idp.example/token' }, 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'],
      ['a token endpoint that is not http(s)', { tokenEndpoint: 'ftp://idp-user:hunter2@idp.example/token' }, 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'],
      ['a bad option', { skewSeconds: -1 }, 'ERR_REFRESH_BAD_OPTION'],
      ['a short secret', { secret: 'short-s3cret' }, 'ERR_REFRESH_NO_SECRET'],
      ['no client id', { clientId: '' }, 'ERR_REFRESH_NO_CLIENT_ID'],
    ])('throws for %s (with a client secret set) without naming it or the secret', (_case, overrides, code) => {
      expect(() => resolveRefresherSettings({ ...BASE, clientSecret: CLIENT_SECRET, ...overrides })).toThrow(
        expect.objectContaining({ name: 'SessionConfigError', code, message: withoutSecrets }),
      );
    });

    it("rejects a tokenEndpoint function's URL with credentials without naming them", async () => {
      const settings = resolveRefresherSettings({ ...BASE, clientSecret: CLIENT_SECRET, tokenEndpoint: async () => 'https://idp-user:hunter2@idp.example/token' });

      await expect(settings.tokenEndpoint()).rejects.toMatchObject({ name: 'SessionConfigError', code: 'ERR_REFRESH_BAD_TOKEN_ENDPOINT', message: withoutSecrets });
    });
  });

  it('accepts coordination with a secret of 32 characters or more', () => {
    expect(() => resolveRefresherSettings({ ...BASE, coordination: createMemoryCoordination(), secret: TEST_SECRET })).not.toThrow();
  });
});
