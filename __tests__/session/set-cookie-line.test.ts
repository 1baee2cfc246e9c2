import { serialize } from 'cookie';
import { type CookieWrite, planSessionCookieWrites, planSessionEnd } from '@/packages/next-auth-server-session/src/cookie-writes';
import { defaultSessionCookie } from '@/packages/next-auth-server-session/src/session-cookie';
import { countMemoisedLines, MAX_MEMOISED_LINES, toSetCookieLine } from '@/packages/next-auth-server-session/src/set-cookie-line';

const NOW = Date.UTC(2030, 0, 1, 12);
const TOKEN = `eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..${'x'.repeat(40)}.${'y'.repeat(900)}.${'z'.repeat(22)}`;

/** What `cookie`'s serialize writes for the write, as the adapter wrote it before set-cookie-line.ts. */
const serialized = (write: CookieWrite) => serialize(write.name, write.value, { path: '/', ...write.options });

function issue(now: number, options: { secure?: boolean; domain?: string } = {}): CookieWrite[] {
  const base = defaultSessionCookie(options.secure ?? true);
  const cookie = options.domain ? { ...base, options: { ...base.options, domain: options.domain } } : base;
  return planSessionCookieWrites({ cookie, token: TOKEN, requestCookieNames: [cookie.name], maxAgeSeconds: 3600, maxChunks: 3, now });
}

describe('toSetCookieLine', () => {
  it("writes the session cookie and the chunk expiries exactly as cookie's serialize does", () => {
    for (const write of issue(NOW)) expect(toSetCookieLine(write)).toBe(serialized(write));
  });

  it('writes the Expires second of each write: a later second gets its own line, the same second the same attributes', () => {
    const [first] = issue(NOW + 250);
    const [sameSecond] = issue(NOW + 750);
    const [nextSecond] = issue(NOW + 1250);

    expect(toSetCookieLine(first!)).toBe(serialized(first!));
    expect(toSetCookieLine(sameSecond!)).toBe(serialized(sameSecond!));
    expect(toSetCookieLine(nextSecond!)).toBe(serialized(nextSecond!));
    expect(toSetCookieLine(nextSecond!)).toContain(new Date(NOW + 1250 + 3600_000).toUTCString());
  });

  it('gives cookies with other attributes in the same second their own attributes', () => {
    const [secure] = issue(NOW);
    const [plain] = issue(NOW, { secure: false });
    const [withDomain] = issue(NOW, { domain: '.example.com' });

    expect(toSetCookieLine(secure!)).toBe(serialized(secure!));
    expect(toSetCookieLine(plain!)).toBe(serialized(plain!));
    expect(toSetCookieLine(plain!)).not.toContain('Secure');
    expect(toSetCookieLine(withDomain!)).toBe(serialized(withDomain!));
    expect(toSetCookieLine(withDomain!)).toContain('Domain=.example.com');
  });

  it('writes the expiries of a session end as serialize does, for every variant', () => {
    const writes = planSessionEnd({ cookie: defaultSessionCookie(true), requestCookieNames: ['__Secure-next-auth.session-token.7'], maxChunks: 3 });

    expect(writes.map(toSetCookieLine)).toEqual(writes.map(serialized));
  });

  it('encodes a value that is not plain token text as serialize does', () => {
    const [write] = issue(NOW);
    const odd = { ...write!, value: 'a b;c=d,é' };

    expect(toSetCookieLine(odd)).toBe(serialized(odd));
    expect(toSetCookieLine(odd)).toContain('a%20b%3Bc%3Dd%2C%C3%A9');
  });

  it('writes an option beyond the session cookie ones (here Priority) as serialize does', () => {
    const [write] = issue(NOW);
    const withPriority = { ...write!, options: { ...write!.options, priority: 'high' } } as CookieWrite;
    const [withoutPriority] = issue(NOW);

    expect(toSetCookieLine(withoutPriority!)).toBe(serialized(withoutPriority!));
    expect(toSetCookieLine(withPriority)).toBe(serialized(withPriority));
    expect(toSetCookieLine(withPriority)).toContain('Priority=High');
  });

  it('refuses a cookie name that serialize refuses', () => {
    const [write] = issue(NOW);

    expect(() => toSetCookieLine({ ...write!, name: 'bad name' })).toThrow(TypeError);
  });

  it('memoises a bounded number of expiry lines however many fresh stray names it expires', () => {
    const cookie = defaultSessionCookie(true);
    let options: CookieWrite['options'] | undefined;
    for (let request = 0; request < 2_000; request += 1) {
      const stray = `${cookie.name}-${request}-${'s'.repeat(200)}`;
      const writes = planSessionEnd({ cookie, requestCookieNames: [stray], maxChunks: 3 });
      expect(writes.map(toSetCookieLine)).toEqual(writes.map(serialized));
      options = writes[0]!.options;
    }

    expect(countMemoisedLines(options!)).toBeLessThanOrEqual(MAX_MEMOISED_LINES);
    expect(countMemoisedLines(options!)).toBeGreaterThanOrEqual(4); // the budget's own names stay memoised
  });
});
