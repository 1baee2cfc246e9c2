/**
 * `node --expose-gc --import tsx scripts/stray-cookie-flood.ts [requests] [strayChars]`:
 * what stray session-cookie names cost the server's memory (hardening 2, finding 1).
 *
 * An HTTP server on 127.0.0.1 runs the toolkit's update (`forRequest(req, res).update()`,
 * the write every session-changing route makes) for a signed-in cookie. Two runs of the same
 * number of requests, heap measured after a full GC before and after each:
 * - ordinary: the session cookie alone;
 * - attack: the session cookie plus a fresh, long stray `<name>-<n>xxxx…` cookie per request,
 *   which every write must expire (next-auth joins any `<name>*` into the token).
 * Also one request carrying 450 short stray names: how many Set-Cookie lines it answers.
 * Prints the figures (docs/reliability.md). Not part of `npm test`.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'cookie';
import type { NextApiRequest, NextApiResponse } from 'next';
import type { NextAuthOptions } from 'next-auth';
import { createSessionUpdater } from 'next-auth-server-session';
import { createSessionTestKit } from 'next-auth-server-session/testing';

const REQUESTS = Number(process.argv[2] ?? 3000);
const STRAY_CHARS = Number(process.argv[3] ?? 12_000);
const CONCURRENCY = 8;

const authOptions: NextAuthOptions = { secret: 'a-long-enough-secret-for-this-measurement-only', session: { strategy: 'jwt' }, providers: [] };
const sessions = createSessionUpdater(authOptions);
const kit = createSessionTestKit(authOptions);

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const apiReq = Object.assign(req, { cookies: parse(req.headers.cookie ?? '') }) as unknown as NextApiRequest;
  const apiRes = res as NextApiResponse;
  await sessions.forRequest(apiReq, apiRes).update();
  res.statusCode = 200;
  res.end('{}');
}

function collect(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (see the header of this file)');
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

async function flood(url: string, cookieFor: (index: number) => string): Promise<number> {
  let next = 0;
  let failures = 0;
  async function worker(): Promise<void> {
    while (next < REQUESTS) {
      const index = next++;
      const response = await fetch(url, { method: 'POST', headers: { cookie: cookieFor(index) } });
      await response.arrayBuffer();
      if (response.status !== 200) failures += 1;
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return failures;
}

const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);

async function main(): Promise<void> {
  const server = createServer((req, res) => void handle(req, res).catch(() => res.writeHead(500).end()));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const session = await kit.signedInCookie({ sub: 'user-1', name: 'Flood' });
  const name = kit.cookieName();
  const padding = 'x'.repeat(STRAY_CHARS);

  await flood(url, () => session); // warm-up: JIT, the codec's key, the memoised lines
  const start = collect();
  const ordinaryFailures = await flood(url, () => session);
  const afterOrdinary = collect();
  const attackFailures = await flood(url, (index) => `${session}; ${name}-${index}${padding}=1`);
  const afterAttack = collect();

  const manyNames = Array.from({ length: 450 }, (_, index) => `${name}-${index}=1`).join('; ');
  const wide = await fetch(url, { method: 'POST', headers: { cookie: `${session}; ${manyNames}` } }).catch((error: Error) => error);
  // Node's HTTP client (undici) refuses an answer whose headers pass its limit.
  const lines = wide instanceof Error ? `refused by Node's HTTP client (${String((wide.cause as Error | undefined)?.message ?? wide.message)})` : `${wide.headers.getSetCookie().length}`;
  server.close();

  console.log(`requests per run: ${REQUESTS}, stray name: ${STRAY_CHARS} characters, ${CONCURRENCY} at a time`);
  console.log(`heap growth, ordinary cookies: ${mib(afterOrdinary - start)} MiB (${ordinaryFailures} failed)`);
  console.log(`heap growth, a fresh stray name per request: ${mib(afterAttack - afterOrdinary)} MiB (${attackFailures} failed)`);
  console.log(`one request with 450 stray names, Set-Cookie lines answered: ${lines}`);
}

void main();
