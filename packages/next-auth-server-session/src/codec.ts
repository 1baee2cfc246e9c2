import { createSecretKey, hkdfSync, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { compactDecrypt, EncryptJWT } from 'jose';
import type { JWT } from 'next-auth/jwt';

/**
 * The session token codec, byte-compatible with `next-auth/jwt` v4 and built on the same
 * JWE library (jose): compact JWE, `{"alg":"dir","enc":"A256GCM"}`, key = HKDF-SHA256(secret,
 * salt "", info "NextAuth.js Generated Encryption Key", 32 bytes). next-auth derives that
 * key on every call, which is most of its cost; here it is derived once per secret and kept.
 */

const INFO = 'NextAuth.js Generated Encryption Key';
const PROTECTED_HEADER = { alg: 'dir', enc: 'A256GCM' } as const;
const CLOCK_TOLERANCE_SECONDS = 15; // next-auth's decode allows the same
const textDecoder = new TextDecoder('utf-8', { fatal: true });

export interface DecodedToken {
  payload: JWT;
  /** 0 when the current secret opened it; >0 for a previous secret (re-issue it). */
  secretIndex: number;
}

export interface SessionCodec {
  encode(claims: JWT, maxAgeSeconds: number): Promise<string>;
  decode(token: string | undefined | null): Promise<DecodedToken | null>;
}

/** Misuse of the codec (no secret): a programming error, not an outcome. */
export class CodecConfigError extends Error {
  readonly code = 'ERR_CODEC_NO_SECRET';
  constructor() {
    super('createSessionCodec needs at least one secret (NEXTAUTH_SECRET)');
    this.name = 'CodecConfigError';
  }
}

const keyCache = new Map<string, KeyObject>();

function deriveKey(secret: string): KeyObject {
  let key = keyCache.get(secret);
  if (!key) {
    key = createSecretKey(Buffer.from(hkdfSync('sha256', secret, '', INFO, 32)));
    keyCache.set(secret, key);
  }
  return key;
}

/**
 * A256GCM IVs (96 bits) drawn from a pool of random bytes refilled 256 at a time: jose
 * draws each one with its own `randomFillSync` call, a sizable share of an encode. Each IV
 * is handed out once and the pool is replaced, never rewound (Node pools the entropy
 * behind `randomUUID` the same way), so every token still gets a fresh random IV.
 */
const IV_BYTES = 12;
const IV_POOL_BYTES = 256 * IV_BYTES;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function takeIv(): Uint8Array {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
}

function nowSeconds(clock: () => number): number {
  return Math.floor(clock() / 1000);
}

/**
 * Opens a token with one key, as next-auth's decode does: only `dir` + `A256GCM`, no
 * compression (jose refuses `zip` without an inflate function) and no unknown `crit`.
 * null: not this key, tampered, or not a JWE at all. Claims are checked by the caller.
 */
async function decrypt(key: KeyObject, token: string): Promise<string | null> {
  try {
    // The plaintext only: its claims are judged by parseClaims on the injected clock, cached or not.
    const { plaintext } = await compactDecrypt(token, key, {
      keyManagementAlgorithms: [PROTECTED_HEADER.alg],
      contentEncryptionAlgorithms: [PROTECTED_HEADER.enc],
    });
    return textDecoder.decode(plaintext);
  } catch {
    return null; // wrong key, tampered, malformed: the caller tries the next secret
  }
}

interface Plaintext {
  json: string;
  secretIndex: number;
}

/**
 * Plaintexts of recently opened tokens, by the whole token: a browser sends the same cookie
 * on every request until it is re-issued, and decrypting (a new AES-GCM decipher each
 * time) is most of a decode. Only a token that opened before can hit; its claims are
 * parsed and their expiry checked on every decode, so no two callers share an object and
 * an expired token is refused as before. Bounded: the oldest entry goes first.
 */
const OPENED_TOKENS_KEPT = 512;

function parseClaims(json: string, now: number): JWT | null {
  let claims: unknown;
  try {
    claims = JSON.parse(json);
  } catch {
    return null;
  }
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) return null;
  const { exp, nbf, iat } = claims as Record<string, unknown>;
  if (exp !== undefined && (typeof exp !== 'number' || exp <= now - CLOCK_TOLERANCE_SECONDS)) return null;
  if (nbf !== undefined && (typeof nbf !== 'number' || nbf > now + CLOCK_TOLERANCE_SECONDS)) return null;
  if (iat !== undefined && typeof iat !== 'number') return null;
  return claims as JWT;
}

/**
 * @param secrets current secret first, then previous ones (rotation): decode tries each
 *   in order, encode always uses the first.
 * @param clock milliseconds since the epoch; injectable so tests can move time.
 * @example
 * const codec = createSessionCodec([env.secret]);
 * const token = await codec.encode({ sub: 'u1' }, 3600);
 * (await codec.decode(token))?.payload.sub; // 'u1'
 */
export function createSessionCodec(secrets: readonly string[], clock: () => number = Date.now): SessionCodec {
  if (secrets.length === 0 || secrets.some((secret) => !secret)) throw new CodecConfigError();
  const keys = secrets.map(deriveKey);
  const [currentKey] = keys as [KeyObject, ...KeyObject[]];
  const opened = new Map<string, Plaintext>();

  /** Decrypts with the first secret that opens the token, and remembers its plaintext. */
  async function open(token: string): Promise<Plaintext | null> {
    for (const [secretIndex, key] of keys.entries()) {
      const json = await decrypt(key, token);
      if (json === null) continue;
      if (opened.size >= OPENED_TOKENS_KEPT) opened.delete(opened.keys().next().value as string);
      const plaintext = { json, secretIndex };
      opened.set(token, plaintext);
      return plaintext;
    }
    return null;
  }

  return {
    async encode(claims, maxAgeSeconds) {
      const iat = nowSeconds(clock);
      // As next-auth's encode: the claims, then iat, exp and a fresh jti over them.
      return new EncryptJWT({ ...claims })
        .setProtectedHeader(PROTECTED_HEADER)
        .setIssuedAt(iat)
        .setExpirationTime(iat + maxAgeSeconds)
        .setJti(randomUUID())
        .setInitializationVector(takeIv())
        .encrypt(currentKey);
    },
    async decode(token) {
      if (!token) return null;
      const plaintext = opened.get(token) ?? (await open(token));
      if (!plaintext) return null;
      const payload = parseClaims(plaintext.json, nowSeconds(clock));
      return payload ? { payload, secretIndex: plaintext.secretIndex } : null;
    },
  };
}
