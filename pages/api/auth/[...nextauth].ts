import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth from 'next-auth';
import { authOptions } from '@/lib/auth';
import { dropUnusableCallbackUrls } from '@/lib/auth/callback-url';
import { getEnv } from '@/lib/env';

export { authOptions };

const nextAuthHandler = NextAuth(authOptions);

export default function auth(req: NextApiRequest, res: NextApiResponse) {
  dropUnusableCallbackUrls(req, getEnv().appUrl.origin);
  return nextAuthHandler(req, res);
}
