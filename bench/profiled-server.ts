/**
 * `next start` of the profiling build under `node --cpu-prof` (not allowed in
 * NODE_OPTIONS, hence our own spawn rather than startApp). next start exits on SIGTERM
 * through process.exit, which is when V8 writes the profile.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appEnv, freePort, NEXT_BIN } from '../support/app-server';
import type { CpuProfile } from './cpu-profile';

/** Finer than the default 1 ms, so a few seconds per case give thousands of samples. */
const SAMPLING_INTERVAL_US = 250;

const running = new Set<ChildProcess>();

/** For a signal handler: ends every profiled server still running. */
export function killProfiledServers(): void {
  for (const child of running) child.kill('SIGTERM');
}

export interface ProfiledServer {
  url: string;
  /** Stops the server and returns its profile. */
  stop(): Promise<CpuProfile>;
  /** Stops the server, discarding any profile (on failure). */
  kill(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));
}

async function waitUntilReady(url: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`profiled next start exited with ${child.exitCode}\n${output()}`);
    try {
      if ((await fetch(`${url}/api/products?pageSize=1`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`profiled next start did not become ready\n${output()}`);
}

export async function startProfiledServer(appDir: string): Promise<ProfiledServer> {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'bench-cpu-prof-'));
  const port = await freePort();
  const args = ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, `--cpu-prof-interval=${SAMPLING_INTERVAL_US}`, NEXT_BIN, 'start', '-H', '127.0.0.1', '-p', String(port)];
  const child = spawn(process.execPath, args, { cwd: appDir, env: appEnv(port), stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited(child);
    rmSync(profileDir, { recursive: true, force: true });
  };
  try {
    await waitUntilReady(`http://127.0.0.1:${port}`, child, () => output);
  } catch (error) {
    await kill();
    throw error;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    kill,
    stop: async () => {
      child.kill('SIGTERM');
      await exited(child);
      const file = readdirSync(profileDir).find((name) => name.endsWith('.cpuprofile'));
      if (!file) throw new Error(`no .cpuprofile written\n${output}`);
      const profile = JSON.parse(readFileSync(path.join(profileDir, file), 'utf8')) as CpuProfile;
      rmSync(profileDir, { recursive: true, force: true });
      return profile;
    },
  };
}
