/** What the figures were measured on: hardware, runtime, package versions, commit. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/app-server';

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  packageName: string;
  packageVersion: string;
  versions: Record<string, string>;
  commit: string;
  /** Uncommitted changes under lib/, pages/, components/ when the run started. */
  dirtyPaths: string[];
  date: string;
}

const MEASURED_PACKAGES = ['next', 'next-auth', 'autocannon', 'playwright-core', 'better-sqlite3', 'kysely'];

function readVersion(packageDir: string): { name: string; version: string } {
  return JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string };
}

/** os.cpus() gives only the brand string on VMs; /proc/cpuinfo adds family, model and clock. */
function describeCpu(brand: string): string {
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    const field = (name: string) => new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(info)?.[1]?.trim();
    const mhz = Number(field('cpu MHz'));
    return `${brand} (family ${field('cpu family') ?? '?'}, model ${field('model') ?? '?'}${mhz ? `, ${Math.round(mhz)} MHz` : ''})`;
  } catch {
    return brand;
  }
}

function git(args: string[]): string {
  try {
    return execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return '';
  }
}

export function describeMachine(now = new Date()): MachineInfo {
  const own = readVersion(ROOT);
  const cpus = os.cpus();
  return {
    cpuModel: describeCpu(cpus[0]?.model.trim() ?? 'unknown'),
    cores: cpus.length,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    packageName: own.name,
    packageVersion: own.version,
    versions: Object.fromEntries(MEASURED_PACKAGES.map((name) => [name, readVersion(path.join(ROOT, 'node_modules', name)).version])),
    commit: git(['rev-parse', '--short', 'HEAD']) || 'unknown',
    dirtyPaths: git(['status', '--porcelain', '--', 'lib', 'pages', 'components', 'types', 'package.json'])
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3)),
    date: now.toISOString(),
  };
}
