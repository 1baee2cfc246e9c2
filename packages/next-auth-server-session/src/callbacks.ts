import type { NextAuthOptions, Session } from 'next-auth';
import type { JWT } from 'next-auth/jwt';

type Callbacks = NonNullable<NextAuthOptions['callbacks']>;
export type JwtCallback = NonNullable<Callbacks['jwt']>;
type JwtParams = Parameters<JwtCallback>[0];
type SessionParams = Parameters<NonNullable<Callbacks['session']>>[0];

/** Marks a jwt callback wrapped by `tolerateStoreOutages`: the updater calls the inner one. */
const OUTAGE_TOLERANT = Symbol.for('next-session-toolkit.outage-tolerant');
type TolerantCallback = JwtCallback & { [OUTAGE_TOLERANT]?: { inner: JwtCallback; isOutage: (error: unknown) => boolean } };

/**
 * next-auth signs the user out on any error thrown by `callbacks.jwt` (core/routes/session.js
 * expires the cookies), so a database blip during a session read would sign everyone out.
 * Wrapped, next-auth's paths keep the current token when `isOutage(error)`; the toolkit
 * unwraps it and answers `{ status: 'unavailable' }` (503, cookie untouched) instead, so a
 * change that could not be applied is never reported as done.
 * @example
 * callbacks: { jwt: tolerateStoreOutages(jwt, (error) => error instanceof DatabaseDownError) }
 */
export function tolerateStoreOutages(inner: JwtCallback, isOutage: (error: unknown) => boolean): JwtCallback {
  const tolerant: TolerantCallback = async (params) => {
    try {
      return await inner(params);
    } catch (error) {
      if (!isOutage(error)) throw error;
      return params.token;
    }
  };
  tolerant[OUTAGE_TOLERANT] = { inner, isOutage };
  return tolerant;
}

export interface UpdateCallbacks {
  /** `callbacks.jwt` exactly as next-auth's update path calls it (no user/account/profile). */
  jwt(token: JWT, patch: unknown): Promise<JWT>;
  /** `callbacks.session` with next-auth's argument: the user from the decoded (old) token. */
  session(decoded: JWT, token: JWT, expires: string): Promise<Session>;
  /** `events.session`, whose errors next-auth only logs. */
  notify(session: Session, token: JWT): Promise<void>;
  /** The marked store outage, if the jwt callback was wrapped by `tolerateStoreOutages`. */
  isOutage(error: unknown): boolean;
}

export function resolveUpdateCallbacks(authOptions: NextAuthOptions, logError: (code: string, error: unknown) => void): UpdateCallbacks {
  const { callbacks, events } = authOptions;
  const tolerant = (callbacks?.jwt as TolerantCallback | undefined)?.[OUTAGE_TOLERANT];
  const jwt = tolerant?.inner ?? callbacks?.jwt;
  return {
    async jwt(token, patch) {
      if (!jwt) return token; // next-auth's default jwt callback
      return jwt({ token, trigger: 'update', session: patch } as JwtParams);
    },
    async session(decoded, token, expires) {
      // next-auth's default shape; `Session` is what the app's own callback (and augmentation) makes of it.
      const session = { user: { name: decoded.name, email: decoded.email, image: decoded.picture }, expires } as unknown as Session;
      if (!callbacks?.session) return session; // next-auth's default session callback
      return (await callbacks.session({ session, token } as SessionParams)) as Session;
    },
    async notify(session, token) {
      try {
        await events?.session?.({ session, token });
      } catch (error) {
        logError('SESSION_EVENT_ERROR', error); // next-auth's code for it (core/errors.js)
      }
    },
    isOutage: (error) => tolerant?.isOutage(error) ?? false,
  };
}
