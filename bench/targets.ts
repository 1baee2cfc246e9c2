/** The goals of issue #14, and whether this run met them (ratios of req/s, medians over interleaved rounds). */
import type { CodecBenchResult } from './codec';
import type { HttpBenchResult } from './http';
import type { HttpCaseId } from './http-cases';
import { formatRatio } from '../support/measure/stats';

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

export function checkTargets(codec: CodecBenchResult, http: HttpBenchResult, runSeconds: number): TargetCheck[] {
  const summary = (id: HttpCaseId) => http.summaries.find((item) => item.caseId === id);
  const rate = (id: HttpCaseId) => summary(id)?.requestsPerSecond ?? NaN;
  // The same ratio by server CPU per request (theirs / ours): other load on the machine moves it far less than req/s.
  const byCpu = (id: HttpCaseId, against: HttpCaseId) => formatRatio((summary(against)?.serverCpuMsPerRequest ?? NaN) / (summary(id)?.serverCpuMsPerRequest ?? NaN));
  const failures = http.summaries.reduce((total, summary) => total + summary.errors + summary.non2xx, 0);
  return [
    ...HTTP_RATIOS.map(([id, against, atLeast]) => {
      const check = ratioCheck(`req/s, ${summary(id)?.label ?? id} / ${summary(against)?.label ?? against}`, rate(id) / rate(against), atLeast);
      return { ...check, actual: `${check.actual} (by CPU per request ${byCpu(id, against)})` };
    }),
    ratioCheck('codec encode+decode, ours / next-auth (median of rounds)', codec.medianRatio, 6),
    { name: 'errors + non-2xx, all HTTP cases', target: '0', actual: String(failures), met: failures === 0 },
    { name: 'whole `npm run bench`', target: `< ${RUN_SECONDS_TARGET} s`, actual: `${Math.round(runSeconds)} s`, met: runSeconds < RUN_SECONDS_TARGET },
  ];
}
