import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './app-server';

export const TOOLKIT_NAME = 'next-auth-server-session';
export const TOOLKIT_DIR = path.join(ROOT, 'packages', TOOLKIT_NAME);
/** Where the packed tarball goes (git-ignored). */
export const PACK_DIR = path.join(ROOT, '.pack');

function run(command: string, args: string[], cwd: string): string {
  try {
    return execFileSync(command, args, { cwd, stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    throw new Error(`${command} ${args.join(' ')} failed in ${cwd}:\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`);
  }
}

/**
 * Builds the toolkit package and packs it as `npm publish` would (`npm pack`): the tarball
 * is what the fixture, the Next.js version matrix and the package checks install, so they
 * test what a team gets, not the source folder. Returns the tarball's path.
 */
export function packToolkit(): string {
  run('npm', ['run', 'build', '--silent'], TOOLKIT_DIR);
  rmSync(PACK_DIR, { recursive: true, force: true });
  mkdirSync(PACK_DIR, { recursive: true });
  run('npm', ['pack', '--silent', '--pack-destination', PACK_DIR], TOOLKIT_DIR);
  const tarball = readdirSync(PACK_DIR).find((name) => name.endsWith('.tgz'));
  if (!tarball) throw new Error(`npm pack wrote no tarball to ${PACK_DIR}`);
  return path.join(PACK_DIR, tarball);
}

/**
 * Installs a packed tarball into an app's own node_modules, as `npm install <tarball>` does
 * for a team (its dependencies too). Peers are not installed: the app has its own.
 */
export function installTarball(appDir: string, tarball: string): void {
  run('npm', ['install', '--no-save', '--no-package-lock', '--legacy-peer-deps', '--no-audit', '--no-fund', '--prefix', appDir, tarball], appDir);
}
