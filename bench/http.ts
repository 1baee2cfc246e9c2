/**
 * autocannon against both running apps: every case first warms its server, then rounds
 * run all cases in alternating order (A B ... H, then H ... A), so machine noise hits every
 * case. Each run's first seconds warm the freshly opened connections (support/measure/windowed-load.ts).
 */
import { type SignedInSession, syncSessionCookie } from './app';
import { type AppName, appOf, buildHttpCase, HTTP_CASE_IDS, HTTP_CASE_LABELS, type HttpCase, type HttpCaseId } from './http-cases';
import { readProcessCpuSeconds } from '../support/measure/process-cpu';
import { median, percentile, sum } from '../support/measure/stats';
import { runWindowedLoad } from '../support/measure/windowed-load';

export interface HttpBenchOptions {
  rounds: number;
  /** Per case, before the rounds: a fresh server's CPU per request settles only under load (JIT, heap). */
  serverWarmupSeconds: number;
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
}

/** A running app: its signed-in session, and its pid for the CPU per request. */
export type HttpTargets = Record<AppName, { session: SignedInSession; pid: number }>;

/** One autocannon run; round 0 is the server warm-up (only its non-2xx and errors count). */
export interface HttpRun {
  caseId: HttpCaseId;
  round: number;
  requestsPerSecond: number;
  responses: number;
  /** Over the whole run, warm-up included. */
  non2xx: number;
  errors: number;
  serverCpuMs: number;
  latenciesMs: number[];
}

/** req/s: median over rounds; p50/p99: over every measured response; CPU: over the windows / their responses (NaN without /proc). */
export interface HttpCaseSummary extends Pick<HttpRun, 'caseId' | 'requestsPerSecond' | 'non2xx' | 'errors'> {
  label: string;
  p50Ms: number;
  p99Ms: number;
  serverCpuMsPerRequest: number;
}

export interface HttpBenchResult {
  options: HttpBenchOptions;
  runs: HttpRun[];
  summaries: HttpCaseSummary[];
}

/** One request outside the load: it must succeed and carry the session, or nothing is measured. */
async function probe(url: string, spec: HttpCase): Promise<void> {
  const response = await fetch(`${url}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body, redirect: 'manual' });
  const text = await response.text();
  if (response.status !== 200 || !text.includes(spec.expect)) {
    throw new Error(`${HTTP_CASE_LABELS[spec.id]}: first response was HTTP ${response.status} without ${spec.expect}: ${text.slice(0, 300)}`);
  }
}

async function runCase(targets: HttpTargets, id: HttpCaseId, round: number, warmupSeconds: number, durationSeconds: number, connections: number): Promise<HttpRun> {
  const { session, pid } = targets[appOf(id)];
  if (appOf(id) === 'ours') await syncSessionCookie(session);
  const spec = buildHttpCase(id, session);
  await probe(session.url, spec);
  let cpuBefore = NaN;
  const onWindowStart = () => (cpuBefore = readProcessCpuSeconds(pid) ?? NaN);
  const { window, warmup } = await runWindowedLoad({ ...spec, url: `${session.url}${spec.path}`, connections, warmupSeconds, durationSeconds, onWindowStart });
  return {
    caseId: id,
    round,
    requestsPerSecond: window.completed / window.seconds,
    responses: window.completed,
    non2xx: window.non2xx + warmup.non2xx,
    errors: window.errors + warmup.errors,
    serverCpuMs: ((readProcessCpuSeconds(pid) ?? NaN) - cpuBefore) * 1000,
    latenciesMs: window.latenciesMs,
  };
}

function summarise(id: HttpCaseId, runs: HttpRun[]): HttpCaseSummary {
  const all = runs.filter((run) => run.caseId === id);
  const measured = all.filter((run) => run.round > 0);
  const latencies = measured.flatMap((run) => run.latenciesMs);
  return {
    caseId: id,
    label: HTTP_CASE_LABELS[id],
    requestsPerSecond: median(measured.map((run) => run.requestsPerSecond)),
    p50Ms: percentile(latencies, 0.5),
    p99Ms: percentile(latencies, 0.99),
    non2xx: sum(all.map((run) => run.non2xx)),
    errors: sum(all.map((run) => run.errors)),
    serverCpuMsPerRequest: sum(measured.map((run) => run.serverCpuMs)) / sum(measured.map((run) => run.responses)),
  };
}

export async function runHttpBench(targets: HttpTargets, options: HttpBenchOptions, log: (line: string) => void): Promise<HttpBenchResult> {
  const { rounds, serverWarmupSeconds, warmupSeconds, durationSeconds, connections } = options;
  const runs: HttpRun[] = [];
  for (const id of HTTP_CASE_IDS) runs.push(await runCase(targets, id, 0, serverWarmupSeconds, 0, connections));
  for (let round = 1; round <= rounds; round += 1) {
    for (const id of round % 2 === 1 ? HTTP_CASE_IDS : [...HTTP_CASE_IDS].reverse()) {
      const run = await runCase(targets, id, round, warmupSeconds, durationSeconds, connections);
      runs.push(run);
      const cpu = (run.serverCpuMs / run.responses).toFixed(2);
      log(`  round ${round} ${id.padEnd(16)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p99 ${percentile(run.latenciesMs, 0.99).toFixed(1)} ms  non-2xx ${run.non2xx}  errors ${run.errors}  CPU ${cpu} ms/req`);
    }
  }
  return { options, runs: runs.map((run) => ({ ...run, latenciesMs: [] })), summaries: HTTP_CASE_IDS.map((id) => summarise(id, runs)) };
}
