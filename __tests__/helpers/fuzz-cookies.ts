import fc from 'fast-check';
import { encode, type JWT } from 'next-auth/jwt';
import type { TokenBook } from './fuzz-harness';
import { acceptedSecrets, decodeToken } from './fuzz-oracle';
import { SESSION_COOKIE } from './session-cookie';
import { TEST_SECRET } from './test-env';

/**
 * Cookie headers as recipes: a token source (a real signed-in token, an expired or foreign
 * one, odd but authentic claims, garbage), an edit (truncate, flip a character, swap JWE
 * segments, ...), a chunk layout (whole, `.0..n`, reordered, missing, duplicated, beside
 * the unsuffixed variant, 50 chunks) and unrelated cookies. Tokens are filled in at send
 * time from the TokenBook, so a counterexample prints as a short recipe.
 */

/** Claims signed with the real secret but odd; `sessionVersion` never equals a real one, so the store must win. */
export interface OddClaims {
  sub?: 'alice' | 'unknown' | number | null | '';
  sessionVersion?: -1 | '1' | null | 1.5 | 1e12;
  role?: 'admin' | 'root' | null;
  email?: string;
  authTime?: number | string;
  cart?: unknown;
}

export type TokenSource =
  | 'alice'
  | 'alice-initial'
  | 'admin'
  | 'alice-rotated'
  | 'expired'
  | 'foreign-secret'
  | 'empty'
  | { odd: OddClaims }
  | { garbage: string };

export type TokenEdit =
  | 'none'
  | { truncatePercent: number }
  | { flipAt: number; char: string }
  | { swapSegments: [number, number] }
  | { append: string }
  | { percentEncodeAt: number }
  | 'quote';

export interface ChunkLayout {
  count: number;
  names: 'straight' | 'reversed' | 'rotated' | 'swap-first-two';
  drop: number | null;
  duplicate: number | null;
  alsoWhole: 'none' | 'same' | 'garbage';
}

export interface CookieSpec {
  source: TokenSource;
  edit: TokenEdit;
  layout: 'whole' | ChunkLayout;
  extras: Array<[string, string]>;
  headerOrder: 'built' | 'reversed' | 'by-name';
  separator: '; ' | ';';
  tail: string;
}

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
/** Printable ASCII but `;` (a cookie header's delimiter) and `,`: legal in a header value. */
const cookieChar = fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)).filter((char) => char !== ';' && char !== ',');
export const cookieValueArb = fc.string({ unit: cookieChar, maxLength: 120 });
const cookieNameArb = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz-_.0123456789'), minLength: 1, maxLength: 24 });

const garbageArb = fc.oneof(
  cookieValueArb,
  fc.array(fc.string({ unit: fc.constantFrom(...BASE64URL), maxLength: 40 }), { minLength: 5, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.constantFrom(
    '....',
    'eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0....', // enc A128GCM
    'eyJhbGciOiJub25lIn0.e30.', // an unsigned JWT
    `${Buffer.from('{"alg":"dir","enc":"A256GCM","zip":"DEF"}').toString('base64url')}.....`,
  ),
);

const oddClaimsArb: fc.Arbitrary<OddClaims> = fc.record(
  {
    sub: fc.constantFrom<OddClaims['sub']>('alice', 'alice', 'unknown', 42, null, ''),
    sessionVersion: fc.constantFrom<OddClaims['sessionVersion']>(-1, '1', null, 1.5, 1e12),
    role: fc.constantFrom<OddClaims['role']>('admin', 'root', null),
    email: fc.constantFrom('admin@example.com', 'mallory@example.com'),
    authTime: fc.constantFrom<number | string>(0, -1, 'yesterday', 1e15),
    cart: fc.constantFrom<unknown>(null, 'full', { count: -1, totalCents: 1e9 }, { count: 1, items: 'x' }),
  },
  { requiredKeys: ['sub', 'sessionVersion'] },
);

const sourceArb: fc.Arbitrary<TokenSource> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<TokenSource>('alice') },
  { weight: 2, arbitrary: fc.constantFrom<TokenSource>('alice-initial', 'admin') },
  { weight: 2, arbitrary: fc.constantFrom<TokenSource>('alice-rotated', 'expired', 'foreign-secret', 'empty') },
  { weight: 2, arbitrary: oddClaimsArb.map((odd): TokenSource => ({ odd })) },
  { weight: 2, arbitrary: garbageArb.map((garbage): TokenSource => ({ garbage })) },
);

const editArb: fc.Arbitrary<TokenEdit> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<TokenEdit>('none') },
  fc.integer({ min: 0, max: 99 }).map((truncatePercent): TokenEdit => ({ truncatePercent })),
  fc.record({ flipAt: fc.nat(), char: fc.constantFrom(...BASE64URL, '.', '=') }).map((edit): TokenEdit => edit),
  fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).map((pair): TokenEdit => ({ swapSegments: pair })),
  cookieValueArb.map((append): TokenEdit => ({ append })),
  fc.nat().map((percentEncodeAt): TokenEdit => ({ percentEncodeAt })),
  fc.constant<TokenEdit>('quote'),
);

const chunkLayoutArb: fc.Arbitrary<ChunkLayout> = fc.record({
  count: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) }, fc.integer({ min: 5, max: 49 }), fc.constant(50)),
  names: fc.oneof({ weight: 5, arbitrary: fc.constant<ChunkLayout['names']>('straight') }, fc.constantFrom<ChunkLayout['names']>('reversed', 'rotated', 'swap-first-two')),
  drop: fc.option(fc.nat(), { nil: null, freq: 4 }),
  duplicate: fc.option(fc.nat(), { nil: null, freq: 4 }),
  alsoWhole: fc.oneof({ weight: 4, arbitrary: fc.constant<ChunkLayout['alsoWhole']>('none') }, fc.constantFrom<ChunkLayout['alsoWhole']>('same', 'garbage')),
});

/** Cookies beside the session: other variants of its name (stale chunks, foreign suffixes), next-auth's, random ones. */
const extraArb: fc.Arbitrary<[string, string]> = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 60 }).map((index) => `${SESSION_COOKIE}.${index}`), fc.oneof(cookieValueArb, fc.constant(''))),
  fc.tuple(
    fc.constantFrom(`${SESSION_COOKIE}.x`, `${SESSION_COOKIE}-legacy`, `${SESSION_COOKIE}.1000`, `${SESSION_COOKIE}.01`, `${SESSION_COOKIE}.-1`, `__Secure-${SESSION_COOKIE}`),
    cookieValueArb,
  ),
  fc.tuple(fc.constantFrom('next-auth.csrf-token', '__Host-next-auth.csrf-token', 'next-auth.callback-url'), fc.oneof(cookieValueArb, fc.constant('http://localhost:3000/'))),
  fc.tuple(cookieNameArb, cookieValueArb),
);

export const cookieSpecArb: fc.Arbitrary<CookieSpec> = fc.record({
  source: sourceArb,
  edit: editArb,
  layout: fc.oneof({ weight: 1, arbitrary: fc.constant<'whole'>('whole') }, { weight: 1, arbitrary: chunkLayoutArb }),
  extras: fc.oneof({ weight: 2, arbitrary: fc.constant<Array<[string, string]>>([]) }, fc.array(extraArb, { minLength: 1, maxLength: 4 })),
  headerOrder: fc.constantFrom('built', 'built', 'reversed', 'by-name'),
  separator: fc.constantFrom('; ', ';'),
  tail: fc.oneof({ weight: 6, arbitrary: fc.constant('') }, fc.constantFrom(';', ';;', '; =x', '; novalue', '; a=b=c', '; q="quoted"', '; %zz=%zz')),
});

/**
 * Alice's current claims under NEXTAUTH_SECRET_PREVIOUS, as a cookie from before a secret
 * rotation (under a secret nobody knows when no rotation is configured).
 */
async function reencodeWithPreviousSecret(token: string): Promise<string> {
  const claims = (await decodeToken(token)) ?? {};
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { iat, exp, jti, ...rest } = claims;
  const previous = acceptedSecrets()[1] ?? `${TEST_SECRET}-never-configured`;
  return encode({ token: rest, secret: previous, maxAge: 3600 });
}

async function sourceToken(source: TokenSource, book: TokenBook): Promise<string> {
  if (source === 'alice') return book.alice;
  if (source === 'alice-initial') return book.aliceInitial;
  if (source === 'admin') return book.admin;
  if (source === 'empty') return '';
  if (source === 'expired') return encode({ token: { sub: book.aliceId }, secret: TEST_SECRET, maxAge: -60 });
  if (source === 'alice-rotated') return reencodeWithPreviousSecret(book.alice);
  if (source === 'foreign-secret') return encode({ token: { sub: book.aliceId, role: 'admin' }, secret: `${TEST_SECRET}-other`, maxAge: 3600 });
  if ('garbage' in source) return source.garbage;
  const { sub, ...rest } = source.odd;
  const claims = { ...rest, ...(sub === undefined ? {} : { sub: sub === 'alice' ? book.aliceId : sub }) } as JWT;
  return encode({ token: claims, secret: TEST_SECRET, maxAge: 3600 });
}

function applyEdit(token: string, edit: TokenEdit): string {
  if (edit === 'none' || token === '') return token;
  if (edit === 'quote') return `"${token}"`;
  if ('truncatePercent' in edit) return token.slice(0, Math.floor((token.length * edit.truncatePercent) / 100));
  if ('append' in edit) return `${token}${edit.append}`;
  if ('percentEncodeAt' in edit) {
    const at = edit.percentEncodeAt % token.length;
    return `${token.slice(0, at)}%${token.charCodeAt(at).toString(16).toUpperCase().padStart(2, '0')}${token.slice(at + 1)}`;
  }
  if ('flipAt' in edit) {
    const at = edit.flipAt % token.length;
    const char = edit.char === token[at] ? (edit.char === 'A' ? 'B' : 'A') : edit.char;
    return `${token.slice(0, at)}${char}${token.slice(at + 1)}`;
  }
  const parts = token.split('.');
  const [a, b] = edit.swapSegments;
  const first = parts[a];
  const second = parts[b];
  if (first === undefined || second === undefined) return token;
  parts[a] = second;
  parts[b] = first;
  return parts.join('.');
}

function split(value: string, count: number): string[] {
  const size = Math.ceil(value.length / count) || 1;
  return Array.from({ length: count }, (_, index) => value.slice(index * size, (index + 1) * size));
}

function chunkPairs(token: string, layout: ChunkLayout): Array<[string, string]> {
  const parts = split(token, layout.count);
  const indexes = parts.map((_, index) => index);
  if (layout.names === 'reversed') indexes.reverse();
  if (layout.names === 'rotated') indexes.push(indexes.shift() ?? 0);
  if (layout.names === 'swap-first-two' && indexes.length > 1) [indexes[0], indexes[1]] = [indexes[1] ?? 1, indexes[0] ?? 0];
  let pairs = parts.map((part, position): [string, string] => [`${SESSION_COOKIE}.${indexes[position]}`, part]);
  if (layout.duplicate !== null) {
    const copied = pairs[layout.duplicate % pairs.length];
    const other = pairs[(layout.duplicate + 1) % pairs.length];
    if (copied && other) pairs.push([copied[0], other[1]]);
  }
  if (layout.drop !== null) pairs = pairs.filter((_, index) => index !== (layout.drop ?? 0) % parts.length);
  if (layout.alsoWhole === 'same') pairs.unshift([SESSION_COOKIE, token]);
  if (layout.alsoWhole === 'garbage') pairs.unshift([SESSION_COOKIE, 'not-a-token']);
  return pairs;
}

/** The Cookie header for a recipe (undefined when it has no cookies at all). */
export async function cookieHeaderOf(spec: CookieSpec, book: TokenBook): Promise<string | undefined> {
  const token = applyEdit(await sourceToken(spec.source, book), spec.edit);
  const session: Array<[string, string]> = spec.layout === 'whole' ? [[SESSION_COOKIE, token]] : chunkPairs(token, spec.layout);
  let pairs = [...session, ...spec.extras];
  if (spec.headerOrder === 'reversed') pairs = pairs.reverse();
  if (spec.headerOrder === 'by-name') pairs = pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const header = `${pairs.map(([name, value]) => `${name}=${value}`).join(spec.separator)}${spec.tail}`;
  return header === '' ? undefined : header;
}

/** Alice's current token as one whole cookie: what a browser that followed every response sends. */
export const ALICE_COOKIE: CookieSpec = { source: 'alice', edit: 'none', layout: 'whole', extras: [], headerOrder: 'built', separator: '; ', tail: '' };
