/**
 * Our codec (lib/session/codec.ts) against next-auth/jwt's encode/decode on the same
 * realistic token and secret, in one process. Within a round the contenders alternate in
 * short slices, and rounds alternate which goes first, so drift (turbo, GC, a noisy
 * neighbour) hits both alike.
 */
import { randomBytes } from 'node:crypto';
import { decode as nextAuthDecode, encode as nextAuthEncode, type JWT } from 'next-auth/jwt';
import { createSessionCodec } from '../lib/session/codec';
import { median } from './stats';
import { realisticClaims } from './token-fixture';

export const CODEC_OPS = ['encode', 'decode', 'encode+decode'] as const;
export type CodecOp = (typeof CODEC_OPS)[number];
type Contender = 'ours' | 'next-auth';
type Runner = (iterations: number) => Promise<void>;

export interface CodecOpResult {
  op: CodecOp;
  iterationsPerSlice: Record<Contender, number>;
  /** Median over rounds. */
  opsPerSecond: Record<Contender, number>;
  /** Per-round ours/next-auth ratios of wall-clock ops/s; the reported figure is their median. */
  ratios: number[];
  medianRatio: number;
  /** The same by CPU time: less sensitive to other processes taking the cores. */
  medianCpuRatio: number;
}

export interface CodecBenchResult {
  rounds: number;
  blockMs: number;
  tokenChars: number;
  claimsJsonBytes: number;
  results: CodecOpResult[];
}

export interface CodecBenchOptions {
  rounds: number;
  /** Wall time of one contender's block of one op in one round (in SLICES slices). */
  blockMs: number;
}

const MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
/** Each round's block is cut into slices that alternate A B A B ..., so a burst of noise from elsewhere hits both. */
export const SLICES = 5;
let sink = 0; // keeps the results observable so no work is optimised away

function createRunners(secret: string, claims: JWT, token: string): Record<Contender, Record<CodecOp, Runner>> {
  const codec = createSessionCodec([secret]);
  return {
    // Ours is synchronous, so the loop is too. The app reaches it through createFastTokenCodec
    // (lib/session/token-codec.ts), a thin wrapper that the updater awaits: the crypto is this.
    ours: {
      encode: async (n) => {
        for (let i = 0; i < n; i += 1) sink += codec.encode(claims, MAX_AGE_SECONDS).length;
      },
      decode: async (n) => {
        for (let i = 0; i < n; i += 1) sink += codec.decode(token)?.secretIndex ?? 1;
      },
      'encode+decode': async (n) => {
        for (let i = 0; i < n; i += 1) sink += codec.decode(codec.encode(claims, MAX_AGE_SECONDS))?.secretIndex ?? 1;
      },
    },
    'next-auth': {
      encode: async (n) => {
        for (let i = 0; i < n; i += 1) sink += (await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS })).length;
      },
      decode: async (n) => {
        for (let i = 0; i < n; i += 1) sink += (await nextAuthDecode({ token, secret })) ? 0 : 1;
      },
      'encode+decode': async (n) => {
        for (let i = 0; i < n; i += 1) {
          const encoded = await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS });
          sink += (await nextAuthDecode({ token: encoded, secret })) ? 0 : 1;
        }
      },
    },
  };
}

interface Elapsed {
  wallMs: number;
  /** CPU time of the whole process (every thread, so next-auth's HKDF on the libuv pool counts). */
  cpuMs: number;
}

async function measure(runner: Runner, iterations: number): Promise<Elapsed> {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  await runner(iterations);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const used = process.cpuUsage(cpu);
  return { wallMs, cpuMs: (used.user + used.system) / 1000 };
}

/** Iterations that take about `targetMs` (doubling until a 50 ms sample, then scaling). */
async function calibrate(runner: Runner, targetMs: number): Promise<number> {
  let iterations = 16;
  let elapsed = (await measure(runner, iterations)).wallMs;
  while (elapsed < 50) {
    iterations *= 2;
    elapsed = (await measure(runner, iterations)).wallMs;
  }
  return Math.max(1, Math.round((iterations * targetMs) / elapsed));
}

/** Both directions must read each other's tokens, or the comparison is not like for like. */
async function assertInteroperable(secret: string, claims: JWT): Promise<string> {
  const codec = createSessionCodec([secret]);
  const ours = codec.encode(claims, MAX_AGE_SECONDS);
  const theirs = await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS });
  const readByThem = await nextAuthDecode({ token: ours, secret });
  const readByUs = codec.decode(theirs)?.payload;
  if (JSON.stringify(readByThem?.cart) !== JSON.stringify(claims.cart) || readByUs?.email !== claims.email) {
    throw new Error('codec benchmark: our tokens and next-auth tokens do not read each other');
  }
  return ours;
}

type Rates = Record<'wall' | 'cpu', Record<Contender, number>>;

/** One round of one op: SLICES short blocks per contender, alternating A B A B ..., summed; ops per wall and per CPU second. */
async function measureRound(runners: Record<Contender, Runner>, iterations: Record<Contender, number>, order: Contender[]): Promise<Rates> {
  const spent: Record<Contender, Elapsed> = { ours: { wallMs: 0, cpuMs: 0 }, 'next-auth': { wallMs: 0, cpuMs: 0 } };
  for (let slice = 0; slice < SLICES; slice += 1) {
    for (const contender of order) {
      const elapsed = await measure(runners[contender], iterations[contender]);
      spent[contender] = { wallMs: spent[contender].wallMs + elapsed.wallMs, cpuMs: spent[contender].cpuMs + elapsed.cpuMs };
    }
  }
  const rate = (contender: Contender, key: keyof Elapsed) => ((iterations[contender] * SLICES) / spent[contender][key]) * 1000;
  return {
    wall: { ours: rate('ours', 'wallMs'), 'next-auth': rate('next-auth', 'wallMs') },
    cpu: { ours: rate('ours', 'cpuMs'), 'next-auth': rate('next-auth', 'cpuMs') },
  };
}

export async function runCodecBench(options: CodecBenchOptions, log: (line: string) => void): Promise<CodecBenchResult> {
  const secret = randomBytes(32).toString('base64');
  const claims = realisticClaims(10);
  const token = await assertInteroperable(secret, claims);
  const runners = createRunners(secret, claims, token);
  const contenders: Contender[] = ['ours', 'next-auth'];
  const runnersOf = (op: CodecOp) => ({ ours: runners.ours[op], 'next-auth': runners['next-auth'][op] });

  const iterations = {} as Record<CodecOp, Record<Contender, number>>;
  for (const op of CODEC_OPS) {
    const sliceMs = options.blockMs / SLICES;
    iterations[op] = { ours: await calibrate(runners.ours[op], sliceMs), 'next-auth': await calibrate(runners['next-auth'][op], sliceMs) };
  }

  const samples = Object.fromEntries(CODEC_OPS.map((op) => [op, [] as Rates[]])) as Record<CodecOp, Rates[]>;
  for (let round = 0; round < options.rounds; round += 1) {
    const order = round % 2 === 0 ? contenders : [...contenders].reverse();
    for (const op of CODEC_OPS) samples[op].push(await measureRound(runnersOf(op), iterations[op], order));
    log(`  codec round ${round + 1}/${options.rounds}`);
  }

  const results = CODEC_OPS.map((op): CodecOpResult => {
    const rounds = samples[op];
    const ratios = rounds.map((round) => round.wall.ours / round.wall['next-auth']);
    return {
      op,
      iterationsPerSlice: iterations[op],
      opsPerSecond: { ours: median(rounds.map((round) => round.wall.ours)), 'next-auth': median(rounds.map((round) => round.wall['next-auth'])) },
      ratios,
      medianRatio: median(ratios),
      medianCpuRatio: median(rounds.map((round) => round.cpu.ours / round.cpu['next-auth'])),
    };
  });
  if (sink === -1) log('unreachable'); // reads the sink once
  return {
    rounds: options.rounds,
    blockMs: options.blockMs,
    tokenChars: token.length,
    claimsJsonBytes: Buffer.byteLength(JSON.stringify(claims)),
    results,
  };
}
