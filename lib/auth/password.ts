import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/**
 * Today's scrypt cost: ln = log2(N). A stored hash below it (or in the format from before
 * PHC) is rehashed at the user's next successful sign-in (`needsRehash`), so raising these
 * upgrades every active account without a migration.
 */
export const SCRYPT_PARAMS = { ln: 14, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;

/**
 * What a stored hash may ask for before anything is computed: scrypt takes 128·N·r bytes
 * of memory and time in N·r·p, so a corrupted or planted row must not make one sign-in
 * attempt allocate gigabytes or run for minutes (ln=17, r=8 is OWASP's recommendation).
 */
const MAX_MEMORY_BYTES = 128 * 2 ** 20;
const MAX_WORK = 2 ** 17 * 8 * 2;
const MAX_R = 32;
const MAX_P = 16;

interface ScryptParams {
  ln: number;
  r: number;
  p: number;
}

interface ParsedHash {
  format: 'phc' | 'legacy';
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function scrypt(password: string, salt: Buffer, keyLength: number, { ln, r, p }: ScryptParams): Promise<Buffer> {
  const N = 2 ** ln;
  // Node's default maxmem (32 MiB) refuses N >= 2^15 at r = 8; this is the bound OpenSSL's
  // EVP_PBE_scrypt checks (B: 128·r·p bytes, V: 128·r·(N + 2) bytes).
  const options: ScryptOptions = { N, r, p, maxmem: 128 * r * (N + p + 2) };
  return new Promise((resolve, reject) => {
    scryptCallback(password, salt, keyLength, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

const toPhcBase64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/**
 * A PHC string: `$scrypt$ln=14,r=8,p=1$<salt>$<key>` (base64 without padding), the format
 * passlib and the PHC reference use for scrypt, so the parameters travel with the hash.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await scrypt(password, salt, KEY_BYTES, SCRYPT_PARAMS);
  const { ln, r, p } = SCRYPT_PARAMS;
  return `$scrypt$ln=${ln},r=${r},p=${p}$${toPhcBase64(salt)}$${toPhcBase64(key)}`;
}

/** Decodes base64 only in its one canonical spelling: Buffer.from alone skips bad characters and stray bits. */
function decodeCanonical(text: string, { padded }: { padded: boolean }): Buffer | null {
  const bytes = Buffer.from(text, 'base64');
  const canonical = padded ? bytes.toString('base64') : toPhcBase64(bytes);
  return bytes.length > 0 && canonical === text ? bytes : null;
}

/** Parameters Node (OpenSSL) computes within the limits above; anything else is refused unread. */
function isComputable({ ln, r, p }: ScryptParams): boolean {
  if (ln < 1 || r < 1 || r > MAX_R || p < 1 || p > MAX_P) return false;
  // OpenSSL requires N < 2^(16·r).
  if (ln >= 16 * r) return false;
  return 128 * r * 2 ** ln <= MAX_MEMORY_BYTES && 2 ** ln * r * p <= MAX_WORK;
}

const DECIMAL = '([1-9][0-9]?)';
const PHC_B64 = '([A-Za-z0-9+/]+)';
const PHC_PATTERN = new RegExp(`^\\$scrypt\\$ln=${DECIMAL},r=${DECIMAL},p=${DECIMAL}\\$${PHC_B64}\\$${PHC_B64}$`);

function parsePhc(stored: string): ParsedHash | null {
  const match = PHC_PATTERN.exec(stored);
  if (!match) return null;
  const [, ln, r, p, saltB64 = '', keyB64 = ''] = match;
  const params = { ln: Number(ln), r: Number(r), p: Number(p) };
  if (!isComputable(params)) return null;
  const salt = decodeCanonical(saltB64, { padded: false });
  const key = decodeCanonical(keyB64, { padded: false });
  if (!salt || !key || salt.length < SALT_BYTES || salt.length > 64 || key.length < KEY_BYTES || key.length > 64) return null;
  return { format: 'phc', params, salt, key };
}

const LEGACY_PATTERN = /^scrypt\$([1-9][0-9]{0,6})\$8\$1\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** `scrypt$N$r$p$salt$key`, as this module wrote it before PHC: r = 8, p = 1, 64-byte key, N in 2^14..2^17. */
function parseLegacy(stored: string): ParsedHash | null {
  const match = LEGACY_PATTERN.exec(stored);
  if (!match) return null;
  const [, n, saltB64 = '', keyB64 = ''] = match;
  const ln = Math.log2(Number(n));
  if (!Number.isInteger(ln) || ln < 14 || ln > 17) return null;
  const salt = decodeCanonical(saltB64, { padded: true });
  const key = decodeCanonical(keyB64, { padded: true });
  if (!salt || !key || salt.length < SALT_BYTES || key.length !== 64) return null;
  return { format: 'legacy', params: { ln, r: 8, p: 1 }, salt, key };
}

/**
 * Accepts only hashes that are well-formed and computable. Anything else (a corrupted
 * row, a key that decodes to zero bytes, absurd cost parameters) is rejected before
 * scrypt runs, so it can neither throw nor compare two empty buffers as "equal".
 */
function parseHash(stored: string): ParsedHash | null {
  return stored.startsWith('$') ? parsePhc(stored) : parseLegacy(stored);
}

/** Constant-time comparison; a malformed stored hash is a mismatch, not an exception. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed) return false;
  const actual = await scrypt(password, parsed.salt, parsed.key.length, parsed.params);
  return timingSafeEqual(actual, parsed.key);
}

/**
 * Whether a hash that has just verified should be replaced by `hashPassword`'s: it is in
 * the format from before PHC, or any of its parameters is below today's. (An unparsable
 * hash never verifies; it answers true.)
 *
 * @example
 * if (await verifyPassword(password, user.passwordHash) && needsRehash(user.passwordHash)) {
 *   await store.replacePasswordHash(user.id, user.passwordHash, await hashPassword(password));
 * }
 */
export function needsRehash(stored: string): boolean {
  const parsed = parseHash(stored);
  if (!parsed || parsed.format !== 'phc') return true;
  const { ln, r, p } = parsed.params;
  return ln < SCRYPT_PARAMS.ln || r < SCRYPT_PARAMS.r || p < SCRYPT_PARAMS.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real check, for unknown emails: without it, response time
 * tells an attacker which emails have accounts.
 */
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword('not-a-real-password');
  await verifyPassword(password, await dummyHash);
}
