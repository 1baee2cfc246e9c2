import type { NextApiRequest, NextApiResponse } from 'next';
import { getServerSession } from 'next-auth/next';
import { encode, getToken } from 'next-auth/jwt';
import { authOptions } from './auth/[...nextauth]';

const COOKIE = 'next-auth.session-token';
const MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * POST /api/recipe: the seed article's hand-rolled server-side session update, as teams
 * write it today: getServerSession, getToken, encode the patched token, Set-Cookie.
 */
export default async function recipe(req: NextApiRequest, res: NextApiResponse) {
  if (req.method !== 'POST') return res.status(405).json({ error: 'Method not allowed' });
  const session = await getServerSession(req, res, authOptions);
  const token = session ? await getToken({ req }) : null;
  if (!session || !token) return res.status(401).json({ error: 'Not signed in' });
  const name = req.body?.data?.name;
  if (typeof name !== 'string') return res.status(400).json({ error: 'data.name must be a string' });
  const secret = process.env.NEXTAUTH_SECRET ?? '';
  const encoded = await encode({ token: { ...token, name }, secret, maxAge: MAX_AGE_SECONDS });
  res.setHeader('Set-Cookie', `${COOKIE}=${encoded}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${MAX_AGE_SECONDS}`);
  res.status(200).json({ user: { ...session.user, name } });
}
