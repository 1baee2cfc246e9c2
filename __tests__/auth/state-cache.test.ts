import { createSessionStateReader } from '@/lib/auth/state-cache';

const state = (sessionVersion: number) => ({ sessionVersion, revokedBefore: null, disabled: false });

/** A store read that answers a higher version each time, and counts its calls. */
function countingLoad() {
  let reads = 0;
  const load = async () => {
    reads += 1;
    return state(reads);
  };
  return { load, reads: () => reads };
}

describe('createSessionStateReader', () => {
  it('reads the store on every call when ttlMs is 0', async () => {
    const { load, reads } = countingLoad();
    const reader = createSessionStateReader(load, 0);

    await reader.get('u');
    await reader.get('u');

    expect(reads()).toBe(2);
  });

  it('serves from the cache within the TTL and reads again after it', async () => {
    let now = 0;
    const { load, reads } = countingLoad();
    const reader = createSessionStateReader(load, 1000, () => now);

    await reader.get('u');
    now = 999;
    expect(await reader.get('u')).toMatchObject({ sessionVersion: 1 });
    now = 1000;
    expect(await reader.get('u')).toMatchObject({ sessionVersion: 2 });
    expect(reads()).toBe(2);
  });

  it('remembers a state read elsewhere, so the next get does not read', async () => {
    const { load, reads } = countingLoad();
    const reader = createSessionStateReader(load, 60_000);

    reader.remember('u', state(42));

    expect(await reader.get('u')).toMatchObject({ sessionVersion: 42 });
    expect(reads()).toBe(0);
  });
});
