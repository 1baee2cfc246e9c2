import { cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { appEnv, freePort, ROOT, startNextServer, startNextServerExpectingExit } from '../../support/app-server';
import { APP_SOURCES } from '../../support/build-app';
import { signInOverHttp } from '../../support/http-sign-in';
import { nextBuild } from '../../support/next-build';

/**
 * A Docker-style image: the sources built with no runtime secret anywhere, the secrets
 * given to `next start` only. Built in a copy of the sources, so neither the `.next` that
 * the other app tests serve nor a developer's `.env.local` takes part.
 */
// NODE_ENV as a Dockerfile sets it (`next build` would set it anyway).
const BUILD_ENV: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'secretless-build-'));
  for (const source of APP_SOURCES) cpSync(path.join(ROOT, source), path.join(dir, source), { recursive: true });
  symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a build without runtime secrets', () => {
  it('builds with NEXTAUTH_URL, NEXTAUTH_SECRET and DATABASE_URL unset', () => {
    expect(existsSync(path.join(dir, '.env.local'))).toBe(false);

    nextBuild(dir, BUILD_ENV, 'next build without secrets');

    expect(existsSync(path.join(dir, '.next', 'BUILD_ID'))).toBe(true);
  }, 300_000);

  it('refuses to start without NEXTAUTH_SECRET, with one line naming it', async () => {
    const port = await freePort();
    const env = appEnv(port);
    delete env.NEXTAUTH_SECRET;

    const { code, stderr } = await startNextServerExpectingExit(dir, port, env);

    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toEqual(['Invalid environment: NEXTAUTH_SECRET is missing; generate one with `openssl rand -base64 32`']);
  }, 60_000);

  it('serves a sign-in once the secrets are given at start', async () => {
    const port = await freePort();
    const app = await startNextServer(dir, port, appEnv(port));
    try {
      const { jar } = await signInOverHttp(app.url, 'alice@example.com', 'alice-password');
      const session = await fetch(`${app.url}/api/auth/session`, { headers: { cookie: jar.header() } });

      expect(await session.json()).toMatchObject({ user: { email: 'alice@example.com' } });
    } finally {
      await app.stop();
    }
  }, 60_000);
});
