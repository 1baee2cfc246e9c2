import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { decode, encode } from 'next-auth/jwt';
import { CodecConfigError, createSessionCodec } from '@/packages/next-auth-server-session/src/codec';
import { TEST_SECRET } from '../helpers/test-env';

const OTHER_SECRET = 'another-secret-that-is-long-enough-for-the-check-9876543210';
const OLD_SECRET = 'the-previous-secret-that-was-rotated-out-0123456789abcdef';
const NEW_SECRET = 'the-current-secret-after-the-rotation-0123456789abcdefgh';

/** 2030-01-01T00:00:00.500Z: a frozen instant, half a second in so flooring shows. */
const FROZEN_MS = Date.UTC(2030, 0, 1) + 500;
const FROZEN_SECONDS = Math.floor(FROZEN_MS / 1000);

/** A settable clock for the codec (milliseconds since the epoch). */
function frozenClock(startMs: number): { now: () => number; set: (ms: number) => void } {
  let current = startMs;
  return { now: () => current, set: (ms) => (current = ms) };
}

/** Flips one bit in the bytes of part `index` of a compact JWE (not a padding bit of the text). */
function tamperPart(token: string, index: number): string {
  const parts = token.split('.');
  const bytes = Buffer.from(parts[index] ?? '', 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  parts[index] = bytes.toString('base64url');
  return parts.join('.');
}

/**
 * An independent compact-JWE writer (next-auth's key derivation, AES-256-GCM, header as
 * AAD) so a test can authenticate a header or payload that the codec itself never makes.
 */
function forgeToken(secret: string, header: Record<string, unknown>, plaintext: string): string {
  const key = Buffer.from(hkdfSync('sha256', secret, '', 'NextAuth.js Generated Encryption Key', 32));
  const encodedHeader = Buffer.from(JSON.stringify(header)).toString('base64url');
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(encodedHeader, 'ascii'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [encodedHeader, '', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

const DIR_A256GCM = { alg: 'dir', enc: 'A256GCM' };

describe('createSessionCodec: compatibility with next-auth/jwt', () => {
  it("decodes a token made by next-auth's encode with the same secret", async () => {
    const token = await encode({ token: { sub: 'user-1', role: 'admin' }, secret: TEST_SECRET, maxAge: 3600 });

    const decoded = (await createSessionCodec([TEST_SECRET]).decode(token));

    expect(decoded?.payload).toMatchObject({ sub: 'user-1', role: 'admin' });
    expect(decoded?.secretIndex).toBe(0);
  });

  it("makes tokens that next-auth's decode opens with the same secret", async () => {
    const token = (await createSessionCodec([TEST_SECRET]).encode({ sub: 'user-2', email: 'b@example.com' }, 3600));

    const payload = await decode({ token, secret: TEST_SECRET });

    expect(payload).toMatchObject({ sub: 'user-2', email: 'b@example.com' });
  });

  it("makes tokens that next-auth's decode refuses once they have expired", async () => {
    const twoHoursAgo = Date.now() - 7_200_000;
    const token = (await createSessionCodec([TEST_SECRET], () => twoHoursAgo).encode({ sub: 'user-2' }, 3600));

    await expect(decode({ token, secret: TEST_SECRET })).rejects.toThrow(/exp/);
  });

  it("makes tokens that next-auth's decode refuses under another secret", async () => {
    const token = (await createSessionCodec([TEST_SECRET]).encode({ sub: 'user-3' }, 3600));

    await expect(decode({ token, secret: OTHER_SECRET })).rejects.toThrow();
  });
});

describe('createSessionCodec: claims', () => {
  it('round-trips sub, role and nested objects unchanged', async () => {
    const codec = createSessionCodec([TEST_SECRET]);
    const claims = {
      sub: 'user-4',
      role: 'member' as const,
      preferences: { theme: 'dark' as const, locale: 'de-DE' as const },
      cart: { count: 2, totalCents: 1998, items: [{ productId: 7, quantity: 2 }] },
    };

    const payload = (await codec.decode(await codec.encode(claims, 3600)))?.payload;

    expect(payload).toMatchObject(claims);
  });

  it('sets iat to the clock in whole seconds and exp to iat plus maxAgeSeconds', async () => {
    const clock = frozenClock(FROZEN_MS);
    const codec = createSessionCodec([TEST_SECRET], clock.now);

    const payload = (await codec.decode(await codec.encode({ sub: 'user-5' }, 600)))?.payload;

    expect(payload?.iat).toBe(FROZEN_SECONDS);
    expect(payload?.exp).toBe(FROZEN_SECONDS + 600);
  });

  it('overrides iat and exp carried over from an older token', async () => {
    const clock = frozenClock(FROZEN_MS);
    const codec = createSessionCodec([TEST_SECRET], clock.now);

    const payload = (await codec.decode(await codec.encode({ sub: 'user-6', iat: 1, exp: 2 }, 600)))?.payload;

    expect(payload?.iat).toBe(FROZEN_SECONDS);
    expect(payload?.exp).toBe(FROZEN_SECONDS + 600);
  });

  it('gives every encode a fresh jti', async () => {
    const codec = createSessionCodec([TEST_SECRET]);

    const first = (await codec.decode(await codec.encode({ sub: 'user-7' }, 3600)))?.payload.jti;
    const second = (await codec.decode(await codec.encode({ sub: 'user-7' }, 3600)))?.payload.jti;

    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toMatch(/^[0-9a-f-]{36}$/);
    expect(second).not.toBe(first);
  });

  it('produces a different token each time for the same claims (random IV)', async () => {
    const clock = frozenClock(FROZEN_MS);
    const codec = createSessionCodec([TEST_SECRET], clock.now);

    expect((await codec.encode({ sub: 'user-8' }, 60))).not.toBe((await codec.encode({ sub: 'user-8' }, 60)));
  });

  it('gives every token its own 96-bit IV, across refills of the IV pool (256 a refill)', async () => {
    const codec = createSessionCodec([TEST_SECRET]);
    const tokens = await Promise.all(Array.from({ length: 600 }, () => codec.encode({ sub: 'user-9' }, 60)));
    const ivs = tokens.map((token) => Buffer.from(token.split('.')[2] ?? '', 'base64url'));

    for (const iv of ivs) expect(iv).toHaveLength(12);
    expect(new Set(ivs.map((iv) => iv.toString('hex'))).size).toBe(tokens.length);
    for (const token of tokens.slice(250, 260)) expect((await decode({ token, secret: TEST_SECRET }))?.sub).toBe('user-9');
  });
});

describe('createSessionCodec: tampered and foreign tokens', () => {
  const codec = createSessionCodec([TEST_SECRET]);
  let token = '';
  beforeAll(async () => {
    token = await codec.encode({ sub: 'user-9', role: 'member' }, 3600);
  });

  it('opens the untampered token (the baseline the tamper tests change)', async () => {
    expect((await codec.decode(token))?.payload.sub).toBe('user-9');
  });

  it('returns null when a ciphertext byte is flipped', async () => {
    expect((await codec.decode(tamperPart(token, 3)))).toBeNull();
  });

  it('returns null when an authentication tag byte is flipped', async () => {
    expect((await codec.decode(tamperPart(token, 4)))).toBeNull();
  });

  it('returns null when an IV byte is flipped', async () => {
    expect((await codec.decode(tamperPart(token, 2)))).toBeNull();
  });

  it('returns null when the protected header is replaced by another supported header', async () => {
    const parts = token.split('.');
    parts[0] = Buffer.from(JSON.stringify({ enc: 'A256GCM', alg: 'dir' })).toString('base64url');

    expect((await codec.decode(parts.join('.')))).toBeNull();
  });

  it('returns null when the header names another algorithm', async () => {
    const parts = token.split('.');
    parts[0] = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A128GCM' })).toString('base64url');

    expect((await codec.decode(parts.join('.')))).toBeNull();
  });

  it('returns null when the encrypted-key part is not empty', async () => {
    const parts = token.split('.');
    parts[1] = 'AAAA';

    expect((await codec.decode(parts.join('.')))).toBeNull();
  });

  it('returns null for a token made under another secret', async () => {
    const foreign = (await createSessionCodec([OTHER_SECRET]).encode({ sub: 'user-9' }, 3600));

    expect((await codec.decode(foreign))).toBeNull();
  });
});

describe('createSessionCodec: authentic tokens it still refuses', () => {
  const clock = frozenClock(FROZEN_MS);
  const codec = createSessionCodec([TEST_SECRET], clock.now);
  const validClaims = JSON.stringify({ sub: 'user-20', iat: FROZEN_SECONDS, exp: FROZEN_SECONDS + 60 });

  it('opens a forged token with the standard header (the baseline for this group)', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, validClaims)))?.payload.sub).toBe('user-20');
  });

  it('returns null when the authenticated header names another content encryption', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, { alg: 'dir', enc: 'A128GCM' }, validClaims)))).toBeNull();
  });

  it('returns null when the authenticated header asks for compression', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, { ...DIR_A256GCM, zip: 'DEF' }, validClaims)))).toBeNull();
  });

  it('returns null when the authenticated header lists critical extensions', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, { ...DIR_A256GCM, crit: ['b64'] }, validClaims)))).toBeNull();
  });

  it('returns null when the plaintext is not JSON', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, 'not json')))).toBeNull();
  });

  it('returns null when the claims are a JSON array', async () => {
    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, '[{"sub":"user-20"}]')))).toBeNull();
  });

  it('returns null when exp is not a number', async () => {
    const claims = JSON.stringify({ sub: 'user-20', exp: String(FROZEN_SECONDS + 60) });

    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, claims)))).toBeNull();
  });

  it('returns null when nbf is more than 15 s in the future', async () => {
    const claims = JSON.stringify({ sub: 'user-20', nbf: FROZEN_SECONDS + 16, exp: FROZEN_SECONDS + 60 });

    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, claims)))).toBeNull();
  });

  it('opens a token whose nbf is within the 15 s tolerance', async () => {
    const claims = JSON.stringify({ sub: 'user-20', nbf: FROZEN_SECONDS + 15, exp: FROZEN_SECONDS + 60 });

    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, claims)))?.payload.sub).toBe('user-20');
  });

  it('returns null when iat is not a number', async () => {
    const claims = JSON.stringify({ sub: 'user-20', iat: 'yesterday', exp: FROZEN_SECONDS + 60 });

    expect((await codec.decode(forgeToken(TEST_SECRET, DIR_A256GCM, claims)))).toBeNull();
  });
});

describe('createSessionCodec: garbage input', () => {
  const codec = createSessionCodec([TEST_SECRET]);

  it.each([
    ['an empty string', ''],
    ['undefined', undefined],
    ['null', null],
    ['three dotted parts', 'a.b.c'],
    ['five empty parts', '....'],
    ['six parts', 'a.b.c.d.e.f'],
    ['non-base64 characters in every part', '%%%.!!!.***.###.@@@'],
    ['a valid header and non-base64 in the rest', `${Buffer.from('{"alg":"dir","enc":"A256GCM"}').toString('base64url')}..~~~.~~~.~~~`],
    ['a plain word', 'not-a-token'],
  ])('returns null without throwing for %s', async (_label, input) => {
    await expect(codec.decode(input)).resolves.toBeNull();
  });
});

describe('createSessionCodec: expiry with an injected clock', () => {
  const maxAgeSeconds = 60;

  async function encodeAtFrozenTime() {
    const clock = frozenClock(FROZEN_MS);
    const codec = createSessionCodec([TEST_SECRET], clock.now);
    const token = (await codec.encode({ sub: 'user-10' }, maxAgeSeconds));
    return { clock, codec, token, expMs: (FROZEN_SECONDS + maxAgeSeconds) * 1000 };
  }

  it('opens the token one second before exp', async () => {
    const { clock, codec, token, expMs } = await encodeAtFrozenTime();

    clock.set(expMs - 1000);

    expect((await codec.decode(token))?.payload.sub).toBe('user-10');
  });

  it("still opens the token just before exp plus next-auth's 15 s tolerance", async () => {
    const { clock, codec, token, expMs } = await encodeAtFrozenTime();

    clock.set(expMs + 15_000 - 1);

    expect((await codec.decode(token))?.payload.sub).toBe('user-10');
  });

  it('returns null once exp plus the 15 s tolerance is reached', async () => {
    const { clock, codec, token, expMs } = await encodeAtFrozenTime();

    clock.set(expMs + 15_000);

    expect((await codec.decode(token))).toBeNull();
  });

  it('returns null an hour after exp', async () => {
    const { clock, codec, token, expMs } = await encodeAtFrozenTime();

    clock.set(expMs + 3_600_000);

    expect((await codec.decode(token))).toBeNull();
  });

  it("returns null for a next-auth token whose exp is over 15 s in the codec's past", async () => {
    const token = await encode({ token: { sub: 'user-11' }, secret: TEST_SECRET, maxAge: 60 });
    const inTwoMinutes = Date.now() + 120_000;

    expect((await createSessionCodec([TEST_SECRET], () => inTwoMinutes).decode(token))).toBeNull();
  });
});

describe('createSessionCodec: secret rotation', () => {
  it('opens a token made under the previous secret and reports secretIndex 1', async () => {
    const token = (await createSessionCodec([OLD_SECRET]).encode({ sub: 'user-12' }, 3600));

    const decoded = (await createSessionCodec([NEW_SECRET, OLD_SECRET]).decode(token));

    expect(decoded?.payload.sub).toBe('user-12');
    expect(decoded?.secretIndex).toBe(1);
  });

  it('opens a token made under the current secret and reports secretIndex 0', async () => {
    const token = (await createSessionCodec([NEW_SECRET]).encode({ sub: 'user-13' }, 3600));

    const decoded = (await createSessionCodec([NEW_SECRET, OLD_SECRET]).decode(token));

    expect(decoded?.payload.sub).toBe('user-13');
    expect(decoded?.secretIndex).toBe(0);
  });

  it('encodes under the first secret only', async () => {
    const token = (await createSessionCodec([NEW_SECRET, OLD_SECRET]).encode({ sub: 'user-14' }, 3600));

    expect((await createSessionCodec([OLD_SECRET]).decode(token))).toBeNull();
    expect((await createSessionCodec([NEW_SECRET]).decode(token))?.payload.sub).toBe('user-14');
  });
});

describe('createSessionCodec: misconfiguration', () => {
  it('throws CodecConfigError with code ERR_CODEC_NO_SECRET when given no secret', async () => {
    let thrown: unknown;
    try {
      createSessionCodec([]);
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(CodecConfigError);
    expect(thrown).toMatchObject({ code: 'ERR_CODEC_NO_SECRET', name: 'CodecConfigError' });
  });

  it('throws CodecConfigError when one of the secrets is empty', async () => {
    expect(() => createSessionCodec([TEST_SECRET, ''])).toThrow(CodecConfigError);
  });
});
