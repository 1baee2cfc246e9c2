/**
 * Where the server's CPU goes, per case: `next start` under `node --cpu-prof`, the same
 * signed-in load as the HTTP benchmark, one window per case cut out of the one profile.
 * Run by `npm run bench` when an HTTP target is missed (or with --profile).
 *
 * Preferably on the profiling build (source maps: our functions by name); when there is
 * no time left to build it, on the main build, where our bundle counts as a whole.
 * Profiler overhead makes req/s here lower than the benchmark's: only the shares count.
 */
import { ROOT } from '../support/app-server';
import { CART_LINES, fillCart, signIn, syncSessionCookie } from './app';
import { analyseWindow, type ProfileBreakdown } from './cpu-profile';
import { buildHttpCase, FLOOR_CASE, HTTP_CASE_IDS, type HttpCaseId } from './http-cases';
import { loadCase, probe } from './load';
import { PROFILE_APP_DIR } from './profile-build';
import { startProfiledServer } from './profiled-server';

export interface ProfileOptions {
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
  /** "profiling": the source-mapped copy (bench/profile-build.ts); "main": the app's own .next. */
  build: 'profiling' | 'main';
}

export interface ProfiledCase {
  caseId: HttpCaseId;
  requestsPerSecond: number;
  breakdown: ProfileBreakdown;
}

export interface ProfileResult {
  options: ProfileOptions;
  /** Seconds spent on the profiling build; null when none was needed. */
  buildSeconds: number | null;
  cases: ProfiledCase[];
}

interface Window {
  caseId: HttpCaseId;
  fromUs: number;
  toUs: number;
  requestsPerSecond: number;
}

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

async function loadEachCase(url: string, options: ProfileOptions, log: (line: string) => void): Promise<Window[]> {
  const session = await signIn(url, 'alice@example.com', 'alice-password');
  await fillCart(session, CART_LINES);
  const windows: Window[] = [];
  for (const caseId of HTTP_CASE_IDS.filter((id) => id !== FLOOR_CASE)) {
    await syncSessionCookie(session);
    const spec = buildHttpCase(caseId, session);
    await probe(url, spec);
    let fromUs = 0;
    const seconds = { warmup: options.warmupSeconds, measured: options.durationSeconds };
    const { window } = await loadCase(url, spec, options.connections, seconds, () => (fromUs = nowUs()));
    const requestsPerSecond = window.completed / window.seconds;
    windows.push({ caseId, fromUs, toUs: nowUs(), requestsPerSecond });
    log(`  profiled ${caseId.padEnd(16)} ${requestsPerSecond.toFixed(0)} req/s under the profiler`);
  }
  return windows;
}

/** Profiles an existing build: call buildProfilingApp() first for the profiling one. */
export async function runProfile(options: ProfileOptions, buildSeconds: number | null, log: (line: string) => void): Promise<ProfileResult> {
  const appDir = options.build === 'profiling' ? PROFILE_APP_DIR : ROOT;
  const server = await startProfiledServer(appDir);
  let windows: Window[];
  try {
    windows = await loadEachCase(server.url, options, log);
  } catch (error) {
    await server.kill();
    throw error;
  }
  const profile = await server.stop();
  const cases = windows.map((window) => ({
    caseId: window.caseId,
    requestsPerSecond: window.requestsPerSecond,
    breakdown: analyseWindow(profile, appDir, window.fromUs, window.toUs),
  }));
  return { options, buildSeconds, cases };
}
