/**
 * `npm run bench`: builds (when stale) our app and the stock peer (bench/stock-app), runs
 * the codec micro-benchmark and the cookie-size table, starts both apps and runs the HTTP
 * cases interleaved; writes docs/benchmarks-http.png and docs/benchmarks.md's generated block.
 * `npm run bench -- --quick`: a short smoke run that prints and writes nothing (chart to the temp dir).
 */
import os from 'node:os';
import path from 'node:path';
import { type RunningApp, ROOT, startApp } from '../support/app-server';
import { buildAppWhenStale } from '../support/build-app';
import { CART_LINES, fillCart, signIn } from './app';
import { renderHttpChart } from './chart';
import { runCodecBench } from './codec';
import { runCookieSizeTable } from './cookie-size';
import { type HttpBenchOptions, type HttpTargets, runHttpBench } from './http';
import { HTTP_CASE_IDS } from './http-cases';
import { describeMachine } from './machine';
import { writeReport } from './report';
import { buildStockWhenStale, signInStock, startStock } from './stock';
import { checkTargets, RUN_SECONDS_TARGET } from './targets';

const quick = process.argv.includes('--quick');
const CHART_FILE_NAME = 'benchmarks-http.png';
/** Left after the HTTP runs for stopping the servers, the chart and the report. */
const RESERVE_SECONDS = 20;

const log = (line: string) => console.log(line);
const servers: RunningApp[] = [];
const stopServers = () => Promise.all(servers.splice(0).map((server) => server.stop()));

/** Seconds the build took; null when it was fresh. */
function timedBuild(name: string, build: () => boolean): number | null {
  const started = Date.now();
  const seconds = build() ? (Date.now() - started) / 1000 : null;
  log(`  ${name}: ${seconds === null ? 'fresh, skipped' : `built in ${Math.round(seconds)} s`}`);
  return seconds;
}

/**
 * Rounds and windows that fit the time left (the builds take most of it on a fresh clone):
 * as many rounds (7, 5, 3, else 2) as leave each run a window of at least 2 s (at most 5 s);
 * each run is 1 s of warm-up, the window and ~0.5 s of setup. More rounds make the median of
 * the per-round ratios (targets.ts) steadier than longer windows would.
 */
function planHttp(secondsLeft: number): HttpBenchOptions {
  if (quick) return { rounds: 1, serverWarmupSeconds: 1, warmupSeconds: 1, durationSeconds: 1, connections: 32 };
  const serverWarmupSeconds = 2;
  const windowSeconds = (rounds: number) => (secondsLeft - HTTP_CASE_IDS.length * (serverWarmupSeconds + 0.5)) / (rounds * HTTP_CASE_IDS.length) - 1.5;
  const rounds = [7, 5, 3].find((candidate) => windowSeconds(candidate) >= 2) ?? 2;
  return { rounds, serverWarmupSeconds, warmupSeconds: 1, durationSeconds: Math.max(2, Math.min(5, Math.floor(windowSeconds(rounds)))), connections: 32 };
}

async function startBoth(): Promise<HttpTargets> {
  const ours = await startApp();
  servers.push(ours);
  const stock = await startStock();
  servers.push(stock);
  const session = await signIn(ours.url, 'alice@example.com', 'alice-password');
  await fillCart(session, CART_LINES);
  return { ours: { session, pid: ours.pid }, stock: { session: await signInStock(stock.url), pid: stock.pid } };
}

async function main(): Promise<void> {
  const started = Date.now();
  const elapsed = () => (Date.now() - started) / 1000;
  const loadBefore = os.loadavg()[0] ?? 0;
  const machine = describeMachine();
  log(`bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}${quick ? ' (quick run)' : ''}\n\n[1/5] next build (when stale)`);
  const buildSeconds = { ours: timedBuild('ours', buildAppWhenStale), stock: timedBuild('stock app', buildStockWhenStale) };

  log('\n[2/5] codec: ours vs next-auth/jwt (tinybench)');
  const codec = await runCodecBench(quick ? { rounds: 2, msPerTask: 30 } : { rounds: 7, msPerTask: 150 }, log);
  log(`  encode+decode: ours ${codec.opsPerSecond.ours.toFixed(0)} ops/s, next-auth ${codec.opsPerSecond['next-auth'].toFixed(0)} ops/s: ${codec.medianRatio.toFixed(2)}x (rounds: ${codec.ratios.map((ratio) => ratio.toFixed(2)).join(', ')})`);

  log('\n[3/5] session cookie size vs cart lines');
  const cookies = await runCookieSizeTable();
  for (const row of cookies.rows) log(`  ${row.cartLines} lines: ${row.untrimmedChars} chars in ${row.untrimmedChunks} chunk(s); issued ${row.issuedChars} chars, ${row.linesKept} lines kept`);

  log('\n[4/5] HTTP: both apps, interleaved');
  const targets = await startBoth();
  const options = planHttp(RUN_SECONDS_TARGET - RESERVE_SECONDS - elapsed());
  log(`  ${options.rounds} rounds of ${HTTP_CASE_IDS.length} cases, ${options.warmupSeconds} s warm-up + ${options.durationSeconds} s measured, ${options.connections} connections`);
  const http = await runHttpBench(targets, options, log);
  await stopServers();
  const loadAverage = { before: loadBefore, afterHttp: os.loadavg()[0] ?? 0 };
  for (const item of http.summaries) {
    log(`  ${item.label.padEnd(40)} ${item.requestsPerSecond.toFixed(0).padStart(5)} req/s  p50 ${item.p50Ms.toFixed(1)} ms  p99 ${item.p99Ms.toFixed(1)} ms  non-2xx ${item.non2xx}  errors ${item.errors}  CPU ${item.serverCpuMsPerRequest.toFixed(2)} ms/req`);
  }

  log('\n[5/5] chart and report');
  const chartFile = path.join(quick ? os.tmpdir() : path.join(ROOT, 'docs'), CHART_FILE_NAME);
  await renderHttpChart(http, machine, chartFile);
  const runSeconds = elapsed();
  const verdicts = checkTargets(codec, http, runSeconds);
  if (!quick) writeReport(path.join(ROOT, 'docs', 'benchmarks.md'), { runSeconds, buildSeconds, machine, codec, cookies, http, targets: verdicts, loadAverage, chartFileName: CHART_FILE_NAME });
  log(`  chart: ${chartFile}${quick ? ' (quick run: docs/benchmarks.md untouched)' : ', report: docs/benchmarks.md'}\n\ntargets:`);
  for (const target of verdicts) log(`  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.actual} (target ${target.target})`);
  log(`\ntotal ${Math.round(runSeconds)} s`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void stopServers().finally(() => process.exit(130)));

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopServers());
