/**
 * `npm run loadtest`: the built app under 100 connections of mixed traffic for 60 s
 * (after a 10 s warm-up), on 127.0.0.1 only. Reports requests, errors (must be 0), p99
 * and the server's memory before and after; the result belongs in docs/reliability.md.
 * Not part of `npm test`.
 */
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { startApp, type RunningApp } from '../__tests__/helpers/app-server';
import buildApp from '../__tests__/helpers/build-app';
import { type CookieJar, setCookiesOf } from '../__tests__/helpers/cookie-jar';
import { signInOverHttp } from '../__tests__/helpers/http-sign-in';

const CONNECTIONS = 100;
const WARM_UP_SECONDS = 10;
const DURATION_SECONDS = 60;
const CART_PRODUCTS = 20;

function rssMegabytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kilobytes = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kilobytes / 1024;
}

async function signIn(app: RunningApp): Promise<CookieJar> {
  const jar = await signInOverHttp(app.url, 'alice@example.com', 'alice-password');
  // Lines to change under load: PATCH sets a quantity, so 60 s of traffic never hits the 99 limit.
  for (let productId = 1; productId <= CART_PRODUCTS; productId += 1) {
    const added = await fetch(`${app.url}/api/cart`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: jar.header() },
      body: JSON.stringify({ productId, quantity: 1 }),
    });
    jar.apply(setCookiesOf(added.headers));
  }
  return jar;
}

function run(app: RunningApp, jar: CookieJar, seconds: number): Promise<autocannon.Result> {
  const headers = { cookie: jar.header(), 'content-type': 'application/json' };
  return autocannon({
    url: app.url,
    connections: CONNECTIONS,
    duration: seconds,
    requests: [
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
    ],
  });
}

async function main(): Promise<void> {
  await buildApp();
  const app = await startApp();
  try {
    const jar = await signIn(app);
    const rssStart = rssMegabytes(app.pid);
    const warmUp = await run(app, jar, WARM_UP_SECONDS);
    const rssAfterWarmUp = rssMegabytes(app.pid);
    const result = await run(app, jar, DURATION_SECONDS);
    const rssEnd = rssMegabytes(app.pid);
    const errors = result.errors + result.timeouts + result.non2xx;
    const growth = ((rssEnd - rssAfterWarmUp) / rssAfterWarmUp) * 100;
    const lines = [
      `connections ${CONNECTIONS}, warm-up ${WARM_UP_SECONDS} s (${warmUp.requests.total} requests), measured ${DURATION_SECONDS} s`,
      `requests ${result.requests.total} (${Math.round(result.requests.average)} req/s), errors ${errors} (non-2xx ${result.non2xx}, socket errors ${result.errors}, timeouts ${result.timeouts})`,
      `latency p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, max ${result.latency.max} ms`,
      `server RSS: start ${rssStart.toFixed(0)} MB, after warm-up ${rssAfterWarmUp.toFixed(0)} MB, end ${rssEnd.toFixed(0)} MB (growth after warm-up ${growth.toFixed(1)}%)`,
      `targets: errors 0 ${errors === 0 ? 'met' : 'MISSED'}; RSS growth < 10% ${growth < 10 ? 'met' : 'MISSED'}`,
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
