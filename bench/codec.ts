/**
 * Our codec (lib/session/codec.ts) against next-auth/jwt's encode/decode on the same
 * realistic token and secret, on tinybench. Each round benches both contenders back to
 * back, the other one first in every other round, so drift (turbo, GC, a noisy neighbour)
 * hits both alike; the verdict is the median of the per-round ratios.
 */
import { randomBytes } from 'node:crypto';
import { decode as nextAuthDecode, encode as nextAuthEncode, type JWT } from 'next-auth/jwt';
import { Bench, hrtimeNow } from 'tinybench';
import { createSessionCodec } from '../lib/session/codec';
import { median } from './stats';
import { realisticClaims } from './token-fixture';

export const CODEC_OPS = ['encode', 'decode', 'encode+decode'] as const;
type CodecOp = (typeof CODEC_OPS)[number];
type Contender = 'ours' | 'next-auth';

export interface CodecOpResult {
  op: CodecOp;
  /** 1 / median latency, median over rounds. */
  opsPerSecond: Record<Contender, number>;
  /** Per round, next-auth's median latency / ours. */
  ratios: number[];
  medianRatio: number;
}

export interface CodecBenchResult {
  rounds: number;
  msPerTask: number;
  tokenChars: number;
  claimsJsonBytes: number;
  results: CodecOpResult[];
}

const MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
let sink = 0; // keeps the results observable so no work is optimised away

function createTasks(secret: string, claims: JWT, token: string): Record<CodecOp, Record<Contender, () => unknown>> {
  // Ours is synchronous; the app reaches it through createFastTokenCodec, a thin async wrapper.
  const codec = createSessionCodec([secret]);
  const theirEncode = () => nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS });
  const theirDecode = async (jwt: string) => (sink += (await nextAuthDecode({ token: jwt, secret })) ? 0 : 1);
  return {
    encode: { ours: () => (sink += codec.encode(claims, MAX_AGE_SECONDS).length), 'next-auth': async () => (sink += (await theirEncode()).length) },
    decode: { ours: () => (sink += codec.decode(token)?.secretIndex ?? 1), 'next-auth': () => theirDecode(token) },
    'encode+decode': { ours: () => (sink += codec.decode(codec.encode(claims, MAX_AGE_SECONDS))?.secretIndex ?? 1), 'next-auth': async () => theirDecode(await theirEncode()) },
  };
}

/** Both directions must read each other's tokens, or the comparison is not like for like. */
async function assertInteroperable(secret: string, claims: JWT): Promise<string> {
  const codec = createSessionCodec([secret]);
  const ours = codec.encode(claims, MAX_AGE_SECONDS);
  const readByThem = await nextAuthDecode({ token: ours, secret });
  const readByUs = codec.decode(await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS }))?.payload;
  if (JSON.stringify(readByThem?.cart) !== JSON.stringify(claims.cart) || readByUs?.email !== claims.email) {
    throw new Error('codec benchmark: our tokens and next-auth tokens do not read each other');
  }
  return ours;
}

/** One round of one op: both contenders on one tinybench, in `order`; median latency (ms) of each. */
async function benchRound(tasks: Record<Contender, () => unknown>, order: Contender[], msPerTask: number): Promise<Record<Contender, number>> {
  const bench = new Bench({ time: msPerTask, warmupTime: msPerTask / 4, now: hrtimeNow });
  for (const contender of order) bench.add(contender, tasks[contender]);
  await bench.run();
  const latency = (name: Contender) => bench.getTask(name)?.result?.latency.p50 ?? NaN;
  return { ours: latency('ours'), 'next-auth': latency('next-auth') };
}

export async function runCodecBench(options: { rounds: number; msPerTask: number }, log: (line: string) => void): Promise<CodecBenchResult> {
  const secret = randomBytes(32).toString('base64');
  const claims = realisticClaims(10);
  const token = await assertInteroperable(secret, claims);
  const tasks = createTasks(secret, claims, token);
  const rounds = CODEC_OPS.map(() => [] as Record<Contender, number>[]);
  for (let round = 0; round < options.rounds; round += 1) {
    const order: Contender[] = round % 2 === 0 ? ['ours', 'next-auth'] : ['next-auth', 'ours'];
    for (const [index, op] of CODEC_OPS.entries()) rounds[index]?.push(await benchRound(tasks[op], order, options.msPerTask));
    log(`  codec round ${round + 1}/${options.rounds}`);
  }
  const results = CODEC_OPS.map((op, index): CodecOpResult => {
    const latencies = rounds[index] ?? [];
    const ratios = latencies.map((round) => round['next-auth'] / round.ours);
    const opsPerSecond = (name: Contender) => 1000 / median(latencies.map((round) => round[name]));
    return { op, opsPerSecond: { ours: opsPerSecond('ours'), 'next-auth': opsPerSecond('next-auth') }, ratios, medianRatio: median(ratios) };
  });
  if (sink === -1) log('unreachable'); // reads the sink once
  return { ...options, tokenChars: token.length, claimsJsonBytes: Buffer.byteLength(JSON.stringify(claims)), results };
}
