/**
 * Session cookie size against cart size: the claims the app issues (projectClaims),
 * encoded as the app's authOptions encode them (the toolkit's codec in `encodeWithinBudget`
 * with the app's trimClaims), so the table shows where the budget (3 chunks and 6 KB of
 * Cookie header, lib/session/budget.ts) drops the lines.
 */
import { randomBytes } from 'node:crypto';
import { trimClaims } from '../lib/auth/claims';
import { encodeWithinBudget, MAX_COOKIE_BYTES } from '@/packages/next-auth-server-session/src/budget';
import { countChunks, MAX_CHUNKS } from '@/packages/next-auth-server-session/src/chunks';
import { createFastTokenCodec } from '@/packages/next-auth-server-session/src/token-codec';
import { realisticClaims } from './token-fixture';

const CART_LINE_COUNTS = [0, 10, 50, 100, 150, 200, 300, 500];
const MAX_AGE_SECONDS = 2_592_000;

export interface CookieSizeRow {
  cartLines: number;
  claimsJsonBytes: number;
  /** The token before any trimming, then what the app actually writes. */
  untrimmedChars: number;
  untrimmedChunks: number;
  issuedChars: number;
  issuedChunks: number;
  /** Lines left in the issued token's cart (count and total always stay). */
  linesKept: number;
}

export interface CookieSizeResult {
  maxChunks: number;
  maxCookieBytes: number;
  rows: CookieSizeRow[];
  /** The largest cart whose lines the app still issues. */
  largestUntrimmedCart: number;
}

export async function runCookieSizeTable(): Promise<CookieSizeResult> {
  const codec = createFastTokenCodec([randomBytes(32).toString('base64')]);
  // The over-budget warning is the point of this table, not news.
  const encodeIssued = encodeWithinBudget(codec.encode, { trimClaims }, () => undefined);
  const countLines = async (token: string) => (await codec.decode(token))?.payload.cart?.items?.length ?? 0;
  const rows: CookieSizeRow[] = [];
  for (const cartLines of CART_LINE_COUNTS) {
    const claims = realisticClaims(cartLines);
    const untrimmed = await codec.encode(claims, MAX_AGE_SECONDS);
    const issued = await encodeIssued(claims, MAX_AGE_SECONDS);
    const linesKept = await countLines(issued);
    const claimsJsonBytes = Buffer.byteLength(JSON.stringify(claims));
    rows.push({ cartLines, claimsJsonBytes, untrimmedChars: untrimmed.length, untrimmedChunks: countChunks(untrimmed), issuedChars: issued.length, issuedChunks: countChunks(issued), linesKept });
  }
  // Binary search on the line count: the token grows monotonically with it, and trimming drops every line at once.
  let fits = 0;
  let overflows = Math.max(...CART_LINE_COUNTS) + 1;
  while (overflows - fits > 1) {
    const middle = Math.floor((fits + overflows) / 2);
    if ((await countLines(await encodeIssued(realisticClaims(middle), MAX_AGE_SECONDS))) === middle) fits = middle;
    else overflows = middle;
  }
  return { maxChunks: MAX_CHUNKS, maxCookieBytes: MAX_COOKIE_BYTES, rows, largestUntrimmedCart: fits };
}
