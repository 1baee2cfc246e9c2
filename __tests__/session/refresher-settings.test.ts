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

  it('does not put the client secret or URL credentials in its messages', () => {
    let message = '';
    try {
      resolveRefresherSettings({ ...BASE, tokenEndpoint: 'https://user:hunter2@idp.example/token' });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).not.toMatch(/hunter2|client-secret/);
  });

  it('accepts coordination with a secret of 32 characters or more', () => {
    expect(() => resolveRefresherSettings({ ...BASE, coordination: createMemoryCoordination(), secret: TEST_SECRET })).not.toThrow();
  });
});
