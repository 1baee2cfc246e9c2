import type { JWT } from 'next-auth/jwt';
import { trimClaims } from '@/lib/auth/claims';
import { countChunks, MAX_CHUNKS } from '@/lib/session/chunks';
import { createSessionConfig } from '@/lib/session/config';
import { TEST_SECRET } from '../helpers/test-env';

const FROZEN_MS = Date.UTC(2030, 0, 1);

function claimsWithCart(lineCount: number): JWT {
  const items = Array.from({ length: lineCount }, (_, index) => ({ productId: index + 1, quantity: (index % 9) + 1 }));
  return {
    sub: 'user-1',
    id: 'user-1',
    name: 'Alice',
    email: 'alice@example.com',
    role: 'member',
    preferences: { theme: 'dark', locale: 'en-GB' },
    sessionVersion: 3,
    cart: { count: lineCount, totalCents: 123_456, items },
  };
}

function createConfig(warn: (message: string) => void) {
  return createSessionConfig({
    secrets: [TEST_SECRET],
    secure: false,
    maxAgeSeconds: 3600,
    trimClaims,
    clock: () => FROZEN_MS,
    warn,
  });
}

describe('createSessionConfig: cookie budget', () => {
  it('needs far more than MAX_CHUNKS chunks for the untrimmed 2000-line cart (the premise)', () => {
    const config = createConfig(jest.fn());

    expect(countChunks(config.codec.encode(claimsWithCart(2000), 3600))).toBeGreaterThan(MAX_CHUNKS);
  });

  it('fits a token with a 2000-line cart into MAX_CHUNKS chunks', () => {
    const config = createConfig(jest.fn());

    const token = config.encodeToken(claimsWithCart(2000));

    expect(MAX_CHUNKS).toBe(3);
    expect(countChunks(token)).toBeLessThanOrEqual(MAX_CHUNKS);
  });

  it('keeps the cart count and total but drops the items when trimming', () => {
    const config = createConfig(jest.fn());

    const payload = config.codec.decode(config.encodeToken(claimsWithCart(2000)))?.payload;

    expect(payload?.cart).toEqual({ count: 2000, totalCents: 123_456 });
    expect(payload?.cart).not.toHaveProperty('items');
  });

  it('keeps the other claims when trimming', () => {
    const config = createConfig(jest.fn());

    const payload = config.codec.decode(config.encodeToken(claimsWithCart(2000)))?.payload;

    expect(payload).toMatchObject({ sub: 'user-1', role: 'member', sessionVersion: 3, preferences: { theme: 'dark', locale: 'en-GB' } });
  });

  it('encodes the trimmed token with the session max age', () => {
    const config = createConfig(jest.fn());

    const payload = config.codec.decode(config.encodeToken(claimsWithCart(2000)))?.payload;

    expect(payload?.iat).toBe(FROZEN_MS / 1000);
    expect(payload?.exp).toBe(FROZEN_MS / 1000 + 3600);
  });

  it('warns exactly once across two over-budget encodes', () => {
    const warn = jest.fn();
    const config = createConfig(warn);

    config.encodeToken(claimsWithCart(2000));
    config.encodeToken(claimsWithCart(2500));

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('(budget 3)'));
  });

  it('keeps the items of a small cart and does not warn', () => {
    const warn = jest.fn();
    const config = createConfig(warn);

    const payload = config.codec.decode(config.encodeToken(claimsWithCart(3)))?.payload;

    expect(payload?.cart?.items).toEqual([
      { productId: 1, quantity: 1 },
      { productId: 2, quantity: 2 },
      { productId: 3, quantity: 3 },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });
});

describe('createSessionConfig: cookie', () => {
  it('resolves the cookie name and attributes from secure and domain', () => {
    const config = createSessionConfig({ secrets: [TEST_SECRET], secure: true, domain: '.example.com', maxAgeSeconds: 60 });

    expect(config.cookie).toEqual({
      name: '__Secure-next-auth.session-token',
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true, domain: '.example.com' },
    });
    expect(config.maxAgeSeconds).toBe(60);
  });
});
