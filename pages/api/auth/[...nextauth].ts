import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';
import { dropUnusableCallbackUrls } from '@/lib/auth/callback-url';
import { getEnv } from '@/lib/env';

export { authOptions };

const nextAuthHandler = NextAuth(authOptions);

/** next-auth 4.24 answers 500 ("Callback for provider type credentials not supported") to a GET here. */
function isCredentialsCallbackWithoutPost(req: NextApiRequest): boolean {
  const [action, provider] = Array.isArray(req.query.nextauth) ? req.query.nextauth : [];
  return action === 'callback' && provider === 'credentials' && req.method !== 'POST';
}

export default function auth(req: NextApiRequest, res: NextApiResponse) {
  if (isCredentialsCallbackWithoutPost(req)) {
    res.setHeader('Allow', 'POST');
    return res.status(405).json({ error: `Method ${req.method ?? ''} not allowed`, allow: 'POST' });
  }
  dropUnusableCallbackUrls(req, getEnv().appUrl.origin);
  return nextAuthHandler(req, res);
}
