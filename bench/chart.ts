/** A horizontal SVG bar chart (no dependencies), rendered to PNG by screenshot.ts. */

export interface Bar {
  label: string;
  value: number;
  /** Text after the bar, e.g. "1,234 req/s · p99 12 ms". */
  note: string;
  color: string;
}

export interface BarChart {
  title: string;
  subtitle: string;
  axisLabel: string;
  bars: Bar[];
}

const WIDTH = 900;
const LABEL_WIDTH = 320;
const NOTE_WIDTH = 240;
const ROW_HEIGHT = 56;
const TOP = 78;
const BOTTOM = 52;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** 1, 2 or 5 times a power of ten, so that about five gridlines span the data. */
function niceStep(max: number): number {
  const raw = max / 5;
  const power = 10 ** Math.floor(Math.log10(raw || 1));
  return ([1, 2, 5, 10].find((factor) => factor * power >= raw) ?? 10) * power;
}

function gridlines(scaleMax: number, step: number, plotWidth: number, height: number): string {
  const lines: string[] = [];
  for (let value = 0; value <= scaleMax + step / 2; value += step) {
    const x = LABEL_WIDTH + (value / scaleMax) * plotWidth;
    lines.push(
      `<line x1="${x}" y1="${TOP - 8}" x2="${x}" y2="${height - BOTTOM}" stroke="#e2e5ea"/>`,
      `<text x="${x}" y="${height - BOTTOM + 18}" text-anchor="middle" class="tick">${value.toLocaleString('en-US')}</text>`,
    );
  }
  return lines.join('');
}

export function renderBarChartSvg(chart: BarChart): string {
  const height = TOP + chart.bars.length * ROW_HEIGHT + BOTTOM;
  const plotWidth = WIDTH - LABEL_WIDTH - NOTE_WIDTH;
  const step = niceStep(Math.max(...chart.bars.map((bar) => bar.value), 1));
  const scaleMax = Math.ceil(Math.max(...chart.bars.map((bar) => bar.value), 1) / step) * step;
  const rows = chart.bars.map((bar, index) => {
    const y = TOP + index * ROW_HEIGHT;
    const barWidth = Math.max(1, (bar.value / scaleMax) * plotWidth);
    return [
      `<text x="${LABEL_WIDTH - 12}" y="${y + ROW_HEIGHT / 2 + 5}" text-anchor="end" class="label">${escapeXml(bar.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y + 10}" width="${barWidth}" height="${ROW_HEIGHT - 20}" rx="3" fill="${bar.color}"/>`,
      `<text x="${LABEL_WIDTH + barWidth + 8}" y="${y + ROW_HEIGHT / 2 + 5}" class="note">${escapeXml(bar.note)}</text>`,
    ].join('');
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}">`,
    '<style>text{font-family:"DejaVu Sans",Arial,sans-serif;fill:#1f2328}.title{font-size:19px;font-weight:bold}',
    '.subtitle{font-size:12.5px;fill:#57606a}.label{font-size:14px}.note{font-size:13.5px;font-weight:bold}.tick{font-size:12px;fill:#57606a}.axis{font-size:13px;fill:#57606a}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="16" y="28" class="title">${escapeXml(chart.title)}</text>`,
    `<text x="16" y="50" class="subtitle">${escapeXml(chart.subtitle)}</text>`,
    gridlines(scaleMax, step, plotWidth, height),
    ...rows,
    `<line x1="${LABEL_WIDTH}" y1="${TOP - 8}" x2="${LABEL_WIDTH}" y2="${height - BOTTOM}" stroke="#57606a"/>`,
    `<text x="${LABEL_WIDTH + plotWidth / 2}" y="${height - 10}" text-anchor="middle" class="axis">${escapeXml(chart.axisLabel)}</text>`,
    '</svg>',
  ].join('\n');
}
