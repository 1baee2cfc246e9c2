import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..');
export const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');

/** The app's own Next.js when it has one (the version matrix installs its own), else the repository's. */
export function nextBinFor(cwd: string): string {
  const own = path.join(cwd, 'node_modules', 'next', 'dist', 'bin', 'next');
  return existsSync(own) ? own : NEXT_BIN;
}

export interface RunningApp {
  url: string;
  pid: number;
  secret: string;
  databaseUrl: string;
  output(): string;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** Environment for `next start`; explicit empties shadow a developer's .env.local. */
export function appEnv(port: number, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  const dir = mkdtempSync(path.join(tmpdir(), 'session-app-'));
  return {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    NEXTAUTH_SECRET: randomBytes(32).toString('base64'),
    NEXTAUTH_SECRET_PREVIOUS: '',
    NEXTAUTH_URL: `http://127.0.0.1:${port}`,
    DATABASE_URL: `file:${path.join(dir, 'app.db')}`,
    COOKIE_DOMAIN: '',
    SESSION_MAX_AGE_SECONDS: '',
    SEED_DEMO_DATA: 'true',
    // No identity provider unless a test starts one (`npm run dev` writes OIDC_* into .env.local).
    OIDC_ISSUER: '',
    OIDC_CLIENT_ID: '',
    OIDC_CLIENT_SECRET: '',
    ...overrides,
  };
}

function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

async function waitUntilReady(url: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with ${child.exitCode}`);
    try {
      // Any HTTP answer means the server listens (a fixture app has no public JSON route).
      await fetch(url, { redirect: 'manual' });
      return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error('next start did not become ready in time');
}

/** `next start` of an app built in `cwd`, on 127.0.0.1 and a free port, with exactly `env`. */
export async function startNextServer(cwd: string, port: number, env: NodeJS.ProcessEnv): Promise<Omit<RunningApp, 'secret' | 'databaseUrl'>> {
  const child = spawn(process.execPath, [nextBinFor(cwd), 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await waitForExit(child);
  };
  try {
    await waitUntilReady(url, child, Date.now() + 60_000);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { url, pid: child.pid ?? 0, output: () => output, stop };
}

/** `next start` of the built app on 127.0.0.1 with a fresh SQLite file and secret. */
export async function startApp(overrides: Record<string, string> = {}): Promise<RunningApp> {
  const port = await freePort();
  const env = appEnv(port, overrides);
  const server = await startNextServer(ROOT, port, env);
  return { ...server, secret: env.NEXTAUTH_SECRET as string, databaseUrl: env.DATABASE_URL as string };
}

/** Runs `next start` in `cwd` on `port` with exactly `env`, expecting it to exit; its exit code, stderr, and all output. */
export async function startNextServerExpectingExit(cwd: string, port: number, env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string; stderr: string }> {
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await waitForExit(child);
  clearTimeout(timer);
  return { code, output, stderr };
}

/** Runs `next start` of the built app expecting it to refuse to start; returns its exit code and output. */
export async function startAppExpectingFailure(overrides: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const { code, output } = await startNextServerExpectingExit(ROOT, port, appEnv(port, overrides));
  return { code, output };
}
