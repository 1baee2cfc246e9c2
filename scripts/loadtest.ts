/**
 * `npm run loadtest`: the built app under 100 connections of mixed traffic for 60 s
 * (after a 20 s warm-up on the same connections), on 127.0.0.1 only. Reports requests,
 * errors (must be 0), p99 and the server's memory before and after; the result belongs
 * in docs/reliability.md. Not part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import type autocannon from 'autocannon';
import { startApp, type RunningApp } from '../support/app-server';
import buildApp from '../support/build-app';
import type { TestCookieJar } from 'next-auth-server-session/testing';
import { fillCart, signIn } from '../bench/app';
import { percentile } from '../support/measure/stats';
import { runWindowedLoad } from '../support/measure/windowed-load';

const CONNECTIONS = 100;
/** Long enough for all 100 connections to be accepted (see support/measure/windowed-load.ts) and the heap to settle. */
const WARM_UP_SECONDS = 20;
const DURATION_SECONDS = 60;
const CART_PRODUCTS = 20;

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

/** Alice with lines to change under load (PATCH sets a quantity, so 60 s of traffic never hits the 99 limit). */
async function signInWithCart(app: RunningApp): Promise<TestCookieJar> {
  const session = await signIn(app.url, 'alice@example.com', 'alice-password');
  await fillCart(session, CART_PRODUCTS);
  return session.jar;
}

function mixedTraffic(jar: TestCookieJar): autocannon.Request[] {
  const headers = { cookie: jar.header(), 'content-type': 'application/json' };
  return [
    { method: 'GET', path: '/api/auth/session', headers },
    { method: 'POST', path: '/api/session/refresh', headers, body: '{}' },
    {
      method: 'PATCH',
      path: '/api/cart/1',
      headers,
      setupRequest: (request) => ({
        ...request,
        path: `/api/cart/${1 + Math.floor(Math.random() * CART_PRODUCTS)}`,
        body: JSON.stringify({ quantity: 1 + Math.floor(Math.random() * 5) }),
      }),
    },
  ];
}

async function main(): Promise<void> {
  await buildApp();
  const app = await startApp();
  try {
    const jar = await signInWithCart(app);
    const rssStart = rssMegabytes(app.pid);
    let rssAfterWarmUp = NaN;
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(rssMegabytes(app.pid)), 5000);
    const load = await runWindowedLoad({
      url: app.url,
      connections: CONNECTIONS,
      warmupSeconds: WARM_UP_SECONDS,
      durationSeconds: DURATION_SECONDS,
      requests: mixedTraffic(jar),
      onWindowStart: () => (rssAfterWarmUp = rssMegabytes(app.pid)),
    }).finally(() => clearInterval(sampler));
    const { window, warmup, inFlightAtStop, allConnectionsServedAfterMs } = load;
    const rssEnd = rssMegabytes(app.pid);
    // Warm-up failures count too: the warm-up is only left out of the latencies and the memory baseline.
    const errors = window.errors + window.non2xx + warmup.errors + warmup.non2xx;
    const growth = ((rssEnd - rssAfterWarmUp) / rssAfterWarmUp) * 100;
    const ms = (value: number) => `${value.toFixed(0)} ms`;
    const lines = [
      `connections ${CONNECTIONS}; all had a first response after ${allConnectionsServedAfterMs === null ? 'never' : ms(allConnectionsServedAfterMs)}`,
      `warm-up ${WARM_UP_SECONDS} s: ${warmup.responses} responses, non-2xx ${warmup.non2xx}, socket errors ${warmup.errors - warmup.timeouts}, timeouts ${warmup.timeouts}`,
      `measured ${window.seconds.toFixed(1)} s: requests ${window.completed} (${(window.completed / window.seconds).toFixed(0)} req/s), non-2xx ${window.non2xx}, socket errors ${window.errors - window.timeouts}, timeouts ${window.timeouts}; in flight at the stop ${inFlightAtStop}`,
      `latency p50 ${ms(percentile(window.latenciesMs, 0.5))}, p99 ${ms(percentile(window.latenciesMs, 0.99))}, max ${ms(percentile(window.latenciesMs, 1))}`,
      `server RSS: start ${rssStart.toFixed(0)} MB, after warm-up ${rssAfterWarmUp.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB (growth after warm-up ${growth.toFixed(1)}%); every 5 s: ${rssSamples.map((mb) => mb.toFixed(0)).join(' ')}`,
      `targets: errors 0 (warm-up and measured) ${errors === 0 ? 'met' : `MISSED (${errors})`}; RSS growth < 10% ${growth < 10 ? 'met' : 'MISSED'}`,
    ];
    console.log(lines.join('\n'));
    if (errors > 0 || growth >= 10) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
