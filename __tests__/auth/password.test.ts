import 'next-test-api-route-handler';
import nodeCrypto, { randomBytes, scryptSync } from 'node:crypto';
import { burnPasswordCheck, hashPassword, needsRehash, SCRYPT_PARAMS, verifyPassword } from '@/lib/auth/password';
import { signInThroughNextAuth } from '../helpers/sign-in';

const SESSION_COOKIE = 'next-auth.session-token';
const PASSWORD = 'correct horse battery staple';

/** PHC's base64: standard alphabet, no padding. */
const b64 = (bytes: Buffer) => bytes.toString('base64').replace(/=+$/, '');

/** A PHC scrypt hash of `password`, computed here (not by the module under test). */
function phcHash(password: string, { ln, r, p }: { ln: number; r: number; p: number }, keyBytes = 32): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, keyBytes, { N: 2 ** ln, r, p, maxmem: 256 * 2 ** 20 });
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(key)}`;
}

/** The format every hash was stored in before PHC: `scrypt$N$r$p$salt$key`, padded base64, 64-byte key. */
function legacyHash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 64, { N: 16384, r: 8, p: 1 });
  return ['scrypt', 16384, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

describe('hashPassword and verifyPassword', () => {
  it("writes a PHC scrypt string with today's parameters", async () => {
    const { ln, r, p } = SCRYPT_PARAMS;

    expect(await hashPassword(PASSWORD)).toMatch(new RegExp(`^\\$scrypt\\$ln=${ln},r=${r},p=${p}\\$[A-Za-z0-9+/]{22}\\$[A-Za-z0-9+/]{43}$`));
  });

  it('verifies the password it hashed and refuses any other', async () => {
    const stored = await hashPassword(PASSWORD);

    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('Correct horse battery staple', stored)).toBe(false);
  });

  it('salts every hash, so one password hashes differently twice', async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(await hashPassword(PASSWORD));
  });

  it("does not ask for a rehash of a hash at today's parameters", async () => {
    expect(needsRehash(await hashPassword(PASSWORD))).toBe(false);
  });

  it('verifies a PHC hash written elsewhere with the same parameters', async () => {
    expect(await verifyPassword(PASSWORD, phcHash(PASSWORD, SCRYPT_PARAMS))).toBe(true);
  });
});

describe('hashes from before PHC (scrypt$N$r$p$salt$key)', () => {
  it('still verify, and ask for a rehash', async () => {
    const stored = legacyHash(PASSWORD);

    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(await verifyPassword('wrong password', stored)).toBe(false);
    expect(needsRehash(stored)).toBe(true);
  });

  const salt = Buffer.from('sixteen byte salt').toString('base64');
  const key = Buffer.alloc(64, 7).toString('base64');
  it.each([
    ['an empty string', ''],
    ['a plain string', 'not-a-hash'],
    ['another scheme', `bcrypt$16384$8$1$${salt}$${key}`],
    ['a hash with no salt or key', 'scrypt$16384$8$1$$'],
    ['a non-numeric cost', `scrypt$abc$8$1$${salt}$${key}`],
    ['a cost that is not a power of two', `scrypt$1000$8$1$${salt}$${key}`],
    ['a key that is not base64', `scrypt$16384$8$1$${salt}$!!!!`],
  ])('treat a malformed stored hash (%s) as a mismatch, not an exception', async (_, malformed) => {
    await expect(verifyPassword('any password', malformed)).resolves.toBe(false);
  });
});

describe('weaker PHC parameters', () => {
  it.each([
    ['a lower ln', { ...SCRYPT_PARAMS, ln: SCRYPT_PARAMS.ln - 2 }],
    ['a lower r', { ...SCRYPT_PARAMS, r: SCRYPT_PARAMS.r - 1 }],
  ])('verify, and ask for a rehash (%s)', async (_, params) => {
    const stored = phcHash(PASSWORD, params);

    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
    expect(needsRehash(stored)).toBe(true);
  });
});

describe('strict parsing of PHC hashes', () => {
  const params = { ln: 10, r: 8, p: 1 };
  let valid: string;
  let saltB64: string;
  let keyB64: string;
  let scryptCalls: jest.SpiedFunction<typeof nodeCrypto.scrypt>;

  beforeAll(() => {
    valid = phcHash(PASSWORD, params);
    [, , , saltB64 = '', keyB64 = ''] = valid.split('$');
  });

  beforeEach(() => {
    scryptCalls = jest.spyOn(nodeCrypto, 'scrypt');
  });

  afterEach(() => {
    scryptCalls.mockRestore();
  });

  const withParams = (text: string) => `$scrypt$${text}$${saltB64}$${keyB64}`;
  /** The last character of a 16-byte salt carries 4 unused bits: a lenient decoder ignores them when set. */
  const nonCanonical = (text: string) => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
    return text.slice(0, -1) + alphabet[alphabet.indexOf(text.slice(-1)) | 1];
  };

  it('accepts the well-formed hash the cases below each break in one place', async () => {
    expect(await verifyPassword(PASSWORD, valid)).toBe(true);
    expect(scryptCalls).toHaveBeenCalledTimes(1);
  });

  it.each<[string, () => string]>([
    ['another algorithm id', () => valid.replace('$scrypt$', '$argon2id$')],
    ['an upper-case id', () => valid.replace('$scrypt$', '$SCRYPT$')],
    ['no leading $', () => valid.slice(1)],
    ['a missing salt field', () => `$scrypt$ln=10,r=8,p=1$${keyB64}`],
    ['an extra field', () => `${valid}$${keyB64}`],
    ['a missing parameter', () => withParams('ln=10,r=8')],
    ['an extra parameter', () => withParams('ln=10,r=8,p=1,v=1')],
    ['parameters out of order', () => withParams('r=8,ln=10,p=1')],
    ['a leading zero', () => withParams('ln=010,r=8,p=1')],
    ['a parameter with a sign', () => withParams('ln=+10,r=8,p=1')],
    ['padded base64', () => `$scrypt$ln=10,r=8,p=1$${saltB64}==$${keyB64}`],
    ['base64url characters', () => `$scrypt$ln=10,r=8,p=1$${saltB64.slice(0, 2)}-_${saltB64.slice(4)}$${keyB64}`],
    ['non-canonical base64', () => `$scrypt$ln=10,r=8,p=1$${nonCanonical(saltB64)}$${keyB64}`],
    ['a character outside base64', () => `$scrypt$ln=10,r=8,p=1$${saltB64}$${keyB64.slice(0, -1)}!`],
    ['surrounding whitespace', () => ` ${valid}\n`],
    ['an empty key', () => `$scrypt$ln=10,r=8,p=1$${saltB64}$`],
    ['an empty salt', () => `$scrypt$ln=10,r=8,p=1$$${keyB64}`],
    ['a salt shorter than 16 bytes', () => `$scrypt$ln=10,r=8,p=1$${b64(randomBytes(8))}$${keyB64}`],
    ['a key shorter than 32 bytes', () => `$scrypt$ln=10,r=8,p=1$${saltB64}$${b64(randomBytes(16))}`],
    ['ln=0', () => withParams('ln=0,r=8,p=1')],
    ['r=0', () => withParams('ln=10,r=0,p=1')],
    ['p=0', () => withParams('ln=10,r=8,p=0')],
    ['r above 32', () => withParams('ln=10,r=33,p=1')],
    ['p above 16', () => withParams('ln=10,r=8,p=17')],
    ['ln far too high', () => withParams('ln=64,r=8,p=1')],
    ['ln one step above the memory limit', () => withParams('ln=18,r=8,p=1')],
    ['r that takes the memory past the limit', () => withParams('ln=17,r=16,p=1')],
    ['more work than the limit through p', () => withParams('ln=17,r=8,p=16')],
    ['ln that OpenSSL refuses for r=1', () => withParams('ln=16,r=1,p=1')],
  ])('refuses %s as a mismatch, without computing anything', async (_, malformed) => {
    await expect(verifyPassword(PASSWORD, malformed())).resolves.toBe(false);
    expect(scryptCalls).not.toHaveBeenCalled();
  });

  it("computes the highest cost it accepts (ln=17, r=8: 128 MiB, past Node's default maxmem)", async () => {
    expect(await verifyPassword(PASSWORD, phcHash(PASSWORD, { ln: 17, r: 8, p: 1 }))).toBe(true);
  });
});

describe('burnPasswordCheck', () => {
  it('spends a real scrypt computation and resolves', async () => {
    const scryptCalls = jest.spyOn(nodeCrypto, 'scrypt');
    try {
      await burnPasswordCheck('any password');

      expect(scryptCalls).toHaveBeenCalled();
    } finally {
      scryptCalls.mockRestore();
    }
  });
});

describe('sign-in through next-auth rehashes an outdated hash', () => {
  async function createUserWithHash(passwordHash: string) {
    const { getStore } = await import('@/lib/db');
    const store = await getStore();
    const user = await store.createUser({ email: `user-${randomBytes(6).toString('hex')}@example.test`, name: 'Old Hash', role: 'member', passwordHash });
    if (!user) throw new Error('could not create the test user');
    return { user, store };
  }

  it('replaces an old-format hash with a PHC one that verifies', async () => {
    const { user, store } = await createUserWithHash(legacyHash(PASSWORD));

    const { jar } = await signInThroughNextAuth(user.email, PASSWORD);

    expect(jar.get(SESSION_COOKIE)).toBeDefined();
    const stored = (await store.findUserByEmail(user.email))?.passwordHash ?? '';
    expect(stored).toMatch(/^\$scrypt\$ln=/);
    expect(needsRehash(stored)).toBe(false);
    expect(await verifyPassword(PASSWORD, stored)).toBe(true);
  });

  it('leaves the hash alone when the password is wrong', async () => {
    const old = legacyHash(PASSWORD);
    const { user, store } = await createUserWithHash(old);

    await signInThroughNextAuth(user.email, 'wrong password');

    expect((await store.findUserByEmail(user.email))?.passwordHash).toBe(old);
  });

  it("does not rewrite a hash at today's parameters", async () => {
    const current = await hashPassword(PASSWORD);
    const { user, store } = await createUserWithHash(current);
    const replace = jest.spyOn(store, 'replacePasswordHash');

    try {
      const { jar } = await signInThroughNextAuth(user.email, PASSWORD);

      expect(jar.get(SESSION_COOKIE)).toBeDefined();
      expect(replace).not.toHaveBeenCalled();
      expect((await store.findUserByEmail(user.email))?.passwordHash).toBe(current);
    } finally {
      replace.mockRestore();
    }
  });

  it('signs the user in even when storing the new hash fails, and logs it', async () => {
    const old = legacyHash(PASSWORD);
    const { user, store } = await createUserWithHash(old);
    const replace = jest.spyOn(store, 'replacePasswordHash').mockRejectedValue(new Error('disk full'));
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);

    try {
      const { jar } = await signInThroughNextAuth(user.email, PASSWORD);

      expect(jar.get(SESSION_COOKIE)).toBeDefined();
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"event":"auth.password-rehash-failed"'));
      expect((await store.findUserByEmail(user.email))?.passwordHash).toBe(old);
    } finally {
      replace.mockRestore();
      warn.mockRestore();
    }
  });
});
