import { execFileSync } from 'node:child_process';
import path from 'node:path';

/**
 * A PostgreSQL cluster of the fault tests' own (port 54339, its own state file), so that
 * stopping it mid-run cannot disturb the suites that share the main test server.
 */
const SCRIPT = path.resolve(__dirname, '..', '..', 'scripts', 'start-test-postgres.sh');
const env = { ...process.env, TEST_POSTGRES_STATE: '/tmp/app-fault-postgres.dir' };

function run(...args: string[]): string {
  return execFileSync('bash', [SCRIPT, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

/** Starts the cluster (synchronously, so a test file can do it before importing the app); returns its URL. */
export function startFaultPostgres(): string {
  return run('start', '54339').trim().split('\n').pop() ?? '';
}

/** An outage: the server stops (every connection drops), its data kept. */
export const stopServer = () => void run('pause');
export const restartServer = () => void run('resume');
export const removeFaultPostgres = () => void run('stop');
