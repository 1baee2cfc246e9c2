import type { JWT } from 'next-auth/jwt';
import { trimClaims } from '@/lib/auth/claims';
import { encodeWithinBudget } from '@/packages/next-auth-server-session/src/budget';
import { countChunks, MAX_CHUNKS, splitIntoChunks } from '@/packages/next-auth-server-session/src/chunks';
import { createFastTokenCodec, type TokenCodec } from '@/packages/next-auth-server-session/src/token-codec';
import { TEST_SECRET } from '../helpers/test-env';

const FROZEN_MS = Date.UTC(2030, 0, 1);
const MAX_AGE_SECONDS = 3600;

function claimsWithCart(lineCount: number, quantityOf = (index: number) => (index % 9) + 1): JWT {
  const items = Array.from({ length: lineCount }, (_, index) => ({ productId: index + 1, quantity: quantityOf(index) }));
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

/** The longest session cookie name next-auth uses (secure mode). */
const SECURE_NAME = '__Secure-next-auth.session-token';
const COOKIE_BUDGET_BYTES = 6144;

/** What a browser sends for the session: `name=value` of every chunk, joined by `; `. */
function cookieHeaderBytes(value: string, name = SECURE_NAME): number {
  return splitIntoChunks(name, value)
    .map((chunk) => `${chunk.name}=${chunk.value}`)
    .join('; ').length;
}

const codec: TokenCodec = createFastTokenCodec([TEST_SECRET], () => FROZEN_MS);

/** The app's budget: the default chunk count, with the cart lines as the part to drop. */
function budgetedEncode(warn: (message: string) => void = jest.fn()) {
  return encodeWithinBudget(codec.encode, { trimClaims }, warn);
}

async function payloadOf(value: string): Promise<JWT | undefined> {
  return (await codec.decode(value))?.payload;
}

describe('encodeWithinBudget: over budget', () => {
  it('needs far more than MAX_CHUNKS chunks for the untrimmed 2000-line cart (the premise)', async () => {
    expect(countChunks(await codec.encode(claimsWithCart(2000), MAX_AGE_SECONDS))).toBeGreaterThan(MAX_CHUNKS);
  });

  it('fits a token with a 2000-line cart into MAX_CHUNKS chunks', async () => {
    const value = await budgetedEncode()(claimsWithCart(2000), MAX_AGE_SECONDS);

    expect(MAX_CHUNKS).toBe(3);
    expect(countChunks(value)).toBeLessThanOrEqual(MAX_CHUNKS);
  });

  it('keeps the cart count and total but drops the items when trimming', async () => {
    const payload = await payloadOf(await budgetedEncode()(claimsWithCart(2000), MAX_AGE_SECONDS));

    expect(payload?.cart).toEqual({ count: 2000, totalCents: 123_456 });
    expect(payload?.cart).not.toHaveProperty('items');
  });

  it('keeps the other claims when trimming', async () => {
    const payload = await payloadOf(await budgetedEncode()(claimsWithCart(2000), MAX_AGE_SECONDS));

    expect(payload).toMatchObject({ sub: 'user-1', role: 'member', sessionVersion: 3, preferences: { theme: 'dark', locale: 'en-GB' } });
  });

  it('encodes the trimmed token with the max age it was given', async () => {
    const payload = await payloadOf(await budgetedEncode()(claimsWithCart(2000), MAX_AGE_SECONDS));

    expect(payload?.iat).toBe(FROZEN_MS / 1000);
    expect(payload?.exp).toBe(FROZEN_MS / 1000 + MAX_AGE_SECONDS);
  });

  it('warns exactly once across two over-budget encodes', async () => {
    const warn = jest.fn();
    const encode = budgetedEncode(warn);

    await encode(claimsWithCart(2000), MAX_AGE_SECONDS);
    await encode(claimsWithCart(2500), MAX_AGE_SECONDS);

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('(budget 3 chunks'));
  });

  it('counts against the budget it is given, not the default', async () => {
    const warn = jest.fn();
    const encode = encodeWithinBudget(codec.encode, { maxChunks: 1, trimClaims }, warn);

    const value = await encode(claimsWithCart(150), MAX_AGE_SECONDS);

    expect(countChunks(value)).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('(budget 1 chunks'));
  });

  it('keeps an over-budget token whole when there is nothing to trim, and still warns', async () => {
    const warn = jest.fn();
    const encode = encodeWithinBudget(codec.encode, {}, warn);

    const payload = await payloadOf(await encode(claimsWithCart(2000), MAX_AGE_SECONDS));

    expect(payload?.cart?.items).toHaveLength(2000);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('encodeWithinBudget: Cookie header bytes', () => {
  const fullCart = () => claimsWithCart(240, () => 99);

  it('needs more than 6 KB of Cookie header for an untrimmed 240-line cart of 99 each (the premise)', async () => {
    expect(cookieHeaderBytes(await codec.encode(fullCart(), MAX_AGE_SECONDS))).toBeGreaterThan(COOKIE_BUDGET_BYTES);
  });

  it('trims a 240-line cart of 99 each to at most 6144 bytes of Cookie header', async () => {
    const value = await budgetedEncode()(fullCart(), MAX_AGE_SECONDS);

    expect(cookieHeaderBytes(value)).toBeLessThanOrEqual(COOKIE_BUDGET_BYTES);
  });

  it('keeps the count and total of the trimmed full cart', async () => {
    const payload = await payloadOf(await budgetedEncode()(fullCart(), MAX_AGE_SECONDS));

    expect(payload?.cart).toEqual({ count: 240, totalCents: 123_456 });
  });

  it('counts the cookie name it is given against the byte budget', async () => {
    const value = await codec.encode(claimsWithCart(40), MAX_AGE_SECONDS);
    const maxCookieBytes = cookieHeaderBytes(value, 'short');
    const encodeAs = (cookieName: string) => encodeWithinBudget(codec.encode, { maxCookieBytes, cookieName, trimClaims }, jest.fn());

    expect((await payloadOf(await encodeAs('short')(claimsWithCart(40), MAX_AGE_SECONDS)))?.cart?.items).toHaveLength(40);
    expect((await payloadOf(await encodeAs('longer')(claimsWithCart(40), MAX_AGE_SECONDS)))?.cart).not.toHaveProperty('items');
  });

  it('counts every chunk name and the "; " between chunks', async () => {
    const value = await codec.encode(claimsWithCart(110), MAX_AGE_SECONDS);
    expect(countChunks(value)).toBe(2);
    const exact = cookieHeaderBytes(value);
    const encodeWithin = (maxCookieBytes: number) => encodeWithinBudget(codec.encode, { maxCookieBytes, trimClaims }, jest.fn());

    expect((await payloadOf(await encodeWithin(exact)(claimsWithCart(110), MAX_AGE_SECONDS)))?.cart?.items).toHaveLength(110);
    expect((await payloadOf(await encodeWithin(exact - 1)(claimsWithCart(110), MAX_AGE_SECONDS)))?.cart).not.toHaveProperty('items');
  });

  it('measures with the secure cookie name when it is given none', async () => {
    const value = await codec.encode(claimsWithCart(40), MAX_AGE_SECONDS);
    const encode = encodeWithinBudget(codec.encode, { maxCookieBytes: cookieHeaderBytes(value, SECURE_NAME) - 1, trimClaims }, jest.fn());

    expect((await payloadOf(await encode(claimsWithCart(40), MAX_AGE_SECONDS)))?.cart).not.toHaveProperty('items');
  });

  it('names the bytes and the byte budget in its warning', async () => {
    const warn = jest.fn();

    await budgetedEncode(warn)(fullCart(), MAX_AGE_SECONDS);

    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/\d+ bytes of Cookie header \(budget 3 chunks, 6144 bytes\)/));
  });
});

describe('encodeWithinBudget: within budget', () => {
  it('keeps the items of a small cart and does not warn', async () => {
    const warn = jest.fn();

    const payload = await payloadOf(await budgetedEncode(warn)(claimsWithCart(3), MAX_AGE_SECONDS));

    expect(payload?.cart?.items).toEqual([
      { productId: 1, quantity: 1 },
      { productId: 2, quantity: 2 },
      { productId: 3, quantity: 3 },
    ]);
    expect(warn).not.toHaveBeenCalled();
  });

  it('never calls trimClaims for a token that fits', async () => {
    const trim = jest.fn(trimClaims);

    await encodeWithinBudget(codec.encode, { trimClaims: trim }, jest.fn())(claimsWithCart(3), MAX_AGE_SECONDS);

    expect(trim).not.toHaveBeenCalled();
  });
});
