/**
 * `npx tsx scripts/signin-flood.ts [seconds] [connections]`: the built app (`next start`,
 * fresh SQLite, 127.0.0.1 only) flooded with wrong-password sign-ins for one account,
 * `POST /api/auth/callback/credentials` with a valid (reusable) CSRF token, twice:
 * - throttling on: the defaults (10 failures per account + IP, 100 per IP a day);
 * - throttling off: SIGNIN_MAX_FAILURES, SIGNIN_MAX_FAILURES_PER_IP_PER_DAY and
 *   SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY set to 1e9, out of reach. The limiter still
 *   runs (its reads and writes are in the figure); it never refuses, so every request
 *   costs a scrypt, as before the throttle existed.
 * Prints req/s, the answers by status and the server's CPU seconds per request (user +
 * system, from /proc). The figures belong in docs/reliability.md. Not part of `npm test`.
 */
import autocannon from 'autocannon';
import { startApp, type RunningApp } from '../support/app-server';
import buildApp from '../support/build-app';
import { readProcessCpuSeconds } from '../support/measure/process-cpu';

const DURATION_SECONDS = Number(process.argv[2] ?? 15);
const CONNECTIONS = Number(process.argv[3] ?? 16);
const OUT_OF_REACH = '1000000000';

interface FloodResult {
  label: string;
  requests: number;
  requestsPerSecond: number;
  statuses: Record<string, number>;
  cpuSeconds: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
}

async function csrfOf(app: RunningApp): Promise<{ token: string; cookie: string }> {
  const response = await fetch(`${app.url}/api/auth/csrf`);
  const cookie = response.headers
    .getSetCookie()
    .map((header) => header.split(';')[0])
    .join('; ');
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  return { token: csrfToken, cookie };
}

async function flood(label: string, overrides: Record<string, string>): Promise<FloodResult> {
  const app = await startApp(overrides);
  try {
    const csrf = await csrfOf(app);
    const body = new URLSearchParams({ csrfToken: csrf.token, email: 'alice@example.com', password: 'wrong-password', json: 'true' }).toString();
    const cpuBefore = readProcessCpuSeconds(app.pid);
    const result = await autocannon({
      url: `${app.url}/api/auth/callback/credentials`,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: csrf.cookie },
      body,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
    });
    const cpuAfter = readProcessCpuSeconds(app.pid);
    if (cpuBefore === null || cpuAfter === null) throw new Error('no /proc/<pid>/stat: CPU figures need Linux');
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]));
    return {
      label,
      requests: result.requests.total,
      requestsPerSecond: result.requests.total / DURATION_SECONDS,
      statuses,
      cpuSeconds: cpuAfter - cpuBefore,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
    };
  } finally {
    await app.stop();
  }
}

function row(result: FloodResult): string {
  const statuses = Object.entries(result.statuses)
    .map(([code, count]) => `${code}: ${count}`)
    .join(', ');
  const cpuPerRequestMs = (result.cpuSeconds / Math.max(1, result.requests)) * 1000;
  return `| ${result.label} | ${result.requestsPerSecond.toFixed(0)} | ${statuses} | ${result.cpuSeconds.toFixed(1)} s (${(result.cpuSeconds / DURATION_SECONDS).toFixed(2)} cores) | ${cpuPerRequestMs.toFixed(2)} ms | ${result.latencyP50Ms} / ${result.latencyP99Ms} ms |`;
}

async function main(): Promise<void> {
  await buildApp();
  const off = await flood('throttling off (limits 1e9)', {
    SIGNIN_MAX_FAILURES: OUT_OF_REACH,
    SIGNIN_MAX_FAILURES_PER_IP_PER_DAY: OUT_OF_REACH,
    SIGNIN_MAX_FAILURES_PER_ACCOUNT_PER_DAY: OUT_OF_REACH,
  });
  const on = await flood('throttling on (defaults)', {});
  console.log(`\nWrong-password flood, ${CONNECTIONS} connections for ${DURATION_SECONDS} s from 127.0.0.1, one account:\n`);
  console.log('| run | req/s | answers | server CPU | CPU per request | latency p50 / p99 |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  console.log(row(off));
  console.log(row(on));
}

main().catch((error: unknown) => {
  console.error('[signin-flood] failed:', error);
  process.exit(1);
});
