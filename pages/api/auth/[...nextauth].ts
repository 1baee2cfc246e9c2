import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';
import { getSignInThrottle } from '@/lib/auth/app-sign-in-throttle';
import { dropUnusableCallbackUrls } from '@/lib/auth/callback-url';
import { throttleSignIn } from '@/lib/auth/throttle-sign-in';
import { getEnv } from '@/lib/env';

export { authOptions };

const nextAuthHandler = NextAuth(authOptions);

const throttledSignIn = throttleSignIn(nextAuthHandler, {
  getThrottle: getSignInThrottle,
  trustProxy: getEnv().trustProxy,
  sessionCookieName: authOptions.cookies?.sessionToken?.name ?? 'next-auth.session-token',
});

function isCredentialsCallback(req: NextApiRequest): boolean {
  const [action, provider] = Array.isArray(req.query.nextauth) ? req.query.nextauth : [];
  return action === 'callback' && provider === 'credentials';
}

export default function auth(req: NextApiRequest, res: NextApiResponse) {
  // next-auth 4.24 answers 500 ("Callback for provider type credentials not supported") to a GET here.
  if (isCredentialsCallback(req) && req.method !== 'POST') {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: `Method ${req.method ?? ''} not allowed`, allow: 'POST' });
  }
  dropUnusableCallbackUrls(req, getEnv().appUrl.origin);
  // Every password check goes through the throttle first (issue 13: unlimited guesses, a scrypt each).
  if (isCredentialsCallback(req)) return throttledSignIn(req, res);
  return nextAuthHandler(req, res);
}
