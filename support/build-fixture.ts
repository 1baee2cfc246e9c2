import { cpSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './app-server';
import { nextBuild } from './next-build';

/** The second app: a stock next-auth setup that adopts the toolkit (see its README). */
export const FIXTURE_DIR = path.join(ROOT, '__tests__', 'fixtures', 'stock-app');

/**
 * Copies `lib/session` into the fixture, as a team lifts it into its own app, and builds
 * the fixture. Its build type-checks under the fixture's `strict: false` tsconfig, so a
 * toolkit that only compiles under our strict settings fails here.
 */
export function buildFixture(): void {
  const target = path.join(FIXTURE_DIR, 'lib', 'session');
  rmSync(target, { recursive: true, force: true });
  cpSync(path.join(ROOT, 'lib', 'session'), target, { recursive: true });
  nextBuild(FIXTURE_DIR, { PATH: process.env.PATH, HOME: process.env.HOME, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }, 'fixture build');
}
