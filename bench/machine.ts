/** What the figures were measured on: hardware, runtime, package versions, commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/app-server';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  node: string;
  versions: Record<string, string>;
  commit: string;
  /** Uncommitted changes under lib/, pages/, components/, bench/ when the run started. */
  dirtyPaths: string[];
  date: string;
}

const MEASURED_PACKAGES = ['next', 'next-auth', 'autocannon', 'tinybench', 'better-sqlite3', 'kysely'];

const readVersion = (name: string): string => (JSON.parse(readFileSync(path.join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;
const git = (...args: string[]): string => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();

export function describeMachine(now = new Date()): MachineInfo {
  const cpus = os.cpus();
  let commit = 'unknown (not a git checkout)';
  let dirtyPaths: string[] = [];
  try {
    commit = git('rev-parse', '--short', 'HEAD');
    dirtyPaths = git('status', '--porcelain', '--', 'lib', 'pages', 'components', 'bench', 'package.json').split('\n').filter(Boolean).map((line) => line.slice(3));
  } catch {
    // a tarball, not a checkout: the figures still stand, without a commit
  }
  const versions = Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, readVersion(name)]));
  return { cpuModel: cpus[0]?.model.trim() ?? 'unknown', cores: cpus.length, node: process.version, versions, commit, dirtyPaths, date: now.toISOString() };
}
