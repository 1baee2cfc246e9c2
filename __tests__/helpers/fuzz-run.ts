import { format } from 'node:util';
import fc from 'fast-check';

/**
 * Seeded, time-bounded property runs. One seed for every property (FUZZ_SEED, or the
 * default), printed with every run so a CI failure can be replayed locally:
 * `FUZZ_SEED=<seed> npx jest __tests__/fuzz/<file>`.
 * FUZZ_RUNS_SCALE multiplies the run counts and time limits (e.g. 10 for a long local soak).
 */

const DEFAULT_SEED = 20_250_607;

function readSeed(raw: string | undefined): number {
  if (raw === undefined || raw.trim() === '') return DEFAULT_SEED;
  const seed = Number(raw);
  if (!Number.isInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, got "${raw}"`);
  return seed | 0;
}

function readScale(raw: string | undefined): number {
  const scale = raw === undefined || raw.trim() === '' ? 1 : Number(raw);
  if (!(scale > 0)) throw new Error(`FUZZ_RUNS_SCALE must be a positive number, got "${raw}"`);
  return scale;
}

export const FUZZ_SEED = readSeed(process.env.FUZZ_SEED);
const RUNS_SCALE = readScale(process.env.FUZZ_RUNS_SCALE);

export interface FuzzBudget {
  numRuns: number;
  /** fast-check stops starting new cases after this long (the run still passes). */
  timeLimitMs: number;
}

/** Jest's timeout for a test that runs one property within `budget`, with room for shrinking. */
export function jestTimeoutFor(budget: FuzzBudget): number {
  return budget.timeLimitMs * RUNS_SCALE + 60_000;
}

export interface FuzzOutcome {
  name: string;
  numRuns: number;
  elapsedMs: number;
  interrupted: boolean;
}

/**
 * Runs an async property with the shared seed and prints one summary line. On failure it
 * throws fast-check's own report (seed, path, shrunk counterexample, the error) plus the
 * command that replays it.
 */
export async function checkProperty<Ts>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<Ts>,
  budget: FuzzBudget,
): Promise<FuzzOutcome> {
  const started = Date.now();
  const details = await fc.check(property, {
    seed: FUZZ_SEED,
    numRuns: Math.ceil(budget.numRuns * RUNS_SCALE),
    interruptAfterTimeLimit: budget.timeLimitMs * RUNS_SCALE,
    markInterruptAsFailure: false,
    includeErrorInReport: true,
  });
  const outcome = { name, numRuns: details.numRuns, elapsedMs: Date.now() - started, interrupted: details.interrupted };
  process.stderr.write(
    `[fuzz] ${name}: ${outcome.numRuns} cases in ${outcome.elapsedMs} ms (seed ${details.seed}` +
      `${details.interrupted ? ', stopped by the time limit' : ''})\n`,
  );
  if (details.failed) {
    const report = (await fc.asyncDefaultReportMessage(details)) ?? 'property failed';
    throw new Error(`${name}\n${report}\n\nReplay: FUZZ_SEED=${details.seed} npx jest __tests__/fuzz`);
  }
  return outcome;
}

/**
 * Counts unhandled promise rejections while installed (a listener also stops Node from
 * crashing the worker on one, so the test can name it instead).
 */
export function trackUnhandledRejections() {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => void reasons.push(reason);
  process.on('unhandledRejection', listener);
  return {
    /** The rejections seen since the last call. */
    take: () => reasons.splice(0),
    dispose: () => void process.off('unhandledRejection', listener),
  };
}

/**
 * Silences console.error/warn (next-auth logs every tampered cookie; the session code
 * warns on every refused patch) but keeps the recent lines for failure reports.
 */
export function captureConsole(keep = 40) {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      lines.push(`${level}: ${format(...args).slice(0, 400)}`);
      if (lines.length > keep) lines.shift();
    };
  const spies = [
    jest.spyOn(console, 'error').mockImplementation(record('error')),
    jest.spyOn(console, 'warn').mockImplementation(record('warn')),
  ];
  return {
    recent: () => [...lines],
    clear: () => void lines.splice(0),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Lets pending rejections surface (they are reported after the microtask queue drains). */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
