import { rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './app-server';
import { nextBuild } from './next-build';
import { installTarball, packToolkit } from './pack-toolkit';

/** The fixture's sources: a stock next-auth setup that adopts the toolkit (see its README). */
export const FIXTURE_SOURCE_DIR = path.join(ROOT, '__tests__', 'fixtures', 'stock-app');

/**
 * The fixture the app tests start: its sources, or (STOCK_APP_DIR, set by
 * scripts/compat-matrix.ts) a copy built against another Next.js version.
 */
export const FIXTURE_DIR = process.env.STOCK_APP_DIR ?? FIXTURE_SOURCE_DIR;

/**
 * Installs the toolkit into the fixture from its packed tarball (`npm install <tarball>`, as a
 * team installs it from the registry) and builds the fixture. Its build type-checks under the
 * fixture's `strict: false` tsconfig against the package's published `.d.ts`, so a toolkit
 * that only compiles under our strict settings, or ships broken types, fails here.
 */
export function buildFixture(): void {
  rmSync(path.join(FIXTURE_SOURCE_DIR, 'node_modules'), { recursive: true, force: true });
  installTarball(FIXTURE_SOURCE_DIR, packToolkit());
  nextBuild(FIXTURE_SOURCE_DIR, { PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }, 'fixture build');
}
