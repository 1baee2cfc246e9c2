import type { JWT } from 'next-auth/jwt';
import type { JwtCallback } from 'next-auth-server-session';
import { createAuthOptions } from '@/lib/auth/auth-options';
import { createSessionCallbacks } from '@/lib/auth/callbacks';
import { createOidcAccounts } from '@/lib/auth/oidc-accounts';
import { createSessionStateReader } from '@/lib/auth/state-cache';
import { type SessionState, type Store, StoreUnavailableError } from '@/lib/db/store';
import { parseEnv } from '@/lib/env';
import { TEST_SECRET } from '../helpers/test-env';

/** As next-auth calls it on a session read: no user, no account (its type says they are always there). */
type ReadParams = Parameters<JwtCallback>[0];

/** The app's callbacks as next-auth gets them (wrapped by tolerateStoreOutages), over a store that is down. */
function optionsDuringOutage() {
  const getStore = (): Promise<Store> => Promise.reject(new StoreUnavailableError());
  const env = parseEnv({ NODE_ENV: 'test', NEXTAUTH_SECRET: TEST_SECRET, OIDC_ISSUER: 'https://idp.example.test', OIDC_CLIENT_ID: 'app', OIDC_CLIENT_SECRET: 'app-secret' });
  const sessionStates = createSessionStateReader<SessionState>(async () => (await getStore()).getSessionState(''), 0);
  const oidc = {
    accounts: createOidcAccounts({ settings: { issuer: 'https://idp.example.test', embedded: false }, getStore, warn: () => undefined }),
    refresher: { ensureFresh: async <T extends JWT>(token: T) => ({ status: 'fresh' as const, token, tokens: { accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 0 } }) },
  };
  const callbacks = createSessionCallbacks({ getStore, sessionStates, warn: () => undefined, oidc });
  const jwt = createAuthOptions({ env, callbacks, getStore }).callbacks?.jwt;
  if (!jwt) throw new Error('no jwt callback');
  return jwt;
}

describe('the jwt callback during a store outage', () => {
  it('fails an OIDC sign-in rather than keep next-auth\'s default token, whose sub is the provider\'s subject', async () => {
    const jwt = optionsDuringOutage();
    const account = { provider: 'oidc', type: 'oauth' as const, providerAccountId: 'alice', access_token: 'at', refresh_token: 'rt', expires_at: 1 };

    const signIn = jwt({ token: { sub: 'alice', email: 'alice@example.com' }, user: { id: 'alice', name: 'Alice', email: 'alice@example.com' }, account, trigger: 'signIn' });

    await expect(signIn).rejects.toThrow('The OIDC sign-in could not read its user');
    await expect(signIn).rejects.not.toBeInstanceOf(StoreUnavailableError);
  });

  it('keeps the token on a session read, as before (nobody is signed out by a database blip)', async () => {
    const token = { sub: 'user-1', sessionVersion: 1, oauth: { accessToken: 'at', refreshToken: 'rt', accessTokenExpiresAt: 1 } };

    await expect(optionsDuringOutage()({ token } as ReadParams)).resolves.toBe(token);
  });
});
