/**
 * `npx tsx scripts/check-package.ts`: the toolkit's tarball as a team would get it from the
 * registry (`npm pack`), checked by publint and @arethetypeswrong/cli (no errors allowed),
 * plus what neither checks: the browser entry starts with "use client" in both formats, and
 * the README, CHANGELOG and LICENSE are in the tarball. CI runs it (.ci/run).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { ROOT } from '../support/app-server';
import { packToolkit } from '../support/pack-toolkit';

const BIN = path.join(ROOT, 'node_modules', '.bin');
const REQUIRED_FILES = ['package/README.md', 'package/CHANGELOG.md', 'package/LICENSE', 'package/dist/client.js', 'package/dist/client.cjs'];

function check(what: string, command: string, args: string[]): boolean {
  try {
    const output = execFileSync(command, args, { cwd: ROOT, encoding: 'utf8', stdio: 'pipe' });
    console.log(`[package] ${what}: ok\n${output.trim()}`);
    return true;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string };
    console.error(`[package] ${what}: FAILED\n${failure.stdout ?? ''}${failure.stderr ?? ''}`);
    return false;
  }
}

function tarballFiles(tarball: string): string[] {
  return execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

function readFromTarball(tarball: string, file: string): string {
  return execFileSync('tar', ['-xzOf', tarball, file], { encoding: 'utf8' });
}

function main(): void {
  const tarball = packToolkit();
  console.log(`[package] packed ${path.relative(ROOT, tarball)}`);
  const results = [
    check('publint', path.join(BIN, 'publint'), ['run', tarball, '--strict']),
    check('@arethetypeswrong/cli', path.join(BIN, 'attw'), [tarball, '--format', 'table-flipped']),
  ];
  const files = tarballFiles(tarball);
  const missing = REQUIRED_FILES.filter((file) => !files.includes(file));
  results.push(missing.length === 0);
  console.log(`[package] tarball files (${files.length}): ${missing.length === 0 ? 'README, CHANGELOG, LICENSE and the client entry present' : `missing ${missing.join(', ')}`}`);
  for (const file of ['package/dist/client.js', 'package/dist/client.cjs'].filter((name) => files.includes(name))) {
    const starts = readFromTarball(tarball, file).startsWith('"use client";');
    results.push(starts);
    console.log(`[package] ${file} starts with "use client": ${starts ? 'yes' : 'NO'}`);
  }
  if (results.includes(false)) {
    console.error('[package] checks failed');
    process.exitCode = 1;
  } else {
    console.log('[package] every check passed');
  }
}

main();
