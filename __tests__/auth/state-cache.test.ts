import { createSessionStateReader, type SessionStateReader } from '@/lib/auth/state-cache';

const state = (sessionVersion: number) => ({ sessionVersion, sessionEpoch: 0, revokedBefore: null, disabled: false });

/** A store read that answers a higher version each time, and counts its calls. */
function countingLoad() {
  let reads = 0;
  const load = async () => {
    reads += 1;
    return state(reads);
  };
  return { load, reads: () => reads };
}

/** A store read the test answers by hand, so a forget() or a switch can land while it is in flight. */
function slowLoad() {
  const pending: Array<(value: ReturnType<typeof state>) => void> = [];
  const load = jest.fn(() => new Promise<ReturnType<typeof state>>((resolve) => pending.push(resolve)));
  const answer = (value: ReturnType<typeof state>) => pending.shift()?.(value);
  return { load, answer };
}

/**
 * Starts a read of 'u', runs `during` while it is in flight, lets it finish with version 1,
 * then reads again: resolves to the version the second read returned (2 when it went to
 * the store, 1 when the first read was cached over the event).
 */
async function versionAfterReadSpanning(reader: SessionStateReader<ReturnType<typeof state>>, answer: (value: ReturnType<typeof state>) => void, during: () => void) {
  const inFlight = reader.get('u');
  during();
  answer(state(1));
  await inFlight;
  const next = reader.get('u');
  answer(state(2));
  return (await next)?.sessionVersion;
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

    reader.remember('u', state(42), reader.mark());

    expect(await reader.get('u')).toMatchObject({ sessionVersion: 42 });
    expect(reads()).toBe(0);
  });

  describe('a read that began before forget()', () => {
    it.each([
      ['its user alone', 0],
      // The oldest stamp is evicted past 10,000: the read must still not be cached.
      ['so many users that its stamp was evicted', 10_001],
    ])('does not put the old state back into the cache (forgotten meanwhile: %s)', async (_label, others) => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000);

      const version = await versionAfterReadSpanning(reader, answer, () => {
        reader.forget('u');
        for (let other = 0; other < others; other += 1) reader.forget(`other-${other}`);
      });

      expect(version).toBe(2);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('still answers its own caller with what it read', async () => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000);
      const inFlight = reader.get('u');

      reader.forget('u');
      answer(state(1));

      expect(await inFlight).toMatchObject({ sessionVersion: 1 });
    });

    it('leaves reads of other users cached', async () => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000);
      const other = reader.get('v');

      reader.forget('u');
      answer(state(7));
      await other;

      expect(await reader.get('v')).toMatchObject({ sessionVersion: 7 });
      expect(load).toHaveBeenCalledTimes(1);
    });

    it('caches a read that began after the forget()', async () => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000);
      reader.forget('u');
      const read = reader.get('u');
      answer(state(3));
      await read;

      expect(await reader.get('u')).toMatchObject({ sessionVersion: 3 });
      expect(load).toHaveBeenCalledTimes(1);
    });
  });

  describe('a state read elsewhere (a re-projection) that began before forget()', () => {
    it('is not remembered, so a revocation made meanwhile is not undone', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 60_000);
      const readMark = reader.mark(); // the callbacks' user read starts...

      reader.forget('u'); // ...a revoke-all commits and forgets...
      reader.remember('u', state(1), readMark); // ...then the old row arrives

      await reader.get('u');
      expect(reads()).toBe(1);
    });

    it('is remembered when no forget() came since its mark', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 60_000);
      reader.forget('u');
      const readMark = reader.mark();

      reader.remember('u', state(5), readMark);

      expect(await reader.get('u')).toMatchObject({ sessionVersion: 5 });
      expect(reads()).toBe(0);
    });
  });
  describe('setCaching (the invalidation feed lost and regained)', () => {
    it('drops every cached state when caching is turned off', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 60_000);
      await reader.get('u');
      await reader.get('v');

      reader.setCaching(false);

      expect(await reader.get('u')).toMatchObject({ sessionVersion: 3 });
      expect(await reader.get('v')).toMatchObject({ sessionVersion: 4 });
      expect(reads()).toBe(4);
    });

    it('reads the store on every call while caching is off', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 60_000);
      reader.setCaching(false);

      await reader.get('u');
      await reader.get('u');
      reader.remember('u', state(9), reader.mark());
      await reader.get('u');

      expect(reads()).toBe(3);
      expect(reader.isCaching()).toBe(false);
    });

    it('can start off, and caches once turned on', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 60_000, Date.now, false);
      await reader.get('u');

      reader.setCaching(true);
      await reader.get('u');
      await reader.get('u');

      expect(reads()).toBe(2);
      expect(reader.isCaching()).toBe(true);
    });

    it('does not cache a read that began before caching was turned off', async () => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000);

      const version = await versionAfterReadSpanning(reader, answer, () => {
        reader.setCaching(false);
        reader.setCaching(true);
      });

      expect(version).toBe(2);
      expect(load).toHaveBeenCalledTimes(2);
    });

    it('does not cache a read that began while caching was off, after it is turned on', async () => {
      const { load, answer } = slowLoad();
      const reader = createSessionStateReader(load, 60_000, Date.now, false);
      const readWhileOff = reader.get('u'); // may predate a change whose notification was lost
      const markWhileOff = reader.mark();

      reader.setCaching(true);
      answer(state(1));
      await readWhileOff;
      reader.remember('v', state(1), markWhileOff);
      const next = reader.get('u');
      answer(state(2));

      expect(await next).toMatchObject({ sessionVersion: 2 });
      const other = reader.get('v');
      answer(state(5));
      expect(await other).toMatchObject({ sessionVersion: 5 });
      expect(load).toHaveBeenCalledTimes(3);
    });

    it('never caches with ttlMs 0, whatever the switch says', async () => {
      const { load, reads } = countingLoad();
      const reader = createSessionStateReader(load, 0);
      reader.setCaching(true);

      await reader.get('u');
      await reader.get('u');

      expect(reads()).toBe(2);
      expect(reader.isCaching()).toBe(false);
    });
  });
});
