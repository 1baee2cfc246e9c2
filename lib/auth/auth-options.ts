import type { AuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import type { Store } from '../db/store';
import type { Env } from '../env';
import type { SessionCallbacks } from '../session/callbacks';
import type { SessionConfig } from '../session/config';
import { redirectWithinSite } from './callback-url';
import { burnPasswordCheck, verifyPassword } from './password';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});

export interface AuthOptionsDeps {
  env: Env;
  config: SessionConfig;
  callbacks: SessionCallbacks;
  getStore(): Promise<Store>;
}

/**
 * Unknown email and wrong password both return null and take the same time, so the
 * sign-in answer never tells which emails have accounts.
 */
async function authorizeCredentials(getStore: () => Promise<Store>, input: unknown) {
  const parsed = credentialsSchema.safeParse(input);
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const user = await (await getStore()).findUserByEmail(email);
  if (!user) {
    await burnPasswordCheck(password);
    return null;
  }
  if (!(await verifyPassword(password, user.passwordHash))) return null;
  // A disabled account answers exactly like a wrong password (checked after the hash, so timing matches too).
  if (user.disabled) return null;
  return { id: user.id, name: user.name, email: user.email, role: user.role };
}

export function createAuthOptions({ env, config, callbacks, getStore }: AuthOptionsDeps): AuthOptions {
  return {
    secret: env.secrets[0],
    session: { strategy: 'jwt', maxAge: config.maxAgeSeconds },
    useSecureCookies: config.cookie.options.secure,
    cookies: { sessionToken: config.cookie },
    jwt: {
      maxAge: config.maxAgeSeconds,
      // Our codec: next-auth's format, with the derived key cached and secret rotation.
      encode: async ({ token }) => config.encodeToken(token ?? {}),
      decode: async ({ token }) => config.codec.decode(token)?.payload ?? null,
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
    ],
    pages: { signIn: '/signin', error: '/signin' },
    callbacks: { ...callbacks, redirect: redirectWithinSite },
  };
}
