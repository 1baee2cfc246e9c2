import { assessToken, sessionStartedAt } from '@/lib/session/freshness';
import { createSessionStateReader } from '@/lib/session/state-cache';

const state = (overrides: Partial<{ sessionVersion: number; revokedBefore: number | null; disabled: boolean }> = {}) => ({
  sessionVersion: 3,
  revokedBefore: null,
  disabled: false,
  ...overrides,
});

describe('assessToken', () => {
  it('is fresh when the versions match', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: 1000 }, state())).toBe('fresh');
  });

  it('is stale when the store moved on (or the token has no version)', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 2, authTime: 1000 }, state())).toBe('stale');
    expect(assessToken({ sub: 'u', authTime: 1000 }, state())).toBe('stale');
  });

  it('has ended for a deleted or disabled user', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3 }, null)).toBe('ended');
    expect(assessToken({ sub: 'u', sessionVersion: 3 }, state({ disabled: true }))).toBe('ended');
  });

  it('has ended for a session that began before the revocation, not for one that began after', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: 999 }, state({ revokedBefore: 1000 }))).toBe('ended');
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: 1000 }, state({ revokedBefore: 1000 }))).toBe('fresh');
  });

  it('falls back to iat (seconds) when a token has no authTime', () => {
    expect(sessionStartedAt({ iat: 5 })).toBe(5000);
    expect(sessionStartedAt({})).toBe(0);
  });
});

describe('createSessionStateReader', () => {
  function countingLoad() {
    let reads = 0;
    const load = async () => {
      reads += 1;
      return state({ sessionVersion: reads });
    };
    return { load, reads: () => reads };
  }

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

    reader.remember('u', state({ sessionVersion: 42 }));

    expect(await reader.get('u')).toMatchObject({ sessionVersion: 42 });
    expect(reads()).toBe(0);
  });
});
