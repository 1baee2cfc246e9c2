import { createSuccessorSeal } from '@/packages/next-auth-server-session/src/successor-seal';
import { TEST_SECRET } from '../helpers/test-env';

const START_MS = Date.UTC(2030, 0, 1);
const TOKENS = { accessToken: 'at_secret-access', refreshToken: 'rt_secret-refresh', accessTokenExpiresAt: START_MS / 1000 + 300 };
const OTHER_SECRET = 'another-secret-that-is-long-enough-for-the-check-9876543210';

let nowMs: number;
const clock = () => nowMs;
beforeEach(() => {
  nowMs = START_MS;
});

describe('createSuccessorSeal', () => {
  it('opens what it sealed for the same key', async () => {
    const seal = createSuccessorSeal(TEST_SECRET, clock);

    expect(await seal.open('key-a', await seal.seal('key-a', TOKENS, 60))).toEqual({ tokens: TOKENS, expired: false });
  });

  it('seals into a compact JWE that shows neither token', async () => {
    const sealed = await createSuccessorSeal(TEST_SECRET, clock).seal('key-a', TOKENS, 60);

    expect(sealed.split('.')).toHaveLength(5);
    expect(sealed).not.toContain('secret-access');
    expect(Buffer.from(sealed.split('.')[0]!, 'base64url').toString()).toBe('{"alg":"dir","enc":"A256GCM"}');
  });

  it('opens in another instance with the same secret', async () => {
    const sealed = await createSuccessorSeal(TEST_SECRET, clock).seal('key-a', TOKENS, 60);

    expect(await createSuccessorSeal(TEST_SECRET, clock).open('key-a', sealed)).toEqual({ tokens: TOKENS, expired: false });
  });

  it('does not open under another key (a row copied to another refresh token)', async () => {
    const seal = createSuccessorSeal(TEST_SECRET, clock);

    expect(await seal.open('key-b', await seal.seal('key-a', TOKENS, 60))).toBeNull();
  });

  it('reports it expired once its TTL has passed (a store may keep it longer)', async () => {
    const seal = createSuccessorSeal(TEST_SECRET, clock);
    const sealed = await seal.seal('key-a', TOKENS, 60);

    nowMs = START_MS + 59_999;
    const during = await seal.open('key-a', sealed);
    nowMs = START_MS + 60_000;
    const after = await seal.open('key-a', sealed);

    expect([during?.expired, after?.expired]).toEqual([false, true]);
  });

  it('does not open under another secret, or tampered, or not a JWE at all', async () => {
    const sealed = await createSuccessorSeal(TEST_SECRET, clock).seal('key-a', TOKENS, 60);
    const parts = sealed.split('.');
    parts[3] = `${parts[3]!.slice(0, -2)}${parts[3]!.endsWith('AA') ? 'BA' : 'AA'}`;

    expect(await createSuccessorSeal(OTHER_SECRET, clock).open('key-a', sealed)).toBeNull();
    expect(await createSuccessorSeal(TEST_SECRET, clock).open('key-a', parts.join('.'))).toBeNull();
    expect(await createSuccessorSeal(TEST_SECRET, clock).open('key-a', 'not-a-jwe')).toBeNull();
  });

  it('uses a key of its own without a secret, which no other seal opens', async () => {
    const own = createSuccessorSeal(null, clock);
    const sealed = await own.seal('key-a', TOKENS, 60);

    expect(await own.open('key-a', sealed)).toEqual({ tokens: TOKENS, expired: false });
    expect(await createSuccessorSeal(null, clock).open('key-a', sealed)).toBeNull();
  });
});
