import { CHUNK_SIZE_CHARS } from '@/lib/session/chunks';
import { resolveSessionCookie } from '@/lib/session/cookie-config';
import { type CookieWrite, planSessionCookieClears, planSessionCookieWrites } from '@/lib/session/cookie-writes';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const MAX_AGE_SECONDS = 3600;
const PLAIN = resolveSessionCookie({ secure: false });
const SECURE = resolveSessionCookie({ secure: true, domain: '.example.com' });
const NAME = 'next-auth.session-token';

function tokenOfLength(length: number): string {
  return 'x'.repeat(length);
}

function namesOf(writes: readonly CookieWrite[]): string[] {
  return writes.map((write) => write.name);
}

function expiredNames(writes: readonly CookieWrite[]): string[] {
  return writes.filter((write) => write.options.maxAge === 0).map((write) => write.name);
}

function writtenNames(writes: readonly CookieWrite[]): string[] {
  return writes.filter((write) => write.options.maxAge > 0).map((write) => write.name);
}

describe('resolveSessionCookie', () => {
  it("uses next-auth's plain name outside secure mode", () => {
    expect(PLAIN.name).toBe(NAME);
  });

  it('prefixes the name with __Secure- in secure mode', () => {
    expect(SECURE.name).toBe(`__Secure-${NAME}`);
  });
});

describe('planSessionCookieWrites: attributes', () => {
  it('writes a short token under the bare name with lax, httpOnly, path / and no secure flag', () => {
    const writes = planSessionCookieWrites({ config: PLAIN, token: 'tok', requestCookieNames: [], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(writes).toEqual([
      {
        name: NAME,
        value: 'tok',
        options: { httpOnly: true, sameSite: 'lax', path: '/', secure: false, maxAge: MAX_AGE_SECONDS, expires: new Date(NOW + MAX_AGE_SECONDS * 1000) },
      },
    ]);
  });

  it('sets no domain attribute when none is configured', () => {
    const [write] = planSessionCookieWrites({ config: PLAIN, token: 'tok', requestCookieNames: [], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(write?.options).not.toHaveProperty('domain');
  });

  it('writes under the __Secure- name with secure and the configured domain in secure mode', () => {
    const writes = planSessionCookieWrites({ config: SECURE, token: 'tok', requestCookieNames: [], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(writes).toEqual([
      {
        name: `__Secure-${NAME}`,
        value: 'tok',
        options: {
          httpOnly: true,
          sameSite: 'lax',
          path: '/',
          secure: true,
          domain: '.example.com',
          maxAge: MAX_AGE_SECONDS,
          expires: new Date(NOW + MAX_AGE_SECONDS * 1000),
        },
      },
    ]);
  });

  it('gives every chunk of a long token the same maxAge and expires', () => {
    const writes = planSessionCookieWrites({ config: SECURE, token: tokenOfLength(CHUNK_SIZE_CHARS * 2 + 1), requestCookieNames: [], maxAgeSeconds: 120, now: NOW });

    expect(namesOf(writes)).toEqual([`__Secure-${NAME}.0`, `__Secure-${NAME}.1`, `__Secure-${NAME}.2`]);
    for (const write of writes) {
      expect(write.options).toMatchObject({ maxAge: 120, expires: new Date(NOW + 120_000), secure: true, domain: '.example.com' });
    }
  });

  it('writes chunks whose values concatenate back to the token', () => {
    const token = `${'a'.repeat(CHUNK_SIZE_CHARS)}${'b'.repeat(10)}`;

    const writes = planSessionCookieWrites({ config: PLAIN, token, requestCookieNames: [], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(writes.map((write) => write.value).join('')).toBe(token);
  });
});

describe('planSessionCookieWrites: stale variants', () => {
  it('expires the .0/.1/.2 chunks and writes the bare name when the token shrinks to one cookie', () => {
    const writes = planSessionCookieWrites({
      config: PLAIN,
      token: 'short',
      requestCookieNames: [`${NAME}.0`, `${NAME}.1`, `${NAME}.2`],
      maxAgeSeconds: MAX_AGE_SECONDS,
      now: NOW,
    });

    expect(writtenNames(writes)).toEqual([NAME]);
    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
  });

  it('expires a stale chunk with an empty value, maxAge 0 and the epoch as expiry, keeping the attributes', () => {
    const writes = planSessionCookieWrites({ config: SECURE, token: 'short', requestCookieNames: [`__Secure-${NAME}.0`], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(writes[1]).toEqual({
      name: `__Secure-${NAME}.0`,
      value: '',
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true, domain: '.example.com', maxAge: 0, expires: new Date(0) },
    });
  });

  it('expires the bare name and .2/.3 when the token needs two chunks and the request carried the bare name plus .0..3', () => {
    const writes = planSessionCookieWrites({
      config: PLAIN,
      token: tokenOfLength(CHUNK_SIZE_CHARS + 5),
      requestCookieNames: [NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`],
      maxAgeSeconds: MAX_AGE_SECONDS,
      now: NOW,
    });

    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`]);
    expect(expiredNames(writes)).toEqual([NAME, `${NAME}.2`, `${NAME}.3`]);
  });

  it('never both writes and expires the same name', () => {
    const writes = planSessionCookieWrites({
      config: PLAIN,
      token: tokenOfLength(CHUNK_SIZE_CHARS * 2 + 5),
      requestCookieNames: [NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`, `${NAME}.4`],
      maxAgeSeconds: MAX_AGE_SECONDS,
      now: NOW,
    });

    expect(new Set(namesOf(writes)).size).toBe(writes.length);
    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(expiredNames(writes)).toEqual([NAME, `${NAME}.3`, `${NAME}.4`]);
  });

  it('expires nothing when the request carried exactly the names being written', () => {
    const writes = planSessionCookieWrites({ config: PLAIN, token: 'short', requestCookieNames: [NAME], maxAgeSeconds: MAX_AGE_SECONDS, now: NOW });

    expect(expiredNames(writes)).toEqual([]);
    expect(writtenNames(writes)).toEqual([NAME]);
  });
});

describe('planSessionCookieClears', () => {
  it('expires every listed name with an empty value, maxAge 0 and the epoch as expiry', () => {
    const names = [NAME, `${NAME}.0`, `${NAME}.1`];

    const clears = planSessionCookieClears({ config: PLAIN, requestCookieNames: names });

    expect(namesOf(clears)).toEqual(names);
    for (const clear of clears) {
      expect(clear.value).toBe('');
      expect(clear.options).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: false, maxAge: 0, expires: new Date(0) });
    }
  });

  it('keeps secure and domain on the clears so the browser matches the cookie it holds', () => {
    const [clear] = planSessionCookieClears({ config: SECURE, requestCookieNames: [`__Secure-${NAME}`] });

    expect(clear?.options).toMatchObject({ secure: true, domain: '.example.com', path: '/' });
  });

  it('plans nothing when no name is listed', () => {
    expect(planSessionCookieClears({ config: PLAIN, requestCookieNames: [] })).toEqual([]);
  });
});
