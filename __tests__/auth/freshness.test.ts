import { assessToken, sessionStartedAt } from '@/lib/auth/freshness';

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
});

describe('sessionStartedAt', () => {
  it('is the authTime carried over every re-issue', () => {
    expect(sessionStartedAt({ authTime: 1234, iat: 5 })).toBe(1234);
  });

  it('falls back to iat (seconds) when a token has no authTime', () => {
    expect(sessionStartedAt({ iat: 5 })).toBe(5000);
    expect(sessionStartedAt({})).toBe(0);
  });
});
