/** The goals of issue #14, and whether this run met them (ratios of req/s: the median over interleaved rounds of each round's ratio). */
import type { CodecBenchResult } from './codec';
import type { HttpBenchResult, HttpRun } from './http';
import type { HttpCaseId } from './http-cases';
import { formatRatio, median } from '../support/measure/stats';

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

export const RUN_SECONDS_TARGET = 300;

/** [case, against, at least]: e.g. our refresh at least 1.0x the stock update's req/s. */
const HTTP_RATIOS: [HttpCaseId, HttpCaseId, number][] = [
  ['refresh', 'stock-update', 1.0],
  ['refresh', 'stock-recipe', 1.1],
  ['cart-get', 'stock-floor', 0.7],
];

const ratioCheck = (name: string, actual: number, atLeast: number): TargetCheck => ({ name, target: `>= ${atLeast.toFixed(1)}x`, actual: formatRatio(actual), met: actual >= atLeast });

/**
 * Per round, the case's req/s over the other's, measured next to each other (http-cases.ts
 * orders them so); the verdict is the median of these. A shared machine's speed drifts over
 * seconds, and a ratio of two neighbours in time cancels most of it where a ratio of two
 * medians taken far apart does not.
 */
function roundRatios(http: HttpBenchResult, id: HttpCaseId, against: HttpCaseId, measure: (run: HttpRun) => number): number[] {
  const rounds = [...new Set(http.runs.filter((run) => run.round > 0).map((run) => run.round))];
  return rounds.map((round) => {
    const inRound = (caseId: HttpCaseId) => http.runs.find((run) => run.caseId === caseId && run.round === round);
    const ours = inRound(id);
    const theirs = inRound(against);
    return ours && theirs ? measure(ours) / measure(theirs) : NaN;
  });
}

const requestsPerSecond = (run: HttpRun) => run.requestsPerSecond;
/** Requests per CPU second: higher is cheaper, so the ratio reads like the req/s one. */
const requestsPerCpuSecond = (run: HttpRun) => run.responses / run.serverCpuMs;

export function checkTargets(codec: CodecBenchResult, http: HttpBenchResult, runSeconds: number): TargetCheck[] {
  const label = (id: HttpCaseId) => http.summaries.find((item) => item.caseId === id)?.label ?? id;
  const failures = http.summaries.reduce((total, summary) => total + summary.errors + summary.non2xx, 0);
  return [
    ...HTTP_RATIOS.map(([id, against, atLeast]) => {
      const ratios = roundRatios(http, id, against, requestsPerSecond);
      // The same ratio by server CPU per request: other load on the machine moves it less than req/s.
      const byCpu = median(roundRatios(http, id, against, requestsPerCpuSecond));
      const check = ratioCheck(`req/s, ${label(id)} / ${label(against)}`, median(ratios), atLeast);
      return { ...check, actual: `${check.actual} (rounds ${ratios.map(formatRatio).join(', ')}; by CPU per request ${formatRatio(byCpu)})` };
    }),
    ratioCheck('codec encode+decode, ours / next-auth (median of rounds)', codec.medianRatio, 6),
    { name: 'errors + non-2xx, all HTTP cases', target: '0', actual: String(failures), met: failures === 0 },
    { name: 'whole `npm run bench`', target: `< ${RUN_SECONDS_TARGET} s`, actual: `${Math.round(runSeconds)} s`, met: runSeconds < RUN_SECONDS_TARGET },
  ];
}
