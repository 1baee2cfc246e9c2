/**
 * autocannon against the running app: a short warm-up of every case, then the cases
 * in alternating order over a few rounds (A B C D E, then E D C B A ...), each one run whose
 * first seconds warm up (and open the connections) before the measured window, all on
 * loopback (see windowed-load.ts). Latencies come from every response sent in the window
 * (ms, fractional), not only the 2xx ones.
 */
import { syncSessionCookie, type SignedInSession } from './app';
import { BASELINE_CASE, buildHttpCase, HTTP_CASE_IDS, HTTP_CASE_LABELS, type HttpCaseId } from './http-cases';
import { loadCase, probe } from './load';
import { readProcessCpuSeconds } from './process-cpu';
import { mean, percentile } from './stats';

export interface HttpBenchOptions {
  rounds: number;
  /**
   * Once before the rounds, per case. A fresh server needs 10-15 s of write load before
   * its CPU per request settles (JIT, heap growth): without it the first update case
   * measured costs up to twice the CPU of the same case later in the run.
   */
  serverWarmupSeconds: number;
  warmupSeconds: number;
  durationSeconds: number;
  connections: number;
}

/** The server under load: its pid gives its CPU time per request. */
export interface HttpTarget {
  session: SignedInSession;
  serverPid: number;
}

export interface HttpRun {
  caseId: HttpCaseId;
  round: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  responses: number;
  /** Over the warm-up and the window. */
  non2xx: number;
  /** Connection errors and timeouts, over the warm-up and the window. */
  errors: number;
  /** When every connection had had its first response (ms after they were opened); null if one never did. */
  connectionsOpenMs: number | null;
  /** Server CPU (user + system) over the measured window, divided by the responses; NaN without /proc. */
  serverCpuMsPerRequest: number;
}

export interface HttpCaseSummary {
  caseId: HttpCaseId;
  label: string;
  /** Mean over rounds. */
  requestsPerSecond: number;
  /** Over every response of every measured round. */
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  ratioToBaseline: number;
  /** Over every round: total server CPU / total responses. */
  serverCpuMsPerRequest: number;
  /** Baseline's CPU per request / this case's: above 1, cheaper than next-auth's update. */
  cpuRatioToBaseline: number;
}

export interface HttpBenchResult {
  options: HttpBenchOptions;
  runs: HttpRun[];
  summaries: HttpCaseSummary[];
}

async function measureCase(target: HttpTarget, id: HttpCaseId, round: number, options: HttpBenchOptions): Promise<{ run: HttpRun; latenciesMs: number[] }> {
  const { session, serverPid } = target;
  await syncSessionCookie(session);
  const spec = buildHttpCase(id, session);
  await probe(session.url, spec);
  let cpuBefore: number | null = null;
  const { window, warmup, allConnectionsServedAfterMs } = await loadCase(
    session.url,
    spec,
    options.connections,
    { warmup: options.warmupSeconds, measured: options.durationSeconds },
    () => (cpuBefore = readProcessCpuSeconds(serverPid)),
  );
  const cpuAfter = readProcessCpuSeconds(serverPid);
  const cpuSeconds = cpuBefore === null || cpuAfter === null ? NaN : cpuAfter - cpuBefore;
  const { latenciesMs } = window;
  const run: HttpRun = {
    caseId: id,
    round,
    requestsPerSecond: window.completed / window.seconds,
    p50Ms: percentile(latenciesMs, 0.5),
    p99Ms: percentile(latenciesMs, 0.99),
    responses: window.completed,
    non2xx: window.non2xx + warmup.non2xx,
    errors: window.errors + warmup.errors,
    connectionsOpenMs: allConnectionsServedAfterMs,
    serverCpuMsPerRequest: (cpuSeconds * 1000) / window.completed,
  };
  return { run, latenciesMs };
}

function summarise(runs: HttpRun[], latencies: Map<HttpCaseId, number[]>): HttpCaseSummary[] {
  const rate = (id: HttpCaseId) => mean(runs.filter((run) => run.caseId === id).map((run) => run.requestsPerSecond));
  const cpuPerRequest = (id: HttpCaseId) => {
    const own = runs.filter((run) => run.caseId === id);
    const cpuMs = own.reduce((sum, run) => sum + run.serverCpuMsPerRequest * run.responses, 0);
    return cpuMs / own.reduce((sum, run) => sum + run.responses, 0);
  };
  const baseline = rate(BASELINE_CASE);
  return HTTP_CASE_IDS.map((id) => {
    const own = runs.filter((run) => run.caseId === id);
    const all = latencies.get(id) ?? [];
    return {
      caseId: id,
      label: HTTP_CASE_LABELS[id],
      requestsPerSecond: rate(id),
      p50Ms: percentile(all, 0.5),
      p99Ms: percentile(all, 0.99),
      non2xx: own.reduce((sum, run) => sum + run.non2xx, 0),
      errors: own.reduce((sum, run) => sum + run.errors, 0),
      ratioToBaseline: rate(id) / baseline,
      serverCpuMsPerRequest: cpuPerRequest(id),
      cpuRatioToBaseline: cpuPerRequest(BASELINE_CASE) / cpuPerRequest(id),
    };
  });
}

export async function runHttpBench(target: HttpTarget, options: HttpBenchOptions, log: (line: string) => void): Promise<HttpBenchResult> {
  const runs: HttpRun[] = [];
  const latencies = new Map<HttpCaseId, number[]>();
  for (const id of HTTP_CASE_IDS) {
    await syncSessionCookie(target.session);
    await loadCase(target.session.url, buildHttpCase(id, target.session), options.connections, { warmup: options.serverWarmupSeconds, measured: 0 });
  }
  for (let round = 1; round <= options.rounds; round += 1) {
    const order = round % 2 === 1 ? [...HTTP_CASE_IDS] : [...HTTP_CASE_IDS].reverse();
    for (const id of order) {
      const { run, latenciesMs } = await measureCase(target, id, round, options);
      runs.push(run);
      latencies.set(id, [...(latencies.get(id) ?? []), ...latenciesMs]);
      log(
        `  round ${round} ${id.padEnd(16)} ${run.requestsPerSecond.toFixed(0).padStart(6)} req/s  p50 ${run.p50Ms.toFixed(1)} ms  p99 ${run.p99Ms.toFixed(1)} ms  non-2xx ${run.non2xx}  errors ${run.errors}  server CPU ${run.serverCpuMsPerRequest.toFixed(2)} ms/req`,
      );
    }
  }
  return { options, runs, summaries: summarise(runs, latencies) };
}
