import { assessToken, sessionStartedAt } from '@/lib/auth/freshness';

const state = (overrides: Partial<{ sessionVersion: number; sessionEpoch: number; revokedBefore: number | null; disabled: boolean }> = {}) => ({
  sessionVersion: 3,
  sessionEpoch: 0,
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

describe('assessToken: revocation by the store-issued epoch', () => {
  it('has ended for a session that began under an earlier epoch', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, sessionEpoch: 1, authTime: 5000 }, state({ sessionEpoch: 2 }))).toBe('ended');
  });

  it('ends a token whose epoch the store never reached (a database restored to an earlier state)', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, sessionEpoch: 5, authTime: 5000 }, state({ sessionVersion: 3, sessionEpoch: 2 }))).toBe('ended');
  });

  it('ignores the clocks for a token with an epoch: a session begun on a slow clock after the revocation lives', () => {
    // revokedBefore was written by an instance whose clock ran 10 s ahead of the signing one.
    const revoked = state({ sessionEpoch: 2, revokedBefore: 20_000 });

    expect(assessToken({ sub: 'u', sessionVersion: 3, sessionEpoch: 2, authTime: 12_000 }, revoked, 30_000)).toBe('fresh');
  });

  it("does not compare a token with an epoch with this instance's clock: a session begun on a clock 60 s ahead lives", () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, sessionEpoch: 0, authTime: 1_060_000 }, state(), 1_000_000)).toBe('fresh');
  });

  it('keeps the time rule for a token minted before epochs existed', () => {
    const revoked = state({ sessionEpoch: 1, revokedBefore: 1000 });

    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: 999 }, revoked)).toBe('ended');
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: 1000 }, revoked)).toBe('fresh');
  });
});

describe('assessToken: when the session claims to have begun', () => {
  const now = 1_700_000_000_000;
  const iat = now / 1000 - 60;

  it('has ended for a session that begins in the future, beyond 15 s of clock skew', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: now + 15_001 }, state(), now)).toBe('ended');
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: now + 15_000 }, state(), now)).toBe('fresh');
  });

  it('has ended for a session that began after its token was issued (iat), beyond 15 s', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, iat, authTime: iat * 1000 + 15_001 }, state(), now)).toBe('ended');
    expect(assessToken({ sub: 'u', sessionVersion: 3, iat, authTime: iat * 1000 + 15_000 }, state(), now)).toBe('fresh');
  });

  it('accepts a sign-in whose iat is the same instant rounded down to seconds', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, iat: Math.floor((now - 1) / 1000), authTime: now - 1 }, state(), now)).toBe('fresh');
  });

  it('has ended for a token without authTime whose iat lies in the future', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, iat: now / 1000 + 16 }, state(), now)).toBe('ended');
  });

  it('reads the clock when no time is given', () => {
    expect(assessToken({ sub: 'u', sessionVersion: 3, authTime: Date.now() + 60_000 }, state())).toBe('ended');
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
