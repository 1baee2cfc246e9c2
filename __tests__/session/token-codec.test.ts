import type { NextAuthOptions } from 'next-auth';
import { decode, encode, type JWT, type JWTDecodeParams, type JWTEncodeParams } from 'next-auth/jwt';
import { createFastTokenCodec, createSessionJwt, DEFAULT_MAX_AGE_SECONDS, resolveTokenCodec } from '@/packages/next-auth-server-session/src/token-codec';
import { TEST_SECRET } from '../helpers/test-env';

const PREVIOUS_SECRET = 'the-secret-before-rotation-0123456789abcdef';
const UNKNOWN_SECRET = 'a-secret-nobody-configured-0123456789abcdef';
const ANN: JWT = { sub: 'u1', name: 'Ann', email: 'ann@example.com' };

function optionsWith(jwt?: NextAuthOptions['jwt']): NextAuthOptions {
  return { providers: [], jwt };
}

describe("createSessionJwt: next-auth's token format", () => {
  const sessionJwt = createSessionJwt({ secret: TEST_SECRET });

  it("makes tokens that next-auth's decode opens, with exp = iat + maxAge", async () => {
    const token = await sessionJwt.encode({ token: ANN, secret: TEST_SECRET, maxAge: 3600 });

    const opened = await decode({ token, secret: TEST_SECRET });

    expect(opened).toMatchObject(ANN);
    expect(Number(opened?.exp) - Number(opened?.iat)).toBe(3600);
    expect(typeof opened?.jti).toBe('string');
  });

  it("opens tokens made by next-auth's encode", async () => {
    const token = await encode({ token: ANN, secret: TEST_SECRET });

    await expect(sessionJwt.decode({ token, secret: TEST_SECRET })).resolves.toMatchObject(ANN);
  });

  it("defaults to next-auth's 30 days when encode is given no maxAge", async () => {
    const opened = await decode({ token: await sessionJwt.encode({ token: ANN, secret: TEST_SECRET }), secret: TEST_SECRET });

    expect(Number(opened?.exp) - Number(opened?.iat)).toBe(DEFAULT_MAX_AGE_SECONDS);
  });

  it('answers null for no token, a token under an unknown secret and garbage', async () => {
    const foreign = await encode({ token: ANN, secret: UNKNOWN_SECRET });

    await expect(sessionJwt.decode({ token: undefined, secret: TEST_SECRET })).resolves.toBeNull();
    await expect(sessionJwt.decode({ token: foreign, secret: TEST_SECRET })).resolves.toBeNull();
    await expect(sessionJwt.decode({ token: 'not.a.token', secret: TEST_SECRET })).resolves.toBeNull();
  });

  it('opens tokens under a previous secret, and encodes under the current one only', async () => {
    const rotating = createSessionJwt({ secret: TEST_SECRET, previousSecrets: [PREVIOUS_SECRET] });
    const old = await encode({ token: ANN, secret: PREVIOUS_SECRET });

    await expect(rotating.decode({ token: old, secret: TEST_SECRET })).resolves.toMatchObject(ANN);
    const fresh = await rotating.encode({ token: ANN, secret: TEST_SECRET });
    await expect(decode({ token: fresh, secret: TEST_SECRET })).resolves.toMatchObject(ANN);
    await expect(decode({ token: fresh, secret: PREVIOUS_SECRET })).rejects.toThrow();
  });

  it('applies wrapEncode to every encode', async () => {
    const wrapped = createSessionJwt({ secret: TEST_SECRET, wrapEncode: (inner) => (token, maxAge) => inner({ ...token, wrapped: true }, maxAge) });

    const opened = await decode({ token: await wrapped.encode({ token: ANN, secret: TEST_SECRET }), secret: TEST_SECRET });

    expect(opened).toMatchObject({ ...ANN, wrapped: true });
  });
});

describe("resolveTokenCodec: createSessionJwt's codec is recognised", () => {
  const made = createSessionJwt({ secret: TEST_SECRET, previousSecrets: [PREVIOUS_SECRET] });

  it.each([
    ['spread into authOptions.jwt', { ...made }],
    ['with only decode picked from it', { decode: made.decode }],
    ['next to other jwt options', { maxAge: 60, encode: made.encode, decode: made.decode }],
  ])('reports a previous-secret token as rotated when %s', async (_label, jwt) => {
    const codec = resolveTokenCodec(optionsWith(jwt), TEST_SECRET, []);

    const opened = await codec.decode(await encode({ token: ANN, secret: PREVIOUS_SECRET }));

    expect(opened).toMatchObject({ payload: ANN, rotated: true });
  });

  it('reports a current-secret token as not rotated', async () => {
    const codec = resolveTokenCodec(optionsWith({ decode: made.decode }), TEST_SECRET, []);

    await expect(Promise.resolve(codec.decode(await encode({ token: ANN, secret: TEST_SECRET })))).resolves.toMatchObject({ rotated: false });
  });

  it("encodes through createSessionJwt's wrapEncode on the toolkit's path too", async () => {
    const wrapped = createSessionJwt({ secret: TEST_SECRET, wrapEncode: (inner) => (token, maxAge) => inner({ ...token, wrapped: true }, maxAge) });
    const codec = resolveTokenCodec(optionsWith({ ...wrapped }), TEST_SECRET, []);

    await expect(decode({ token: await codec.encode(ANN, 60), secret: TEST_SECRET })).resolves.toMatchObject({ wrapped: true });
  });

  it("uses the app's own encode when it sits next to createSessionJwt's decode, as next-auth does", async () => {
    const appEncode = jest.fn((params: JWTEncodeParams) => encode({ ...params, token: { ...params.token, encodedBy: 'app' } }));
    const codec = resolveTokenCodec(optionsWith({ encode: appEncode, decode: made.decode }), TEST_SECRET, []);

    const token = await codec.encode(ANN, 60);

    expect(appEncode).toHaveBeenCalled();
    await expect(decode({ token, secret: TEST_SECRET })).resolves.toMatchObject({ encodedBy: 'app' });
  });
});

describe("resolveTokenCodec: the app's own jwt.encode / jwt.decode", () => {
  it('calls the app encode with next-auth\'s arguments: { ...jwt, token, maxAge } with the secret', async () => {
    const appEncode = jest.fn((params: JWTEncodeParams) => encode(params));
    const codec = resolveTokenCodec(optionsWith({ encode: appEncode }), TEST_SECRET, []);

    await codec.encode(ANN, 3600);

    expect(appEncode).toHaveBeenCalledWith(expect.objectContaining({ token: ANN, secret: TEST_SECRET, maxAge: 3600 }));
  });

  it("falls back to next-auth's decode when the app overrides only encode", async () => {
    const appEncode = (params: JWTEncodeParams) => encode({ ...params, token: { ...params.token, encodedBy: 'app' } });
    const codec = resolveTokenCodec(optionsWith({ encode: appEncode }), TEST_SECRET, [PREVIOUS_SECRET]);

    await expect(Promise.resolve(codec.decode(await codec.encode(ANN, 60)))).resolves.toMatchObject({ payload: { ...ANN, encodedBy: 'app' }, rotated: false });
    // next-auth's decode knows one secret: the toolkit's previousSecrets do not apply to an app codec.
    await expect(Promise.resolve(codec.decode(await encode({ token: ANN, secret: PREVIOUS_SECRET })))).resolves.toBeNull();
  });

  it("falls back to next-auth's encode when the app overrides only decode", async () => {
    const appDecode = jest.fn((params: JWTDecodeParams) => decode(params));
    const codec = resolveTokenCodec(optionsWith({ decode: appDecode }), TEST_SECRET, []);

    const token = await codec.encode(ANN, 120);

    const opened = await decode({ token, secret: TEST_SECRET });
    expect(Number(opened?.exp) - Number(opened?.iat)).toBe(120);
    await expect(Promise.resolve(codec.decode(token))).resolves.toMatchObject({ payload: ANN, rotated: false });
    expect(appDecode).toHaveBeenCalledWith(expect.objectContaining({ token, secret: TEST_SECRET }));
  });

  it('answers null when the app decode throws or answers null', async () => {
    const token = await encode({ token: ANN, secret: TEST_SECRET });
    const throwing = resolveTokenCodec(optionsWith({ decode: async () => Promise.reject(new Error('bad token')) }), TEST_SECRET, []);
    const refusing = resolveTokenCodec(optionsWith({ decode: async () => null }), TEST_SECRET, []);

    await expect(Promise.resolve(throwing.decode(token))).resolves.toBeNull();
    await expect(Promise.resolve(refusing.decode(token))).resolves.toBeNull();
  });

  it("passes the app's other jwt options through to its functions", async () => {
    const appDecode = jest.fn((params: JWTDecodeParams) => decode(params));
    const codec = resolveTokenCodec(optionsWith({ decode: appDecode, maxAge: 77 }), TEST_SECRET, []);

    await codec.decode(await encode({ token: ANN, secret: TEST_SECRET }));

    expect(appDecode).toHaveBeenCalledWith(expect.objectContaining({ maxAge: 77 }));
  });
});

describe('resolveTokenCodec: without an override', () => {
  it("encodes in next-auth's format under the secret", async () => {
    const codec = resolveTokenCodec(optionsWith(), TEST_SECRET, []);

    await expect(decode({ token: await codec.encode(ANN, 60), secret: TEST_SECRET })).resolves.toMatchObject(ANN);
  });

  it('accepts previousSecrets and flags their tokens as rotated', async () => {
    const codec = resolveTokenCodec(optionsWith(), TEST_SECRET, [PREVIOUS_SECRET]);

    expect(await codec.decode(await encode({ token: ANN, secret: PREVIOUS_SECRET }))).toMatchObject({ payload: ANN, rotated: true });
    expect(await codec.decode(await encode({ token: ANN, secret: TEST_SECRET }))).toMatchObject({ payload: ANN, rotated: false });
    expect(await codec.decode(await encode({ token: ANN, secret: UNKNOWN_SECRET }))).toBeNull();
  });

  it("refuses a token past its exp, as next-auth's decode does", async () => {
    const now = Date.now();
    const codec = createFastTokenCodec([TEST_SECRET], () => now + 3600 * 1000);

    expect(await codec.decode(await encode({ token: ANN, secret: TEST_SECRET, maxAge: 60 }))).toBeNull();
  });
});
