import { appEnv, ROOT } from './app-server';
import { buildFixture } from './build-fixture';
import { isBuildFresh, nextBuild } from './next-build';

/** What the app's build reads, besides node_modules. */
export const APP_SOURCES = ['pages', 'lib', 'components', 'styles', 'types', 'packages/next-auth-server-session/src', 'instrumentation.ts', 'next.config.js', 'package.json', 'tsconfig.json'];
const SOURCES = [...APP_SOURCES, 'package-lock.json'];

/** The app's `next build`, unless the build is newer than every source (always in CI); true when it built. */
export function buildAppWhenStale(): boolean {
  if (process.env.CI !== 'true' && isBuildFresh(ROOT, SOURCES)) return false;
  nextBuild(ROOT, appEnv(3999));
  return true;
}

/**
 * jest globalSetup for the whole-app tests: the fixture app, then the app when stale.
 */
export default async function buildApp(): Promise<void> {
  // Both the app and the e2e projects name this setup; jest runs it once per project.
  if (process.env.APP_BUILT_THIS_RUN === '1') return;
  // The version matrix (scripts/compat-matrix.ts) built its own fixture and runs only its tests.
  if (process.env.STOCK_APP_DIR) return;
  process.env.APP_BUILT_THIS_RUN = '1';
  const fixtureStarted = Date.now();
  buildFixture(); // small, and it must carry the current package: always repacked and rebuilt
  console.log(`\n[app tests] fixture build took ${Math.round((Date.now() - fixtureStarted) / 1000)} s`);
  const started = Date.now();
  if (buildAppWhenStale()) console.log(`\n[app tests] next build took ${Math.round((Date.now() - started) / 1000)} s`);
}
