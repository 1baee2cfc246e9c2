/** The HTTP results as a horizontal SVG bar chart (no dependencies), rendered to PNG by screenshot.ts. */
import type { HttpBenchResult } from './http';
import { appOf } from './http-cases';
import type { MachineInfo } from './machine';
import { renderSvgToPng } from './screenshot';
import { formatCount, formatMs } from '../support/measure/stats';

const WIDTH = 900;
const LABEL_WIDTH = 320;
const PLOT_WIDTH = WIDTH - LABEL_WIDTH - 240;
const ROW_HEIGHT = 56;
const TOP = 96; // title and two subtitle lines
const BOTTOM = 52;

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const text = (x: number, y: number, className: string, content: string, anchor = 'start') =>
  `<text x="${x}" y="${y}" text-anchor="${anchor}" class="${className}">${escapeXml(content)}</text>`;

/** 1, 2 or 5 times a power of ten, so that about five gridlines span the data. */
function niceStep(max: number): number {
  const power = 10 ** Math.floor(Math.log10(max / 5 || 1));
  return ([1, 2, 5, 10].find((factor) => factor * power >= max / 5) ?? 10) * power;
}

function renderSvg(http: HttpBenchResult, machine: MachineInfo): string {
  const { options, summaries } = http;
  const height = TOP + summaries.length * ROW_HEIGHT + BOTTOM;
  const max = Math.max(...summaries.map((summary) => summary.requestsPerSecond), 1);
  const step = niceStep(max);
  const scaleMax = Math.ceil(max / step) * step;
  const grid: string[] = [];
  for (let value = 0; value <= scaleMax + step / 2; value += step) {
    const x = LABEL_WIDTH + (value / scaleMax) * PLOT_WIDTH;
    grid.push(`<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - BOTTOM}" stroke="#e2e5ea"/>`, text(x, height - BOTTOM + 18, 'tick', formatCount(value), 'middle'));
  }
  const rows = summaries.map((summary, index) => {
    const y = TOP + index * ROW_HEIGHT;
    const barWidth = Math.max(1, (summary.requestsPerSecond / scaleMax) * PLOT_WIDTH);
    const color = appOf(summary.caseId) === 'stock' ? '#8c959f' : '#1f6feb';
    return [
      text(LABEL_WIDTH - 12, y + ROW_HEIGHT / 2 + 5, 'label', summary.label, 'end'),
      `<rect x="${LABEL_WIDTH}" y="${y + 10}" width="${barWidth}" height="${ROW_HEIGHT - 20}" rx="3" fill="${color}"/>`,
      text(LABEL_WIDTH + barWidth + 8, y + ROW_HEIGHT / 2 + 5, 'note', `${formatCount(summary.requestsPerSecond)} req/s · p99 ${formatMs(summary.p99Ms)}`),
    ].join('');
  });
  // Two lines: a long CPU model name would run one line past the right edge.
  const method = `next start on 127.0.0.1, autocannon ${options.connections} connections, median of ${options.rounds} x ${options.durationSeconds} s`;
  const machineLine = `${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}, ${machine.date.slice(0, 10)}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    '<style>text{font-family:"DejaVu Sans",Arial,sans-serif;fill:#1f2328}.title{font-size:19px;font-weight:bold}.subtitle{font-size:12.5px;fill:#57606a}',
    '.label{font-size:14px}.note{font-size:13.5px;font-weight:bold}.tick{font-size:12px;fill:#57606a}.axis{font-size:13px;fill:#57606a}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    text(16, 28, 'title', 'Requests per second by case (higher is better)'),
    text(16, 50, 'subtitle', method),
    text(16, 68, 'subtitle', machineLine),
    ...grid,
    ...rows,
    `<line x1="${LABEL_WIDTH}" y1="${TOP - 8}" x2="${LABEL_WIDTH}" y2="${height - BOTTOM}" stroke="#57606a"/>`,
    text(LABEL_WIDTH + PLOT_WIDTH / 2, height - 10, 'axis', 'req/s (grey: the stock next-auth app without a store; blue: ours)', 'middle'),
    '</svg>',
  ].join('\n');
}

export function renderHttpChart(http: HttpBenchResult, machine: MachineInfo, outFile: string): Promise<void> {
  return renderSvgToPng(renderSvg(http, machine), outFile);
}
