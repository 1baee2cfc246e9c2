/**
 * Session cookie size against cart size: the claims the app issues (projectClaims),
 * encoded as the app's authOptions encode them (lib/auth/auth-options.ts: the toolkit's
 * codec wrapped in `encodeWithinBudget` with the app's trimClaims), so the table shows
 * exactly where the 3-chunk budget starts dropping the cart lines.
 */
import { randomBytes } from 'node:crypto';
import { trimClaims } from '../lib/auth/claims';
import { encodeWithinBudget } from '../lib/session/budget';
import { countChunks, MAX_CHUNKS } from '../lib/session/chunks';
import { createFastTokenCodec, type TokenCodec } from '../lib/session/token-codec';
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

interface Encoders {
  codec: TokenCodec;
  /** The app's encode: within the default budget, trimming the cart lines when over it. */
  encodeIssued: TokenCodec['encode'];
}

function createEncoders(): Encoders {
  const codec = createFastTokenCodec([randomBytes(32).toString('base64')]);
  // The over-budget warning is the point of this table, not news.
  const encodeIssued = encodeWithinBudget(codec.encode, { trimClaims }, () => undefined);
  return { codec, encodeIssued };
}

async function measureRow({ codec, encodeIssued }: Encoders, cartLines: number): Promise<CookieSizeRow> {
  const claims = realisticClaims(cartLines);
  const untrimmed = await codec.encode(claims, MAX_AGE_SECONDS);
  const issued = await encodeIssued(claims, MAX_AGE_SECONDS);
  const linesKept = (await codec.decode(issued))?.payload.cart?.items?.length ?? 0;
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
async function findLargestUntrimmedCart({ codec }: Encoders, upTo: number): Promise<number> {
  let fits = 0;
  let overflows = upTo + 1;
  while (overflows - fits > 1) {
    const middle = Math.floor((fits + overflows) / 2);
    if (countChunks(await codec.encode(realisticClaims(middle), MAX_AGE_SECONDS)) <= MAX_CHUNKS) fits = middle;
    else overflows = middle;
  }
  return fits;
}

export async function runCookieSizeTable(): Promise<CookieSizeResult> {
  const encoders = createEncoders();
  const rows: CookieSizeRow[] = [];
  for (const lines of CART_LINE_COUNTS) rows.push(await measureRow(encoders, lines));
  return { maxChunks: MAX_CHUNKS, rows, largestUntrimmedCart: await findLargestUntrimmedCart(encoders, Math.max(...CART_LINE_COUNTS)) };
}
