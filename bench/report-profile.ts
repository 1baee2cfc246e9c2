/** The profile section of docs/benchmarks.md: whose code the server's CPU ran, per case. */
import { HTTP_CASE_LABELS } from './http-cases';
import { markdownTable } from './markdown';
import type { ProfileResult } from './profile';

/** Owners as the profile names them, grouped for the reader. */
const GROUPS: { label: string; owners: string[] }[] = [
  { label: 'ours: lib/ and pages/ (with the Node crypto/Buffer work they call)', owners: ['ours'] },
  { label: 'store driver: kysely + better-sqlite3 (SQL building, prepare, run)', owners: ['kysely', 'better-sqlite3'] },
  { label: 'other packages we call: zod, cookies-next, cookie', owners: ['zod', 'cookies-next', 'cookie'] },
  { label: 'Next.js: router, API runtime, body parsing, compression, socket writes', owners: ['next', '@next/env'] },
  { label: 'next-auth (+ jose, @panva/hkdf, uuid)', owners: ['next-auth', 'jose', '@panva/hkdf', 'uuid'] },
  { label: 'Node/V8: native without JS stack (HTTP parsing, libuv), GC, microtasks', owners: ['V8', 'GC', 'node'] },
];

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

function busyShare(byOwner: Record<string, number>, owners: string[]): number {
  const idle = byOwner.idle ?? 0;
  return owners.reduce((sum, owner) => sum + (byOwner[owner] ?? 0), 0) / (1 - idle);
}

function ownerTable(profile: ProfileResult): string {
  const grouped = new Set(GROUPS.flatMap((group) => group.owners));
  const rows = GROUPS.map((group) => [group.label, ...profile.cases.map((item) => percent(busyShare(item.breakdown.byOwner, group.owners)))]);
  rows.push([
    'other packages',
    ...profile.cases.map((item) => percent(busyShare(item.breakdown.byOwner, Object.keys(item.breakdown.byOwner).filter((owner) => !grouped.has(owner) && owner !== 'idle')))),
  ]);
  rows.push(['(idle, share of the whole window)', ...profile.cases.map((item) => percent(item.breakdown.byOwner.idle ?? 0))]);
  rows.push(['samples / req/s under the profiler', ...profile.cases.map((item) => `${item.breakdown.samples} / ${Math.round(item.requestsPerSecond)}`)]);
  return markdownTable(['share of busy CPU', ...profile.cases.map((item) => HTTP_CASE_LABELS[item.caseId])], rows);
}

function oursTable(profile: ProfileResult): string {
  const rows = profile.cases.flatMap((item) =>
    item.breakdown.oursByLocation.slice(0, 6).map((entry) => [HTTP_CASE_LABELS[item.caseId], `\`${entry.location}\``, percent(entry.share)]),
  );
  return markdownTable(['case', 'our function (with what it calls in Node)', 'share of busy CPU'], rows);
}

/** The heaviest functions of any owner for our own update route: the profile excerpt behind the analysis. */
function topFunctionsTable(profile: ProfileResult): string {
  const refresh = profile.cases.find((item) => item.caseId === 'refresh');
  if (!refresh) return '';
  const rows = refresh.breakdown.topLocations.slice(0, 12).map((entry) => [entry.owner, `\`${entry.location}\``, percent(entry.share)]);
  return [`Heaviest functions of any owner, ${HTTP_CASE_LABELS.refresh}:`, '', markdownTable(['owner', 'function', 'share of busy CPU'], rows)].join('\n');
}

export function renderProfileSection(profile: ProfileResult): string {
  const { options } = profile;
  const build =
    options.build === 'profiling'
      ? 'a second build of the same sources with the same bundler, server source maps and unmangled names (bench/profile-build.ts, in the temp directory)'
      : "the app's own build (no source maps: the bundle, our code plus Next's route template, counts as ours)";
  return [
    '## 4. Where the server CPU goes (profile)',
    '',
    `\`node --cpu-prof\` on \`next start\` of ${build}; the same signed-in load, ${options.connections} connections, ` +
      `per case ${options.warmupSeconds} s warm-up then a ${options.durationSeconds} s window cut out of one profile. ` +
      "Each sample is charged to the nearest function owned by us or by a package (so Node's crypto under our codec is ours, a socket write under Next is Next's).",
    '',
    ownerTable(profile),
    '',
    topFunctionsTable(profile),
    '',
    ...(options.build === 'profiling'
      ? ['Our heaviest functions, per case:', '', oursTable(profile)]
      : ['(Our functions by name need the profiling build, which no longer fits the 5-minute budget: `npm run bench -- --profile` makes it; later runs use it while the sources are unchanged.)']),
  ].join('\n');
}
