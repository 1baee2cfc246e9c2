import { createCipheriv, createDecipheriv, hkdfSync, randomBytes, randomUUID, type KeyObject, createSecretKey } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';

/**
 * The session token codec, byte-compatible with `next-auth/jwt` v4: compact JWE,
 * `{"alg":"dir","enc":"A256GCM"}`, key = HKDF-SHA256(secret, salt "", info
 * "NextAuth.js Generated Encryption Key", 32 bytes). next-auth derives that key on every
 * call, which is most of its cost; here it is derived once per secret and kept.
 */

const INFO = 'NextAuth.js Generated Encryption Key';
const PROTECTED_HEADER = Buffer.from(JSON.stringify({ alg: 'dir', enc: 'A256GCM' })).toString('base64url');
// JWE: the additional authenticated data is the ASCII of the encoded protected header.
const PROTECTED_HEADER_AAD = Buffer.from(PROTECTED_HEADER, 'ascii');
const CLOCK_TOLERANCE_SECONDS = 15; // next-auth's decode allows the same
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface DecodedToken {
  payload: JWT;
  /** 0 when the current secret opened it; >0 for a previous secret (re-issue it). */
  secretIndex: number;
}

export interface SessionCodec {
  encode(claims: JWT, maxAgeSeconds: number): string;
  decode(token: string | undefined | null): DecodedToken | null;
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

function nowSeconds(clock: () => number): number {
  return Math.floor(clock() / 1000);
}

/**
 * IVs come from a pool refilled 256 at a time: one `randomBytes` call per token was ~9% of
 * an encode. Each IV is handed out once and the pool is replaced, never rewound (Node
 * pools the entropy behind `randomUUID` the same way).
 */
const IV_POOL_BYTES = 256 * IV_BYTES;
let ivPool = Buffer.alloc(0);
let ivOffset = 0;

function takeIv(): Buffer {
  if (ivOffset + IV_BYTES > ivPool.length) {
    ivPool = randomBytes(IV_POOL_BYTES);
    ivOffset = 0;
  }
  ivOffset += IV_BYTES;
  return ivPool.subarray(ivOffset - IV_BYTES, ivOffset);
}

function encrypt(key: KeyObject, plaintext: string): string {
  const iv = takeIv();
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(PROTECTED_HEADER_AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [PROTECTED_HEADER, '', iv.toString('base64url'), ciphertext.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

function isSupportedHeader(encodedHeader: string): boolean {
  if (encodedHeader === PROTECTED_HEADER) return true; // what next-auth and we always write
  try {
    const header: unknown = JSON.parse(Buffer.from(encodedHeader, 'base64url').toString('utf8'));
    if (typeof header !== 'object' || header === null) return false;
    const { alg, enc, zip, crit } = header as Record<string, unknown>;
    return alg === 'dir' && enc === 'A256GCM' && zip === undefined && crit === undefined;
  } catch {
    return false;
  }
}

function decrypt(key: KeyObject, parts: string[]): string | null {
  const [header = '', , iv = '', ciphertext = '', tag = ''] = parts;
  const ivBytes = Buffer.from(iv, 'base64url');
  const tagBytes = Buffer.from(tag, 'base64url');
  if (ivBytes.length !== IV_BYTES || tagBytes.length !== TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, ivBytes, { authTagLength: TAG_BYTES });
    decipher.setAAD(header === PROTECTED_HEADER ? PROTECTED_HEADER_AAD : Buffer.from(header, 'ascii'));
    decipher.setAuthTag(tagBytes);
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null; // wrong key or tampered: the caller tries the next secret
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
 * const token = codec.encode({ sub: 'u1' }, 3600);
 * codec.decode(token)?.payload.sub; // 'u1'
 */
export function createSessionCodec(secrets: readonly string[], clock: () => number = Date.now): SessionCodec {
  if (secrets.length === 0 || secrets.some((secret) => !secret)) throw new CodecConfigError();
  const keys = secrets.map(deriveKey);
  const [currentKey] = keys as [KeyObject, ...KeyObject[]];
  const opened = new Map<string, Plaintext>();

  /** Decrypts with the first secret that opens the token, and remembers its plaintext. */
  function open(token: string): Plaintext | null {
    const parts = token.split('.');
    if (parts.length !== 5 || parts[1] !== '' || !isSupportedHeader(parts[0] ?? '')) return null;
    for (const [secretIndex, key] of keys.entries()) {
      const json = decrypt(key, parts);
      if (json === null) continue;
      if (opened.size >= OPENED_TOKENS_KEPT) opened.delete(opened.keys().next().value as string);
      const plaintext = { json, secretIndex };
      opened.set(token, plaintext);
      return plaintext;
    }
    return null;
  }

  return {
    encode(claims, maxAgeSeconds) {
      const iat = nowSeconds(clock);
      const payload = { ...claims, iat, exp: iat + maxAgeSeconds, jti: randomUUID() };
      return encrypt(currentKey, JSON.stringify(payload));
    },
    decode(token) {
      if (!token) return null;
      const plaintext = opened.get(token) ?? open(token);
      if (!plaintext) return null;
      const payload = parseClaims(plaintext.json, nowSeconds(clock));
      return payload ? { payload, secretIndex: plaintext.secretIndex } : null;
    },
  };
}
