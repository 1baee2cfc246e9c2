import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { StoreUnavailableError, type Store } from '../db/store';
import type { Env } from '../env';
import { logWarn } from '../log';
import { createSessionJwt, defaultSessionCookie, encodeWithinBudget, tolerateStoreOutages } from 'next-auth-server-session';
import { redirectWithinSite } from './callback-url';
import type { SessionCallbacks } from './callbacks';
import { trimClaims } from './claims';
import { createOidcProvider } from './oidc-provider';
import { burnPasswordCheck, hashPassword, needsRehash, verifyPassword } from './password';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export interface AuthOptionsDeps {
  env: Env;
  callbacks: SessionCallbacks;
  getStore(): Promise<Store>;
}

/**
 * Secure cookies when the app is served over https, and always in production: stricter
 * than next-auth's own rule (https base URL only), so it is set explicitly below and
 * next-auth, `getToken` callers and the session toolkit all read it from authOptions.
 */
export function isSecureCookieMode(appUrl: URL, nodeEnv: string): boolean {
  return appUrl.protocol === 'https:' || nodeEnv === 'production';
}

/**
 * Replaces a hash in an old format or below today's cost with a fresh one. Best effort: a
 * failure leaves the old hash, which still verifies, and the sign-in goes on.
 */
async function upgradePasswordHash(store: Store, user: { id: string; passwordHash: string }, password: string): Promise<void> {
  try {
    await store.replacePasswordHash(user.id, user.passwordHash, await hashPassword(password));
  } catch (error) {
    logWarn('auth.password-rehash-failed', { userId: user.id, error });
  }
}

/**
 * Unknown email and wrong password both return null and take the same time, so the
 * sign-in answer never tells which emails have accounts.
 */
async function authorizeCredentials(getStore: () => Promise<Store>, input: unknown) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const store = await getStore();
  const user = await store.findUserByEmail(email);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  // A disabled account answers exactly like a wrong password (checked after the hash, so timing matches too).
  if (user.disabled) return null;
  if (needsRehash(user.passwordHash)) await upgradePasswordHash(store, user, password);
  return { id: user.id, name: user.name, email: user.email, role: user.role };
}

const warnOverBudget = (message: string) => logWarn('session.over-budget', { message });

export function createAuthOptions({ env, callbacks, getStore }: AuthOptionsDeps): AuthOptions {
  const secure = isSecureCookieMode(env.appUrl, env.nodeEnv);
  const [secret, ...previousSecrets] = env.secrets;
  const sessionToken = defaultSessionCookie(secure);
  return {
    secret,
    session: { strategy: 'jwt', maxAge: env.sessionMaxAgeSeconds },
    useSecureCookies: secure,
    // next-auth's default cookie, plus the Domain attribute when COOKIE_DOMAIN is set.
    cookies: { sessionToken: { ...sessionToken, options: { ...sessionToken.options, domain: env.cookieDomain } } },
    jwt: {
      maxAge: env.sessionMaxAgeSeconds,
      // The toolkit's codec on next-auth's own paths too: rotation, and a full cart trimmed to the
      // cookie budget (3 chunks, 6 KB of Cookie header measured with this mode's cookie name).
      ...createSessionJwt({ secret, previousSecrets, wrapEncode: (encode) => encodeWithinBudget(encode, { cookieName: sessionToken.name, trimClaims }, warnOverBudget) }),
    },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        authorize: (credentials) => authorizeCredentials(getStore, credentials),
      }),
      ...(env.oidc ? [createOidcProvider(env.oidc)] : []),
    ],
    pages: { signIn: '/signin', error: '/signin' },
    callbacks: {
      signIn: callbacks.signIn,
      // A store outage on next-auth's session reads keeps the token (nobody is signed out by
      // a database blip); our routes answer 503 through the session toolkit instead.
      jwt: tolerateStoreOutages(callbacks.jwt, (error) => error instanceof StoreUnavailableError),
      session: callbacks.session,
      redirect: redirectWithinSite,
    },
  };
}
