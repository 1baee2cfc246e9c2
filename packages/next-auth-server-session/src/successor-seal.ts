import { createSecretKey, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import { compactDecrypt, EncryptJWT } from 'jose';
import { parseOAuthTokens, type OAuthTokens } from './oauth-tokens';

/**
 * Successors travel through the app's store sealed: compact JWE (`dir`, `A256GCM`, as the
 * session cookie) under a key derived from the app's secret with its own HKDF info, so the
 * store only ever holds ciphertext. The payload names the refresh-token hash it answers (a
 * row copied to another key does not open) and the end of its grace window, which the
 * refresher judges itself: a store may keep rows longer than their TTL.
 */
const INFO = 'next-auth-server-session refresh successor';
const PROTECTED_HEADER = { alg: 'dir', enc: 'A256GCM' } as const;

export interface OpenedSuccessor {
  tokens: OAuthTokens;
  /** Its grace window (the TTL it was sealed with) has passed. */
  expired: boolean;
}

export interface SuccessorSeal {
  seal(key: string, tokens: OAuthTokens, ttlSeconds: number): Promise<string>;
  /** The successor, or null: not sealed for this key, another secret, tampered. */
  open(key: string, sealed: string): Promise<OpenedSuccessor | null>;
}

function deriveKey(secret: string | null): KeyObject {
  // Without a secret nothing leaves the process: a key of its own will do.
  const material = secret === null ? randomBytes(32) : Buffer.from(hkdfSync('sha256', secret, '', INFO, 32));
  return createSecretKey(material);
}

/** The payload, or null: another key, tampered, not a JWE. Its expiry is the caller's to judge. */
async function decrypt(key: KeyObject, sealed: string): Promise<Record<string, unknown> | null> {
  try {
    const { plaintext } = await compactDecrypt(sealed, key, {
      keyManagementAlgorithms: [PROTECTED_HEADER.alg],
      contentEncryptionAlgorithms: [PROTECTED_HEADER.enc],
    });
    const payload: unknown = JSON.parse(new TextDecoder().decode(plaintext));
    return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** @param clock milliseconds since the epoch. */
export function createSuccessorSeal(secret: string | null, clock: () => number): SuccessorSeal {
  const key = deriveKey(secret);
  return {
    async seal(forKey, tokens, ttlSeconds) {
      const now = Math.floor(clock() / 1000);
      return new EncryptJWT({ for: forKey, tokens: { ...tokens } })
        .setProtectedHeader(PROTECTED_HEADER)
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .encrypt(key);
    },
    async open(forKey, sealed) {
      const payload = await decrypt(key, sealed);
      if (payload?.for !== forKey || typeof payload.exp !== 'number') return null;
      const tokens = parseOAuthTokens(payload.tokens);
      return tokens && { tokens, expired: payload.exp <= Math.floor(clock() / 1000) };
    },
  };
}
