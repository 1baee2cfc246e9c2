/**
 * `npx tsx scripts/compat-matrix.ts [label ...]`: the toolkit package on every Next.js version
 * it supports (support/compat-matrix.ts). For each version, a copy of the adoption fixture
 * (`__tests__/fixtures/stock-app`) gets its own package.json with that Next.js, React,
 * next-auth 4.24 and the packed tarball (`npm pack`), is installed with `npm install` into a
 * folder outside this repository (so nothing resolves to the repository's node_modules),
 * type-checks the package's `.d.ts` under `strict: true` and `strict: false`, is built with
 * `next build`, and runs the session contract suite against it over HTTP (jest's `app`
 * project with STOCK_APP_DIR). Writes the summed jest counts to .compat-results.json for
 * .ci/run; exits non-zero when anything failed. Uses npm's cache: CI's runs after the first
 * download nothing.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/app-server';
import { FIXTURE_SOURCE_DIR } from '../support/build-fixture';
import { COMPAT_MATRIX, COMPAT_SHARED, type CompatTarget } from '../support/compat-matrix';
import { packToolkit, TOOLKIT_NAME } from '../support/pack-toolkit';

const WORK_DIR = path.join(tmpdir(), 'next-auth-server-session-matrix');
const RESULTS_FILE = path.join(ROOT, '.compat-results.json');
const CONTRACT_TESTS = ['__tests__/app/session-contract.test.ts', '__tests__/app/gssp-update.test.ts'];
const COOKIES_NEXT_TEST = '__tests__/app/cookies-next.test.ts';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): void {
  execFileSync(command, args, { cwd, env, stdio: 'inherit' });
}

/** The fixture's sources, without what the repository's own build put there. */
function copyFixture(target: CompatTarget): string {
  const dir = path.join(WORK_DIR, target.label);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const entry of ['pages', 'lib', 'types', 'next.config.js', 'tsconfig.json']) {
    cpSync(path.join(FIXTURE_SOURCE_DIR, entry), path.join(dir, entry), { recursive: true });
  }
  return dir;
}

function writeManifest(dir: string, target: CompatTarget, tarball: string): void {
  const reactTypes = target.react.startsWith('^18') ? '^18.2.0' : '^19.0.0';
  const manifest = {
    name: `stock-app-${target.label}`,
    private: true,
    dependencies: {
      next: target.next,
      react: target.react,
      'react-dom': target.react,
      'next-auth': target.nextAuth,
      swr: COMPAT_SHARED.swr,
      'cookies-next': COMPAT_SHARED.cookiesNext,
      [TOOLKIT_NAME]: `file:${tarball}`,
    },
    devDependencies: {
      typescript: COMPAT_SHARED.typescript,
      '@types/node': COMPAT_SHARED.typesNode,
      '@types/react': reactTypes,
      '@types/react-dom': reactTypes,
    },
  };
  writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** A file that uses every entry's types, checked with the app's own TypeScript in both modes. */
function typeCheckDeclarations(dir: string): void {
  const consumer = `import type { NextApiRequest, NextApiResponse } from 'next';
import NextAuth, { type NextAuthOptions } from 'next-auth';
import { createSessionUpdater, withSessionCookieGuard, type SessionUpdate } from '${TOOLKIT_NAME}';
import { SessionSync, observeSessionResponses } from '${TOOLKIT_NAME}/client';
import { createSessionTestKit, TestCookieJar } from '${TOOLKIT_NAME}/testing';

const authOptions: NextAuthOptions = { providers: [], session: { strategy: 'jwt' } };
const sessions = createSessionUpdater(authOptions, { validatePatch: (patch) => ({ patch }) });
export const handler = withSessionCookieGuard(authOptions, NextAuth(authOptions));
export async function route(req: NextApiRequest, res: NextApiResponse): Promise<SessionUpdate['status']> {
  sessions.guard(req, res);
  return (await sessions.forRequest(req, res).update({ theme: 'dark' })).status;
}
export const client = [SessionSync, observeSessionResponses] as const;
export const jar: TestCookieJar = new TestCookieJar();
export const kit = createSessionTestKit(authOptions);
`;
  mkdirSync(path.join(dir, 'typecheck'), { recursive: true });
  writeFileSync(path.join(dir, 'typecheck', 'consumer.ts'), consumer);
  for (const strict of [true, false]) {
    const config = {
      compilerOptions: {
        strict,
        noEmit: true,
        skipLibCheck: false,
        target: 'es2022',
        module: 'esnext',
        moduleResolution: 'bundler',
        jsx: 'react-jsx',
        esModuleInterop: true,
        types: ['node'],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(path.join(dir, 'typecheck', 'tsconfig.json'), JSON.stringify(config, null, 2));
    const errors = ourTypeErrors(dir);
    console.log(`[matrix] ${path.basename(dir)}: the package's .d.ts under strict: ${strict}: ${errors.length} errors`);
    if (errors.length > 0) throw new Error(`type errors in the package's declarations or their use:\n${errors.join('\n')}`);
  }
}

/**
 * tsc's errors in the package's declarations and in the file that uses them. skipLibCheck is
 * off so that our `.d.ts` are checked, which also reports next's and next-auth's own
 * declarations (missing optional peers such as nodemailer): those are not ours to judge.
 */
function ourTypeErrors(dir: string): string[] {
  let output = '';
  try {
    execFileSync(process.execPath, [path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(dir, 'typecheck')], { cwd: dir, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    output = String((error as { stdout?: string }).stdout ?? '');
  }
  // `error TS…` without a file: the check itself could not run (a missing types package, a bad option).
  return output
    .split('\n')
    .filter((line) => line.startsWith(`node_modules/${TOOLKIT_NAME}/`) || line.startsWith('typecheck/') || line.startsWith('consumer.ts') || line.startsWith('error TS'));
}

function readCounts(): Counts {
  const file = path.join(ROOT, '.jest-results.json');
  if (!existsSync(file)) return { passed: 0, failed: 1, skipped: 0 };
  return JSON.parse(readFileSync(file, 'utf8')) as Counts;
}

/** The contract suite's stock-app tests against this version's build (jest's app project, no build of its own). */
function runContract(dir: string, target: CompatTarget): Counts {
  const tests = target.cookiesNextTested ? [...CONTRACT_TESTS, COOKIES_NEXT_TEST] : CONTRACT_TESTS;
  rmSync(path.join(ROOT, '.jest-results.json'), { force: true });
  try {
    run(process.execPath, [path.join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), ...tests, '--selectProjects', 'app', '-t', 'stock app'], ROOT, { ...process.env, STOCK_APP_DIR: dir });
  } catch {
    // the counts say what failed
  }
  return readCounts();
}

function proveTarget(target: CompatTarget, tarball: string): Counts {
  const started = Date.now();
  const dir = copyFixture(target);
  writeManifest(dir, target, tarball);
  console.log(`\n[matrix] ${target.label}: npm install (next ${target.next}, react ${target.react}, next-auth ${target.nextAuth})`);
  // Peers are checked wherever every package's peer ranges allow it (cookies-next 6 asks for next >= 15).
  const peers = target.cookiesNextTested ? [] : ['--legacy-peer-deps'];
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...peers], dir);
  const installed = JSON.parse(readFileSync(path.join(dir, 'node_modules', 'next', 'package.json'), 'utf8')) as { version: string };
  typeCheckDeclarations(dir);
  console.log(`[matrix] ${target.label}: next build (Next.js ${installed.version})`);
  run(process.execPath, [path.join(dir, 'node_modules', 'next', 'dist', 'bin', 'next'), 'build'], dir, { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' });
  const counts = runContract(dir, target);
  // A filter that matched nothing would pass with 0 tests: that proves nothing.
  if (counts.passed === 0) counts.failed += 1;
  console.log(`[matrix] ${target.label} (Next.js ${installed.version}): ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped in ${Math.round((Date.now() - started) / 1000)} s`);
  return counts;
}

function main(): void {
  const labels = process.argv.slice(2);
  const targets = labels.length > 0 ? COMPAT_MATRIX.filter((target) => labels.includes(target.label)) : COMPAT_MATRIX;
  const tarball = packToolkit();
  const total: Counts = { passed: 0, failed: 0, skipped: 0 };
  for (const target of targets) {
    let counts: Counts;
    try {
      counts = proveTarget(target, tarball);
    } catch (error) {
      console.error(`[matrix] ${target.label}: ${(error as Error).message}`);
      counts = { passed: 0, failed: 1, skipped: 0 };
    }
    total.passed += counts.passed;
    total.failed += counts.failed;
    total.skipped += counts.skipped;
  }
  writeFileSync(RESULTS_FILE, `${JSON.stringify(total)}\n`);
  console.log(`\n[matrix] ${targets.map((target) => target.label).join(', ')}: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  if (total.failed > 0) process.exitCode = 1;
}

main();
