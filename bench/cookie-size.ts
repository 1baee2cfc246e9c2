/**
 * Session cookie size against cart size: the claims the app issues (projectClaims),
 * encoded by the app's own config (lib/session/config.ts) with its trimClaims, so the
 * table shows exactly where the 3-chunk budget starts dropping the cart lines.
 */
import { randomBytes } from 'node:crypto';
import { trimClaims } from '../lib/auth/claims';
import { countChunks, MAX_CHUNKS } from '../lib/session/chunks';
import { createSessionConfig, type SessionConfig } from '../lib/session/config';
import { realisticClaims } from './token-fixture';

export const CART_LINE_COUNTS = [0, 10, 50, 100, 150, 200, 300, 500] as const;
const MAX_AGE_SECONDS = 2_592_000;

export interface CookieSizeRow {
  cartLines: number;
  claimsJsonBytes: number;
  /** The token before any trimming. */
  untrimmedChars: number;
  untrimmedChunks: number;
  /** What the app actually writes. */
  issuedChars: number;
  issuedChunks: number;
  /** Lines left in the issued token's cart (count and total always stay). */
  linesKept: number;
  trimmed: boolean;
}

export interface CookieSizeResult {
  maxChunks: number;
  rows: CookieSizeRow[];
  /** The largest cart whose lines still fit in the budget. */
  largestUntrimmedCart: number;
}

function createConfig(): SessionConfig {
  return createSessionConfig({
    secrets: [randomBytes(32).toString('base64')],
    secure: true,
    maxAgeSeconds: MAX_AGE_SECONDS,
    trimClaims,
    warn: () => undefined, // the over-budget warning is the point of this table, not news
  });
}

function measureRow(config: SessionConfig, cartLines: number): CookieSizeRow {
  const claims = realisticClaims(cartLines);
  const untrimmed = config.codec.encode(claims, MAX_AGE_SECONDS);
  const issued = config.encodeToken(claims);
  const linesKept = config.codec.decode(issued)?.payload.cart?.items?.length ?? 0;
  return {
    cartLines,
    claimsJsonBytes: Buffer.byteLength(JSON.stringify(claims)),
    untrimmedChars: untrimmed.length,
    untrimmedChunks: countChunks(untrimmed),
    issuedChars: issued.length,
    issuedChunks: countChunks(issued),
    linesKept,
    trimmed: linesKept < cartLines,
  };
}

/** Binary search on the line count: token length grows monotonically with it. */
function findLargestUntrimmedCart(config: SessionConfig, upTo: number): number {
  let fits = 0;
  let overflows = upTo + 1;
  while (overflows - fits > 1) {
    const middle = Math.floor((fits + overflows) / 2);
    if (countChunks(config.codec.encode(realisticClaims(middle), MAX_AGE_SECONDS)) <= MAX_CHUNKS) fits = middle;
    else overflows = middle;
  }
  return fits;
}

export function runCookieSizeTable(): CookieSizeResult {
  const config = createConfig();
  const rows = CART_LINE_COUNTS.map((lines) => measureRow(config, lines));
  return { maxChunks: MAX_CHUNKS, rows, largestUntrimmedCart: findLargestUntrimmedCart(config, Math.max(...CART_LINE_COUNTS)) };
}
