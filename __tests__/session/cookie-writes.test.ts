import { CHUNK_SIZE_CHARS } from '@/packages/next-auth-server-session/src/chunks';
import { type CookieWrite, MAX_STRAY_EXPIRIES, planGuardExpiries, planSessionCookieClears, planSessionCookieWrites, planSessionEnd } from '@/packages/next-auth-server-session/src/cookie-writes';
import { defaultSessionCookie, resolveSessionCookie, type SessionCookie } from '@/packages/next-auth-server-session/src/session-cookie';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const MAX_AGE_SECONDS = 3600;
const MAX_CHUNKS = 3;
const NAME = 'next-auth.session-token';
const PLAIN = defaultSessionCookie(false);
/** As the app configures it: next-auth's secure default plus a Domain (authOptions.cookies.sessionToken). */
const SECURE: SessionCookie = resolveSessionCookie(
  { cookies: { sessionToken: { name: `__Secure-${NAME}`, options: { ...defaultSessionCookie(true).options, domain: '.example.com' } } } },
  true,
);

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

/** A write with the defaults that do not matter to a test: the plain cookie, no request cookies, the default budget. */
function planWrites(input: Partial<Parameters<typeof planSessionCookieWrites>[0]> & { token: string }): CookieWrite[] {
  return planSessionCookieWrites({ cookie: PLAIN, requestCookieNames: [], maxAgeSeconds: MAX_AGE_SECONDS, maxChunks: MAX_CHUNKS, now: NOW, ...input });
}

describe('planSessionCookieWrites: attributes', () => {
  it('writes a short token under the bare name with lax, httpOnly, path / and no secure flag', () => {
    const [write] = planWrites({ token: 'tok' });

    expect(write).toEqual({
      name: NAME,
      value: 'tok',
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: false, maxAge: MAX_AGE_SECONDS, expires: new Date(NOW + MAX_AGE_SECONDS * 1000) },
    });
  });

  it('sets no domain attribute when none is configured', () => {
    for (const write of planWrites({ token: 'tok' })) expect(write.options).not.toHaveProperty('domain');
  });

  it('writes under the __Secure- name with secure and the configured domain in secure mode', () => {
    const [write] = planWrites({ cookie: SECURE, token: 'tok' });

    expect(write).toEqual({
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
    });
  });

  it('gives every chunk of a long token the same maxAge and expires', () => {
    const writes = planWrites({ cookie: SECURE, token: tokenOfLength(CHUNK_SIZE_CHARS * 2 + 1), maxAgeSeconds: 120 });

    expect(writtenNames(writes)).toEqual([`__Secure-${NAME}.0`, `__Secure-${NAME}.1`, `__Secure-${NAME}.2`]);
    for (const write of writes.filter((candidate) => candidate.value !== '')) {
      expect(write.options).toMatchObject({ maxAge: 120, expires: new Date(NOW + 120_000), secure: true, domain: '.example.com' });
    }
  });

  it('writes chunks whose values concatenate back to the token', () => {
    const token = `${'a'.repeat(CHUNK_SIZE_CHARS)}${'b'.repeat(10)}`;

    const writes = planWrites({ token });

    expect(writes.map((write) => write.value).join('')).toBe(token);
  });

  it('expires with an empty value, maxAge 0 and the epoch as expiry, keeping path, domain and secure', () => {
    const writes = planWrites({ cookie: SECURE, token: 'short' });

    expect(writes[1]).toEqual({
      name: `__Secure-${NAME}.0`,
      value: '',
      options: { httpOnly: true, sameSite: 'lax', path: '/', secure: true, domain: '.example.com', maxAge: 0, expires: new Date(0) },
    });
  });
});

describe('planSessionCookieWrites: every other variant is expired, whether or not the request carried it', () => {
  it('expires .0/.1/.2 with an unchunked write, even when the request carried only the bare name', () => {
    const writes = planWrites({ token: 'short', requestCookieNames: [NAME] });

    expect(writtenNames(writes)).toEqual([NAME]);
    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
  });

  it('expires .0/.1/.2 with an unchunked write when the request carried no session cookie at all', () => {
    const writes = planWrites({ token: 'short', requestCookieNames: [] });

    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
  });

  it('expires .0 up to .(maxChunks - 1): the budget decides how many chunk names are expired', () => {
    expect(expiredNames(planWrites({ token: 'short', maxChunks: 5 }))).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`, `${NAME}.4`]);
    expect(expiredNames(planWrites({ token: 'short', maxChunks: 1 }))).toEqual([`${NAME}.0`]);
  });

  it('expires the bare name and .2 with a 2-chunk write', () => {
    const writes = planWrites({ token: tokenOfLength(CHUNK_SIZE_CHARS + 5) });

    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`]);
    expect(expiredNames(writes)).toEqual([NAME, `${NAME}.2`]);
  });

  it('expires only the bare name with a 3-chunk write: every chunk name of the budget is written', () => {
    const writes = planWrites({ token: tokenOfLength(CHUNK_SIZE_CHARS * 2 + 5) });

    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(expiredNames(writes)).toEqual([NAME]);
  });

  it('expires only the bare name among the indexed ones with a 5-chunk write over a budget of 3', () => {
    const writes = planWrites({ token: tokenOfLength(CHUNK_SIZE_CHARS * 4 + 5), maxChunks: 3 });

    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`, `${NAME}.4`]);
    expect(expiredNames(writes)).toEqual([NAME]);
  });

  it('expires the .0/.1/.2 chunks the request carried when the token shrinks to one cookie', () => {
    const writes = planWrites({ token: 'short', requestCookieNames: [`${NAME}.0`, `${NAME}.1`, `${NAME}.2`] });

    expect(writtenNames(writes)).toEqual([NAME]);
    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
  });

  it('also expires chunks the request carried beyond the budget', () => {
    const writes = planWrites({
      token: tokenOfLength(CHUNK_SIZE_CHARS + 5),
      requestCookieNames: [NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`],
    });

    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`]);
    expect(expiredNames(writes)).toEqual([NAME, `${NAME}.2`, `${NAME}.3`]);
  });

  it("expires the request's stray cookies that share the session cookie's name", () => {
    const writes = planWrites({ token: 'short', requestCookieNames: [NAME, `${NAME}.bak`, `${NAME}-old`] });

    expect(writtenNames(writes)).toEqual([NAME]);
    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.bak`, `${NAME}-old`]);
  });

  it('never both writes and expires the same name, and names each cookie once', () => {
    const writes = planWrites({
      token: tokenOfLength(CHUNK_SIZE_CHARS * 2 + 5),
      requestCookieNames: [NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.3`, `${NAME}.4`],
    });

    expect(new Set(namesOf(writes)).size).toBe(writes.length);
    expect(writtenNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(expiredNames(writes)).toEqual([NAME, `${NAME}.3`, `${NAME}.4`]);
  });
});

describe('planSessionEnd', () => {
  it('expires the bare name and every chunk name of the budget when the request carried none of them', () => {
    const clears = planSessionEnd({ cookie: PLAIN, requestCookieNames: [], maxChunks: MAX_CHUNKS });

    expect(namesOf(clears)).toEqual([NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(writtenNames(clears)).toEqual([]);
  });

  it("adds the request's chunks beyond the budget and its strays, each named once", () => {
    const clears = planSessionEnd({ cookie: PLAIN, requestCookieNames: [`${NAME}.0`, `${NAME}.4`, `${NAME}.bak`], maxChunks: MAX_CHUNKS });

    expect(namesOf(clears)).toEqual([NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}.4`, `${NAME}.bak`]);
  });

  it("keeps the session cookie's attributes on every expiry", () => {
    for (const clear of planSessionEnd({ cookie: SECURE, requestCookieNames: [], maxChunks: MAX_CHUNKS })) {
      expect(clear.value).toBe('');
      expect(clear.options).toMatchObject({ secure: true, domain: '.example.com', path: '/', maxAge: 0, expires: new Date(0) });
    }
  });
});

describe('planSessionCookieClears', () => {
  it('expires every listed name with an empty value, maxAge 0 and the epoch as expiry', () => {
    const names = [NAME, `${NAME}.0`, `${NAME}.1`];

    const clears = planSessionCookieClears({ cookie: PLAIN, names });

    expect(namesOf(clears)).toEqual(names);
    for (const clear of clears) {
      expect(clear.value).toBe('');
      expect(clear.options).toEqual({ httpOnly: true, sameSite: 'lax', path: '/', secure: false, maxAge: 0, expires: new Date(0) });
    }
  });

  it('keeps secure and domain on the clears so the browser matches the cookie it holds', () => {
    const [clear] = planSessionCookieClears({ cookie: SECURE, names: [`__Secure-${NAME}`] });

    expect(clear?.options).toMatchObject({ secure: true, domain: '.example.com', path: '/' });
  });

  it('plans nothing when no name is listed', () => {
    expect(planSessionCookieClears({ cookie: PLAIN, names: [] })).toEqual([]);
  });
});

describe('stray names: what they can cost one answer', () => {
  const strays = (count: number, prefix = 'x') => Array.from({ length: count }, (_, index) => `${NAME}-${prefix}${index}`);

  it(`expires at most ${MAX_STRAY_EXPIRIES} stray names per answer, the first the request carried`, () => {
    const carried = strays(450);

    const writes = planWrites({ token: 'short', requestCookieNames: [NAME, ...carried] });

    expect(MAX_STRAY_EXPIRIES).toBeLessThanOrEqual(16);
    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, ...carried.slice(0, MAX_STRAY_EXPIRIES)]);
  });

  it('expires the rest on later answers: a browser that applies each answer is rid of every stray', () => {
    let carried = [NAME, ...strays(30)];
    for (let answer = 0; answer < 10 && carried.length > 1; answer += 1) {
      const expired = new Set(expiredNames(planWrites({ token: 'short', requestCookieNames: carried })));
      carried = carried.filter((name) => !expired.has(name));
    }

    expect(carried).toEqual([NAME]);
  });

  it(`bounds a session end the same way (${MAX_STRAY_EXPIRIES} strays besides the budget's names)`, () => {
    const clears = planSessionEnd({ cookie: PLAIN, requestCookieNames: strays(100), maxChunks: MAX_CHUNKS });

    expect(clears).toHaveLength(1 + MAX_CHUNKS + MAX_STRAY_EXPIRIES);
  });

  it('expires every chunk name the request carried (up to .99) besides the strays it picks', () => {
    const chunks = Array.from({ length: 50 }, (_, index) => `${NAME}.${index}`);

    const writes = planWrites({ token: 'short', requestCookieNames: [...chunks, ...strays(20)] });

    expect(expiredNames(writes)).toEqual([...chunks, ...strays(MAX_STRAY_EXPIRIES)]);
  });

  it('counts a chunk-like name that is not one (.007, .100) as a stray', () => {
    const odd = [`${NAME}.007`, `${NAME}.100`, ...strays(20)];

    const writes = planWrites({ token: 'short', requestCookieNames: odd });

    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, ...odd.slice(0, MAX_STRAY_EXPIRIES)]);
  });

  it('counts a name the request carried twice once', () => {
    const writes = planWrites({ token: 'short', requestCookieNames: [`${NAME}-a`, `${NAME}-a`, `${NAME}-b`] });

    expect(expiredNames(writes)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`, `${NAME}-a`, `${NAME}-b`]);
  });
});

describe('planGuardExpiries (an answer next-auth wrote)', () => {
  const issued = (name: string) => ({ name, issued: true });
  const expired = (name: string) => ({ name, issued: false });
  const plan = (answered: { name: string; issued: boolean }[], requestCookieNames: string[] = []) =>
    planGuardExpiries({ cookie: PLAIN, answered, requestCookieNames, maxChunks: MAX_CHUNKS });

  it('plans nothing for an answer that issues no session', () => {
    expect(plan([])).toEqual([]);
    expect(plan([expired(NAME), expired(`${NAME}.0`)])).toEqual([]);
  });

  it('expires every chunk name of the budget when the answer issues the bare name', () => {
    expect(expiredNames(plan([issued(NAME)]))).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
  });

  it('expires the bare name and the unused chunk names when the answer issues chunks', () => {
    expect(expiredNames(plan([issued(`${NAME}.0`), issued(`${NAME}.1`)]))).toEqual([NAME, `${NAME}.2`]);
  });

  it('leaves alone a name the answer already has a line for, and adds the request strays (bounded)', () => {
    const strays = Array.from({ length: 20 }, (_, index) => `${NAME}-${index}`);

    const planned = expiredNames(plan([issued(NAME), expired(`${NAME}.0`)], strays));

    expect(planned).toEqual([`${NAME}.1`, `${NAME}.2`, ...strays.slice(0, MAX_STRAY_EXPIRIES)]);
  });

  it('covers chunk names beyond the budget up to the highest one issued', () => {
    const answered = [0, 1, 2, 3, 4].map((index) => issued(`${NAME}.${index}`));

    expect(expiredNames(plan(answered))).toEqual([NAME]);
  });
});
