import { assessToken } from '../../lib/auth/freshness';
import { createSessionStateReader } from '../../lib/auth/state-cache';
import type { SessionState, Store } from '../../lib/db';

export type SessionCheckTimings = Record<'uncached' | 'cached', number[]>;

/**
 * What the per-request session check costs (a state read + `assessToken`): uncached (one
 * store read) against a cache hit, one of each per round, interleaved. Microseconds per
 * check; the first tenth of the rounds is warm-up and dropped. Needs the demo user alice.
 */
export async function timeSessionChecks(store: Store, rounds: number): Promise<SessionCheckTimings> {
  const user = await store.findUserByEmail('alice@example.com');
  if (!user) throw new Error('no demo user alice: seed the store first');
  const token = { sub: user.id, sessionVersion: user.sessionVersion, sessionEpoch: user.sessionEpoch, authTime: Date.now() };
  const readers = {
    uncached: createSessionStateReader<SessionState>((id) => store.getSessionState(id), 0),
    cached: createSessionStateReader<SessionState>((id) => store.getSessionState(id), 60_000),
  };
  const timings: SessionCheckTimings = { uncached: [], cached: [] };
  for (let round = 0; round < rounds; round += 1) {
    for (const name of ['uncached', 'cached'] as const) {
      const started = process.hrtime.bigint();
      const verdict = assessToken(token, await readers[name].get(user.id));
      if (round >= rounds / 10) timings[name].push(Number(process.hrtime.bigint() - started) / 1000);
      if (verdict !== 'fresh') throw new Error(`unexpected verdict ${verdict}`);
    }
  }
  return timings;
}
