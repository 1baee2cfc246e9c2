import type { JWT } from 'next-auth/jwt';
import { countChunks, MAX_CHUNKS } from './chunks';
import { createSessionCodec, type SessionCodec } from './codec';
import { resolveSessionCookie, type SessionCookieConfig } from './cookie-config';

export interface SessionConfig {
  codec: SessionCodec;
  cookie: SessionCookieConfig;
  maxAgeSeconds: number;
  /** Encodes with the session max age, trimming claims that would not fit the cookie budget. */
  encodeToken(claims: JWT): string;
}

export interface SessionConfigInput {
  /** Current secret first, then previous ones. */
  secrets: readonly string[];
  secure: boolean;
  domain?: string;
  maxAgeSeconds: number;
  /** Drops the bulky optional part of the claims; called only when over budget. */
  trimClaims?: (claims: JWT) => JWT;
  maxChunks?: number;
  clock?: () => number;
  warn?: (message: string) => void;
}

export function createSessionConfig(input: SessionConfigInput): SessionConfig {
  const codec = createSessionCodec(input.secrets, input.clock);
  const maxChunks = input.maxChunks ?? MAX_CHUNKS;
  const warn = input.warn ?? ((message: string) => console.warn(message));
  let warnedOverBudget = false;

  function encodeToken(claims: JWT): string {
    const token = codec.encode(claims, input.maxAgeSeconds);
    if (countChunks(token) <= maxChunks || !input.trimClaims) return token;
    if (!warnedOverBudget) {
      warnedOverBudget = true;
      warn(`[session] token needs ${countChunks(token)} cookie chunks (budget ${maxChunks}); trimming optional claims`);
    }
    return codec.encode(input.trimClaims(claims), input.maxAgeSeconds);
  }

  return {
    codec,
    cookie: resolveSessionCookie({ secure: input.secure, domain: input.domain }),
    maxAgeSeconds: input.maxAgeSeconds,
    encodeToken,
  };
}
