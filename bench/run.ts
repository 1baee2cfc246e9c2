/**
 * `npm run bench`: codec, cookie size, HTTP (next build if stale + next start + autocannon),
 * a server profile when an HTTP target is missed, a PNG chart, and docs/benchmarks.md.
 *
 *   npm run bench                  the full run; rewrites the generated part of docs/benchmarks.md
 *   npm run bench -- --quick       a short smoke run: prints, writes nothing (chart to the temp dir)
 *   npm run bench -- --profile     profile the server even when every target is met
 *   npm run bench -- --no-profile  never profile
 */
import os from 'node:os';
import path from 'node:path';
import { type RunningApp, ROOT, startApp } from '../support/app-server';
import { type BuildOutcome, CART_LINES, ensureBuilt, fillCart, signIn } from './app';
import { type CodecBenchResult, runCodecBench } from './codec';
import { type CookieSizeResult, runCookieSizeTable } from './cookie-size';
import { type HttpBenchResult, runHttpBench } from './http';
import { renderHttpChart } from './http-chart';
import { describeMachine } from './machine';
import { type ProfileResult, runProfile } from './profile';
import { buildProfilingApp, isProfilingBuildFresh } from './profile-build';
import { killProfiledServers } from './profiled-server';
import { renderReport, writeReport } from './report';
import { elapsedSeconds } from './stats';
import { checkTargets, missesHttpTargets } from './targets';

const flags = new Set(process.argv.slice(2));
const quick = flags.has('--quick');
/** `--profile` asks for the profile by function name: the profiling build is made even past the 5-minute budget. */
const profileAsked = flags.has('--profile');
const COMMAND = ['npm run bench', ...(flags.size > 0 ? ['--', ...flags] : [])].join(' ');
const REPORT_FILE = path.join(ROOT, 'docs', 'benchmarks.md');
const CHART_FILE_NAME = 'benchmarks-http.png';

const CODEC_OPTIONS = quick ? { rounds: 3, blockMs: 40 } : { rounds: 15, blockMs: 120 };
const HTTP_OPTIONS = quick
  ? { rounds: 1, serverWarmupSeconds: 1, warmupSeconds: 1, durationSeconds: 2, connections: 32 }
  : { rounds: 2, serverWarmupSeconds: 5, warmupSeconds: 3, durationSeconds: 10, connections: 32 };
const PROFILE_OPTIONS = quick ? { warmupSeconds: 1, durationSeconds: 2, connections: 32 } : { warmupSeconds: 2, durationSeconds: 5, connections: 32 };
/**
 * The profiling build (50-90 s here) starts only before this point of the run; later, the
 * main build is profiled instead (no function names). With the next bound, the whole run
 * stays under 5 minutes even when both builds are stale.
 */
const LAST_SECOND_FOR_PROFILING_BUILD = 165;
/** A profile, chart and report take about 40 s: no profile starts after this point. */
const LAST_SECOND_FOR_PROFILE = 245;

const log = (line: string) => console.log(line);
let app: RunningApp | null = null;

async function stopApp(): Promise<void> {
  const running = app;
  app = null;
  await running?.stop();
}

async function codecPhase(): Promise<CodecBenchResult> {
  log('\n[1/5] codec: ours vs next-auth/jwt');
  const codec = await runCodecBench(CODEC_OPTIONS, log);
  for (const result of codec.results) {
    log(`  ${result.op.padEnd(14)} ours ${result.opsPerSecond.ours.toFixed(0).padStart(8)} ops/s  next-auth ${result.opsPerSecond['next-auth'].toFixed(0).padStart(7)} ops/s  ratio ${result.medianRatio.toFixed(2)}x (by CPU time ${result.medianCpuRatio.toFixed(2)}x)`);
  }
  return codec;
}

async function cookiePhase(): Promise<CookieSizeResult> {
  log('\n[2/5] session cookie size vs cart lines');
  const cookies = await runCookieSizeTable();
  for (const row of cookies.rows) {
    log(`  ${String(row.cartLines).padStart(3)} lines: ${String(row.untrimmedChars).padStart(6)} chars, ${row.untrimmedChunks} chunk(s) -> issued ${row.issuedChars} chars, ${row.issuedChunks} chunk(s), ${row.linesKept} lines kept`);
  }
  log(`  largest cart that keeps its lines: ${cookies.largestUntrimmedCart}`);
  return cookies;
}

async function httpPhase(): Promise<{ build: BuildOutcome; http: HttpBenchResult }> {
  log('\n[3/5] HTTP: next build (when stale), next start, autocannon');
  const build = await ensureBuilt();
  log(`  next build: ${build.built ? `built in ${Math.round(build.seconds)} s` : 'fresh, skipped'}`);
  app = await startApp();
  log(`  app at ${app.url}`);
  const session = await signIn(app.url, 'alice@example.com', 'alice-password');
  await fillCart(session, CART_LINES);
  const http = await runHttpBench({ session, serverPid: app.pid }, HTTP_OPTIONS, log);
  await stopApp();
  log(`  mean of ${HTTP_OPTIONS.rounds} round(s); ratio = req/s / next-auth update's req/s`);
  for (const item of http.summaries) {
    log(`  ${item.label.padEnd(42)} ${item.requestsPerSecond.toFixed(0).padStart(6)} req/s  ${item.ratioToBaseline.toFixed(2)}x  p50 ${item.p50Ms.toFixed(1)} ms  p99 ${item.p99Ms.toFixed(1)} ms  non-2xx ${item.non2xx}  errors ${item.errors}  server CPU ${item.serverCpuMsPerRequest.toFixed(2)} ms/req (${item.cpuRatioToBaseline.toFixed(2)}x)`);
  }
  return { build, http };
}

async function profilePhase(http: HttpBenchResult, started: number): Promise<ProfileResult | null> {
  if (flags.has('--no-profile') || (!profileAsked && !missesHttpTargets(http))) {
    log(`\n[4/5] profile: skipped (${flags.has('--no-profile') ? '--no-profile' : 'every HTTP target met'})`);
    return null;
  }
  log('\n[4/5] profile: where the server CPU goes');
  const fresh = isProfilingBuildFresh();
  const build = fresh || profileAsked || (!quick && elapsedSeconds(started) < LAST_SECOND_FOR_PROFILING_BUILD) ? 'profiling' : 'main';
  let buildSeconds: number | null = null;
  if (build === 'profiling' && !fresh) {
    buildSeconds = buildProfilingApp().seconds;
    log(`  profiling build: built in ${Math.round(buildSeconds)} s`);
  }
  if (!profileAsked && elapsedSeconds(started) > LAST_SECOND_FOR_PROFILE) {
    log('  skipped: no time left in the 5-minute budget (`npm run bench -- --profile` again: the build is now there)');
    return null;
  }
  log(`  node --cpu-prof on the ${build} build`);
  return runProfile({ ...PROFILE_OPTIONS, build }, buildSeconds, log);
}

async function main(): Promise<void> {
  const started = Date.now();
  const loadBefore = os.loadavg()[0] ?? 0;
  const machine = describeMachine();
  log(`bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, next ${machine.versions.next}, next-auth ${machine.versions['next-auth']}${quick ? ' (quick run)' : ''}`);
  const codec = await codecPhase();
  const cookies = await cookiePhase();
  const { build, http } = await httpPhase();
  const loadAfterHttp = os.loadavg()[0] ?? 0;
  const profile = await profilePhase(http, started);

  log('\n[5/5] chart and report');
  const chartFile = quick ? path.join(os.tmpdir(), CHART_FILE_NAME) : path.join(ROOT, 'docs', CHART_FILE_NAME);
  await renderHttpChart(http, machine, chartFile);
  log(`  chart: ${chartFile}`);
  const runSeconds = elapsedSeconds(started);
  // The 5-minute bound is for the plain command; --profile may build past it.
  const targets = checkTargets(codec, http, profileAsked ? null : runSeconds);
  if (!quick) {
    const loadAverage = { before: loadBefore, afterHttp: loadAfterHttp };
    writeReport(REPORT_FILE, renderReport({ command: COMMAND, runSeconds, machine, build, codec, cookies, http, profile, targets, loadAverage, chartFileName: CHART_FILE_NAME }));
    log(`  report: ${REPORT_FILE}`);
  }
  log('\ntargets:');
  for (const target of targets) log(`  ${target.met ? 'met   ' : 'MISSED'} ${target.name}: ${target.actual} (target ${target.target})`);
  log(`\ntotal ${Math.round(runSeconds)} s`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killProfiledServers();
    void stopApp().finally(() => process.exit(130));
  });
}

main()
  .catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  })
  .finally(() => stopApp());
