import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import NextAuth, { type NextAuthOptions } from 'next-auth';
import { RouteError, setApiHeaders } from '@/lib/api';
import { getAuthOptions, getSessions } from '@/lib/auth';
import { getSignInThrottle } from '@/lib/auth/app-sign-in-throttle';
import { dropUnusableCallbackUrls } from '@/lib/auth/callback-url';
import { readNextAuthBody } from '@/lib/auth/read-next-auth-body';
import { throttleSignIn } from '@/lib/auth/throttle-sign-in';
import { getEnv } from '@/lib/env';

/**
 * The body is read by readNextAuthBody, not by Next: Next's parser allows 1 MB, has no
 * time limit and answers its refusals in plain text; `sizeLimit` alone would fix only the
 * first. It hands next-auth `req.body` parsed as Next would.
 */
export const config = { api: { bodyParser: false } };

/**
 * next-auth's options, exported as every next-auth app exports them
 * (`getServerSession(req, res, authOptions)`): lib/auth's, read on first use, whatever keys
 * they have (a view, not a copy: next-auth and the toolkit see one object). `next build`
 * imports every route, and a build needs no secret and no database.
 */
export const authOptions: NextAuthOptions = new Proxy({} as NextAuthOptions, {
  get: (_empty, key) => Reflect.get(getAuthOptions(), key),
  // next-auth assigns `options.secret ??= process.env.NEXTAUTH_SECRET` (never reached: the environment requires a secret).
  set: (_empty, key, value) => Reflect.set(getAuthOptions(), key, value),
  has: (_empty, key) => Reflect.has(getAuthOptions(), key),
  ownKeys: () => Reflect.ownKeys(getAuthOptions()),
  // Configurable, as a proxy over an empty target must report (the spread next-auth does reads these).
  getOwnPropertyDescriptor: (_empty, key) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(getAuthOptions(), key);
    return descriptor && { ...descriptor, configurable: true };
  },
});

/** Guarded: an answer that writes the session cookie expires its other variants. */
const nextAuthHandler: NextApiHandler = (req, res) => {
  getSessions().guard(req, res);
  return NextAuth(req, res, authOptions);
};

let throttledSignIn: NextApiHandler | undefined;

/** The throttled credentials callback, made on first use (its settings come from the environment). */
function getThrottledSignIn(): NextApiHandler {
  throttledSignIn ??= throttleSignIn(nextAuthHandler, {
    getThrottle: getSignInThrottle,
    trustProxy: getEnv().trustProxy,
    sessionCookieName: authOptions.cookies?.sessionToken?.name ?? 'next-auth.session-token', // lib/auth always names it
  });
  return throttledSignIn;
}

function isCredentialsCallback(req: NextApiRequest): boolean {
  const [action, provider] = Array.isArray(req.query.nextauth) ? req.query.nextauth : [];
  return action === 'callback' && provider === 'credentials';
}

/** 413/408/400/415 `{ error, ... }`, with the reader's headers (Connection: close for a body left unread). */
function answerBodyRefusal(res: NextApiResponse, error: RouteError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json({ error: error.message, ...error.details });
}

export default async function auth(req: NextApiRequest, res: NextApiResponse) {
  setApiHeaders(res);
  // next-auth 4.24 answers 500 ("Callback for provider type credentials not supported") to a GET here.
  if (isCredentialsCallback(req) && req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: `Method ${req.method ?? ''} not allowed`, allow: 'POST' });
  }
  try {
    req.body = await readNextAuthBody(req);
  } catch (error) {
    if (error instanceof RouteError) return answerBodyRefusal(res, error);
    throw error;
  }
  dropUnusableCallbackUrls(req, getEnv().appUrl.origin);
  // Every password check goes through the throttle first (issue 13: unlimited guesses, a scrypt each).
  if (isCredentialsCallback(req)) return getThrottledSignIn()(req, res);
  return nextAuthHandler(req, res);
}
