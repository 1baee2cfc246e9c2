/**
 * Our codec (lib/session/codec.ts) against next-auth/jwt's encode/decode on the same
 * realistic token and secret: one encode and one decode of it per iteration, on tinybench.
 * Each round benches both contenders back to back, the other one first in every other
 * round, so drift (turbo, GC, a noisy neighbour) hits both alike; the verdict is the median
 * of the per-round ratios.
 */
import { randomBytes } from 'node:crypto';
import { decode as nextAuthDecode, encode as nextAuthEncode, type JWT } from 'next-auth/jwt';
import { Bench, hrtimeNow } from 'tinybench';
import { createSessionCodec } from '@/packages/next-auth-server-session/src/codec';
import { median } from '../support/measure/stats';
import { realisticClaims } from './token-fixture';

type Contender = 'ours' | 'next-auth';

export interface CodecBenchResult {
  rounds: number;
  msPerTask: number;
  tokenChars: number;
  claimsJsonBytes: number;
  /** Encode+decode round trips per second: 1 / median latency, median over rounds. */
  opsPerSecond: Record<Contender, number>;
  /** Per round, next-auth's median latency / ours; the verdict is their median. */
  ratios: number[];
  medianRatio: number;
}

const MAX_AGE_SECONDS = 30 * 24 * 60 * 60;
let sink = 0; // keeps the results observable so no work is optimised away

/** Both directions must read each other's tokens, or the comparison is not like for like. */
async function assertInteroperable(secret: string, claims: JWT): Promise<void> {
  const codec = createSessionCodec([secret]);
  const readByThem = await nextAuthDecode({ token: await codec.encode(claims, MAX_AGE_SECONDS), secret });
  const readByUs = (await codec.decode(await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS })))?.payload;
  if (JSON.stringify(readByThem?.cart) !== JSON.stringify(claims.cart) || readByUs?.email !== claims.email) {
    throw new Error('codec benchmark: our tokens and next-auth tokens do not read each other');
  }
}

function createRoundTrips(secret: string, claims: JWT): Record<Contender, () => unknown> {
  // Each round trip opens a token it has just made: the opened-token cache never hits here.
  const codec = createSessionCodec([secret]);
  return {
    ours: async () => {
      const token = await codec.encode(claims, MAX_AGE_SECONDS);
      sink += (await codec.decode(token))?.secretIndex ?? 1;
    },
    'next-auth': async () => {
      const token = await nextAuthEncode({ token: claims, secret, maxAge: MAX_AGE_SECONDS });
      sink += (await nextAuthDecode({ token, secret })) ? 0 : 1;
    },
  };
}

/** One round: both contenders on one tinybench, in `order`; the median latency (ms) of each. */
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
  await assertInteroperable(secret, claims);
  const tasks = createRoundTrips(secret, claims);
  const rounds: Record<Contender, number>[] = [];
  for (let round = 0; round < options.rounds; round += 1) {
    rounds.push(await benchRound(tasks, round % 2 === 0 ? ['ours', 'next-auth'] : ['next-auth', 'ours'], options.msPerTask));
  }
  const ratios = rounds.map((round) => round['next-auth'] / round.ours);
  const opsPerSecond = (name: Contender) => 1000 / median(rounds.map((round) => round[name]));
  if (sink === -1) log('unreachable'); // reads the sink once
  return {
    ...options,
    tokenChars: (await createSessionCodec([secret]).encode(claims, MAX_AGE_SECONDS)).length,
    claimsJsonBytes: Buffer.byteLength(JSON.stringify(claims)),
    opsPerSecond: { ours: opsPerSecond('ours'), 'next-auth': opsPerSecond('next-auth') },
    ratios,
    medianRatio: median(ratios),
  };
}
