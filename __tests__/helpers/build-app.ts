import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { appEnv, NEXT_BIN, ROOT } from './app-server';
import { buildFixture } from './build-fixture';

const SOURCES = ['pages', 'lib', 'components', 'styles', 'types', 'instrumentation.ts', 'next.config.js', 'package-lock.json'];

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target).reduce((max, entry) => Math.max(max, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

function isBuildFresh(): boolean {
  const buildId = path.join(ROOT, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return SOURCES.every((source) => newestMtime(path.join(ROOT, source)) < builtAt);
}

/**
 * jest globalSetup for the whole-app tests: `next build --webpack` (as `npm run build`)
 * once, unless the build is newer than every source. webpack, because Turbopack's
 * production pages carry an inline bootstrap script that the strict CSP
 * (`script-src 'self'`) would block.
 */
export default async function buildApp(): Promise<void> {
  // Both the app and the e2e projects name this setup; jest runs it once per project.
  if (process.env.APP_BUILT_THIS_RUN === '1') return;
  process.env.APP_BUILT_THIS_RUN = '1';
  const fixtureStarted = Date.now();
  buildFixture(); // small (~10 s), and it must carry the current lib/session: always rebuilt
  console.log(`\n[app tests] fixture build took ${Math.round((Date.now() - fixtureStarted) / 1000)} s`);
  if (process.env.CI !== 'true' && isBuildFresh()) return;
  const started = Date.now();
  try {
    execFileSync(process.execPath, [NEXT_BIN, 'build', '--webpack'], { cwd: ROOT, env: appEnv(3999), stdio: 'pipe' });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`next build failed:\n${failure.stdout?.toString() ?? ''}\n${failure.stderr?.toString() ?? ''}`);
  }
  console.log(`\n[app tests] next build took ${Math.round((Date.now() - started) / 1000)} s`);
}
