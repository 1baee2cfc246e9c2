/** The HTTP results as a bar chart PNG: req/s per case, ours highlighted, the baseline grey. */
import type { HttpBenchResult } from './http';
import { BASELINE_CASE, HTTP_CASE_LABELS, type HttpCaseId } from './http-cases';
import { renderBarChartSvg } from './chart';
import type { MachineInfo } from './machine';
import { renderSvgToPng } from './screenshot';
import { formatCount, formatMs, formatRatio } from './stats';

const COLORS: Record<HttpCaseId, string> = {
  refresh: '#1f6feb',
  'nextauth-update': '#8c959f',
  'session-get': '#2da44e',
  'cart-get': '#bf8700',
  floor: '#d0d7de',
};

export async function renderHttpChart(http: HttpBenchResult, machine: MachineInfo, outFile: string): Promise<void> {
  const { options } = http;
  const svg = renderBarChartSvg({
    title: 'Requests per second by case (higher is better)',
    subtitle:
      `next start on 127.0.0.1, autocannon ${options.connections} connections, mean of ${options.rounds} x ${options.durationSeconds} s; ` +
      `${machine.cpuModel.split(' (')[0]}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}`,
    axisLabel: `req/s (grey: ${HTTP_CASE_LABELS[BASELINE_CASE]}, the baseline for ratios)`,
    bars: http.summaries.map((summary) => ({
      label: summary.label,
      value: summary.requestsPerSecond,
      note: `${formatCount(summary.requestsPerSecond)} req/s · ${formatRatio(summary.ratioToBaseline)} · p99 ${formatMs(summary.p99Ms)}`,
      color: COLORS[summary.caseId],
    })),
  });
  await renderSvgToPng(svg, outFile);
}
