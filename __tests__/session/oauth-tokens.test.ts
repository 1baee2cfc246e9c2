import { hashRefreshToken, parseOAuthTokens, readOAuthTokens } from '@/packages/next-auth-server-session/src/oauth-tokens';

const TOKENS = { accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 1_900_000_000 };

describe('parseOAuthTokens', () => {
  it('takes the three fields and drops any other', () => {
    expect(parseOAuthTokens({ ...TOKENS, idToken: 'id' })).toEqual(TOKENS);
  });

  it.each([
    ['null', null],
    ['a string', 'at'],
    ['no refresh token', { accessToken: 'at', accessTokenExpiresAt: 1 }],
    ['an empty access token', { ...TOKENS, accessToken: '' }],
    ['an expiry that is not a number', { ...TOKENS, accessTokenExpiresAt: '1900000000' }],
    ['an infinite expiry', { ...TOKENS, accessTokenExpiresAt: Infinity }],
  ])('refuses %s', (_case, value) => {
    expect(parseOAuthTokens(value)).toBeNull();
  });
});

describe('readOAuthTokens', () => {
  it('reads the tokens under the given claim', () => {
    expect(readOAuthTokens({ sub: 'u1', provider: TOKENS }, 'provider')).toEqual(TOKENS);
    expect(readOAuthTokens({ sub: 'u1', provider: TOKENS }, 'oauth')).toBeNull();
  });
});

describe('hashRefreshToken', () => {
  it('is the SHA-256 of the token, base64url, the same on every instance', () => {
    expect(hashRefreshToken('rt_abc')).toBe('Bp2T3IU9sanFihtO5LuyVv5omBJ15MmFGPJBs3BGFjM');
    expect(hashRefreshToken('rt_abc')).not.toContain('rt_abc');
  });
});
