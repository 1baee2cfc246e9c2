import type { JWT } from 'next-auth/jwt';
import { countChunks, MAX_CHUNKS } from './chunks';
import type { TokenCodec } from './token-codec';

export interface SessionBudget {
  /** Chunks a session may take (default 3); also how many `.N` variants every write expires. */
  maxChunks?: number;
  /** Drops the bulky optional part of the claims; called only when a token is over budget. */
  trimClaims?: (token: JWT) => JWT;
}

/**
 * Wraps an encoder so that a token over budget is encoded again from trimmed claims
 * (one warning per process, not per request). Without `trimClaims` the token is kept whole.
 */
export function encodeWithinBudget(
  encode: TokenCodec['encode'],
  budget: SessionBudget,
  warn: (message: string) => void = console.warn,
): TokenCodec['encode'] {
  const maxChunks = budget.maxChunks ?? MAX_CHUNKS;
  let warned = false;
  return async (token, maxAgeSeconds) => {
    const value = await encode(token, maxAgeSeconds);
    if (countChunks(value) <= maxChunks) return value;
    if (!warned) {
      warned = true;
      warn(`[session] token needs ${countChunks(value)} cookie chunks (budget ${maxChunks})${budget.trimClaims ? '; trimming optional claims' : ''}`);
    }
    return budget.trimClaims ? encode(budget.trimClaims(token), maxAgeSeconds) : value;
  };
}
