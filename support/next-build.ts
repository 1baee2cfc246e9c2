import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { NEXT_BIN } from './app-server';

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stat = statSync(target);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(target)
    .filter((entry) => entry !== '.next' && entry !== 'node_modules')
    .reduce((max, entry) => Math.max(max, newestMtime(path.join(target, entry))), stat.mtimeMs);
}

/** Whether `<dir>/.next/BUILD_ID` is newer than every source (paths relative to `dir`, or absolute). */
export function isBuildFresh(dir: string, sources: readonly string[]): boolean {
  const buildId = path.join(dir, '.next', 'BUILD_ID');
  if (!existsSync(buildId)) return false;
  const builtAt = statSync(buildId).mtimeMs;
  return sources.every((source) => newestMtime(path.resolve(dir, source)) < builtAt);
}

/**
 * `next build --webpack` (as `npm run build`) in `cwd`; the build's output in the error.
 * webpack, because Turbopack's production pages carry an inline bootstrap script that the
 * strict CSP (`script-src 'self'`) would block.
 */
export function nextBuild(cwd: string, env: NodeJS.ProcessEnv, what = 'next build'): void {
  try {
    execFileSync(process.execPath, [NEXT_BIN, 'build', '--webpack'], { cwd, env, stdio: 'pipe' });
  } catch (error) {
    const failure = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${what} failed:\n${failure.stdout?.toString() ?? ''}\n${failure.stderr?.toString() ?? ''}`);
  }
}
