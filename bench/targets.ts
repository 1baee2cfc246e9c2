/** The goals the figures are held to, and whether this run met them. */
import type { CodecBenchResult } from './codec';
import type { HttpBenchResult } from './http';
import { FLOOR_CASE } from './http-cases';
import { formatMs, formatRatio } from './stats';

export interface TargetCheck {
  name: string;
  target: string;
  actual: string;
  met: boolean;
}

export const TARGETS = {
  codecRoundTripRatio: 5,
  refreshRatio: 1.0,
  p99Ms: 50,
  runSeconds: 300,
} as const;

export function checkTargets(codec: CodecBenchResult | null, http: HttpBenchResult | null, runSeconds: number | null): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const roundTrip = codec?.results.find((result) => result.op === 'encode+decode');
  if (roundTrip) {
    checks.push({
      name: 'codec encode+decode, ours / next-auth (median ratio)',
      target: `>= ${TARGETS.codecRoundTripRatio}x`,
      actual: formatRatio(roundTrip.medianRatio),
      met: roundTrip.medianRatio >= TARGETS.codecRoundTripRatio,
    });
  }
  if (http) {
    const refresh = http.summaries.find((summary) => summary.caseId === 'refresh');
    if (refresh) {
      checks.push({
        name: 'HTTP req/s, refresh / next-auth update',
        target: `>= ${TARGETS.refreshRatio.toFixed(1)}x`,
        actual: formatRatio(refresh.ratioToBaseline),
        met: refresh.ratioToBaseline >= TARGETS.refreshRatio,
      });
    }
    const failures = http.summaries.reduce((sum, summary) => sum + summary.errors + summary.non2xx, 0);
    checks.push({ name: 'HTTP errors + non-2xx, all cases', target: '0', actual: String(failures), met: failures === 0 });
    for (const summary of http.summaries.filter((item) => item.caseId !== FLOOR_CASE)) {
      checks.push({
        name: `HTTP p99, ${summary.label}`,
        target: `< ${TARGETS.p99Ms} ms`,
        actual: formatMs(summary.p99Ms),
        met: summary.p99Ms < TARGETS.p99Ms,
      });
    }
  }
  if (runSeconds !== null) {
    checks.push({ name: 'whole `npm run bench`', target: `< ${TARGETS.runSeconds} s`, actual: `${Math.round(runSeconds)} s`, met: runSeconds < TARGETS.runSeconds });
  }
  return checks;
}

/** Whether the HTTP figures miss a target: then `npm run bench` profiles the server. */
export function missesHttpTargets(http: HttpBenchResult): boolean {
  return checkTargets(null, http, null).some((check) => check.name.startsWith('HTTP') && !check.met);
}
