/**
 * The peer: bench/stock-app, a minimal stock next-auth v4 app with no store (credentials,
 * a jwt callback merging `name` on update), the seed article's recipe as a route
 * (/api/recipe) and a route that does nothing (/api/ping, the floor).
 */
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freePort, type RunningApp, startNextServer } from '../support/app-server';
import { signInWithCredentials } from '../support/http-sign-in';
import { isBuildFresh, nextBuild } from '../support/next-build';
import type { SignedInSession } from './app';

export const STOCK_DIR = path.join(__dirname, 'stock-app');
const STOCK_COOKIE = 'next-auth.session-token';
const baseEnv = (): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' });

/** Its `next build` when stale; true when it built. */
export function buildStockWhenStale(): boolean {
  if (isBuildFresh(STOCK_DIR, ['.', '../../package-lock.json'])) return false;
  nextBuild(STOCK_DIR, baseEnv(), 'stock app build');
  return true;
}

export async function startStock(): Promise<RunningApp> {
  const port = await freePort();
  const secret = randomBytes(32).toString('base64');
  const env = { ...baseEnv(), NEXTAUTH_SECRET: secret, NEXTAUTH_URL: `http://127.0.0.1:${port}` };
  return { ...(await startNextServer(STOCK_DIR, port, env)), secret, databaseUrl: '' };
}

export async function signInStock(url: string): Promise<SignedInSession> {
  const { jar, csrfToken } = await signInWithCredentials(url, { username: 'alice', password: 'stock-password' });
  if (!jar.get(STOCK_COOKIE)) throw new Error(`stock app: sign-in set no ${STOCK_COOKIE} cookie`);
  return { url, jar, csrfToken };
}
