import type { NextAuthOptions } from 'next-auth';
import { decode as nextAuthDecode, encode as nextAuthEncode, type JWT, type JWTDecodeParams, type JWTEncodeParams, type JWTOptions } from 'next-auth/jwt';
import { createSessionCodec, type SessionCodec } from './codec';

export interface OpenedToken {
  payload: JWT;
  /** Opened with a previous secret: re-issue it under the current one. */
  rotated: boolean;
}

/** How the toolkit turns claims into a cookie value and back, whatever does the crypto. */
export interface TokenCodec {
  encode(token: JWT, maxAgeSeconds: number): Promise<string> | string;
  decode(value: string): Promise<OpenedToken | null> | OpenedToken | null;
}

type JwtFunctions = Pick<JWTOptions, 'encode' | 'decode'>;

/** next-auth's default for `jwt.maxAge` and `session.maxAge` (core/init.js). */
export const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

/**
 * Marks the functions made by `createSessionJwt`, so the updater uses the codec behind them
 * directly (synchronous, and it knows which secret opened a token). On the functions, not
 * the object: it survives `jwt: { decode: made.decode, ... }` as well as a spread.
 */
const CODEC = Symbol.for('next-session-toolkit.codec');
type Tagged<F> = F & { [CODEC]?: TokenCodec };

/** Our codec (next-auth's format, key derived once per secret) over a secret list: current first. */
export function createFastTokenCodec(secrets: readonly string[], clock?: () => number): TokenCodec {
  const codec: SessionCodec = createSessionCodec(secrets, clock);
  return {
    encode: (token, maxAgeSeconds) => codec.encode(token, maxAgeSeconds),
    async decode(value) {
      const opened = await codec.decode(value);
      return opened && { payload: opened.payload, rotated: opened.secretIndex > 0 };
    },
  };
}

/**
 * `authOptions.jwt.encode` / `decode` for next-auth's own paths (sign-in, `GET
 * /api/auth/session`, `getServerSession`), on the toolkit's codec: the derived key is
 * cached and tokens under `previousSecrets` are still accepted. Optional: without it,
 * next-auth and the toolkit both use next-auth's format with `authOptions.secret`.
 * @example
 * jwt: createSessionJwt({ secret: process.env.NEXTAUTH_SECRET!, previousSecrets: [oldSecret] }),
 */
export function createSessionJwt(input: {
  secret: string;
  previousSecrets?: readonly string[];
  /** Applied to every encode (e.g. `encodeWithinBudget`); defaults to the plain codec. */
  wrapEncode?: (encode: TokenCodec['encode']) => TokenCodec['encode'];
}): JwtFunctions {
  const fast = createFastTokenCodec([input.secret, ...(input.previousSecrets ?? [])]);
  const codec: TokenCodec = { encode: input.wrapEncode ? input.wrapEncode(fast.encode) : fast.encode, decode: fast.decode };
  const encode: Tagged<JWTOptions['encode']> = async ({ token, maxAge }: JWTEncodeParams) => codec.encode(token ?? {}, maxAge ?? DEFAULT_MAX_AGE_SECONDS);
  const decode: Tagged<JWTOptions['decode']> = async ({ token }: JWTDecodeParams) => (token ? ((await codec.decode(token))?.payload ?? null) : null);
  encode[CODEC] = codec;
  decode[CODEC] = codec;
  return { encode, decode };
}

/** The app's own `jwt.encode` / `jwt.decode`, called with the arguments next-auth passes (`{ ...jwt, token }`). */
function createAppTokenCodec(jwt: JWTOptions): TokenCodec {
  return {
    encode: async (token, maxAgeSeconds) => jwt.encode({ ...jwt, token, maxAge: maxAgeSeconds }),
    async decode(value) {
      try {
        const payload = await jwt.decode({ ...jwt, token: value });
        return payload ? { payload, rotated: false } : null;
      } catch {
        return null; // next-auth treats a throwing decode as an unreadable session too
      }
    },
  };
}

/**
 * The codec next-auth would use for these options: the app's `jwt.encode`/`decode` when it
 * overrides them (the toolkit's own `createSessionJwt` recognised and used directly),
 * otherwise the fast codec in next-auth's format over the secret and `previousSecrets`.
 */
export function resolveTokenCodec(
  authOptions: NextAuthOptions,
  secret: string,
  previousSecrets: readonly string[],
  clock?: () => number,
): TokenCodec {
  const custom = authOptions.jwt;
  if (!custom?.encode && !custom?.decode) return createFastTokenCodec([secret, ...previousSecrets], clock);
  // As next-auth's init: its own functions where the app overrides only one of them.
  const app = createAppTokenCodec({ secret, maxAge: DEFAULT_MAX_AGE_SECONDS, encode: nextAuthEncode, decode: nextAuthDecode, ...custom });
  const taggedEncode = (custom.encode as Tagged<JWTOptions['encode']> | undefined)?.[CODEC];
  const taggedDecode = (custom.decode as Tagged<JWTOptions['decode']> | undefined)?.[CODEC];
  return { encode: taggedEncode?.encode ?? app.encode, decode: taggedDecode?.decode ?? app.decode };
}
