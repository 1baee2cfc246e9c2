import fc from 'fast-check';
import { safeCallbackUrl, sameOriginUrl } from '@/lib/http/safe-callback-url';

const ORIGIN = 'https://app.example.com';
const APP = 'http://localhost:3000';
const SIGN_IN_PAGE = `${APP}/signin`;

/** Where a browser on the sign-in page goes when it is sent to `target`. */
const originReachedFrom = (target: string) => new URL(target, SIGN_IN_PAGE).origin;

/** Parse as same-origin, yet their path starts with "//" or "/\": as a bare path, another host. */
const SAME_ORIGIN_BY_PARSE = ['/.//evil.example', '/%2e//evil.example', '/./\\evil.example', '/%2e%2e//evil.example', '/%2E//evil.example', '/..//evil.example', '/a/..//evil.example'];

const OFF_SITE = [
  '//evil.example',
  '///evil.example',
  '/\\evil.example',
  '\\\\evil.example',
  '\\/evil.example',
  '/\t/evil.example',
  '/\n/evil.example',
  '\t//evil.example',
  ' //evil.example',
  'http:/\\evil.example',
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  'java\tscript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'https://evil.example',
  `${APP}.evil.example/`,
  'http://localhost:3000@evil.example/',
  'http://app@evil.example',
  '//localhost:3000@evil.example',
  'https://localhost:3000/',
  'http://localhost:3001/',
];

describe('safeCallbackUrl (where sign-in sends the user)', () => {
  it.each([
    ['/profile', 'https://app.example.com/profile'],
    ['/cart?x=1#y', 'https://app.example.com/cart?x=1#y'],
    ['https://app.example.com/admin?tab=users#top', 'https://app.example.com/admin?tab=users#top'],
    ['/%2F%2Fevil.example', 'https://app.example.com/%2F%2Fevil.example'],
  ])('keeps a page of this site, path, query and hash, as a full URL: %s', (input, expected) => {
    expect(safeCallbackUrl(input, ORIGIN)).toBe(expected);
  });

  it('drops the user:password a same-origin URL may carry', () => {
    expect(safeCallbackUrl('https://user:secret@app.example.com/profile', ORIGIN)).toBe('https://app.example.com/profile');
  });

  it.each([...SAME_ORIGIN_BY_PARSE, ...OFF_SITE, '/%2F%2Fevil.example'])('stays on the site from the sign-in page: %p', (input) => {
    const target = safeCallbackUrl(input, APP);

    expect(target.startsWith(`${APP}/`)).toBe(true);
    expect(originReachedFrom(target)).toBe(APP);
  });

  it.each(SAME_ORIGIN_BY_PARSE)('answers %p with the full URL it parses to, never its bare path', (input) => {
    expect(safeCallbackUrl(input, APP)).toBe(`${APP}//evil.example`);
  });

  it.each([...OFF_SITE, '', 'http://[', undefined, 42, ['/a']])('sends %p home', (input) => {
    expect(safeCallbackUrl(input, APP)).toBe(`${APP}/`);
  });

  it('answers the same when its own answer comes back (next-auth hands it to /signin again)', () => {
    for (const input of [...SAME_ORIGIN_BY_PARSE, ...OFF_SITE, '/cart?x=1#y']) {
      const target = safeCallbackUrl(input, APP);
      expect(safeCallbackUrl(target, APP)).toBe(target);
    }
  });

  it('never leaves the site, whatever mix of slashes, dots, escapes and blanks it is given', () => {
    const piece = fc.constantFrom('/', '\\', '.', '..', '%2e', '%2E', '%2f', '%5c', '\t', '\n', ' ', 'evil.example', '@', ':', 'http:', 'localhost:3000', '?', '#');
    const candidate = fc.oneof(fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('')), fc.webUrl(), fc.string());
    fc.assert(
      fc.property(candidate, (input) => {
        const target = safeCallbackUrl(input, APP);
        return target.startsWith(`${APP}/`) && originReachedFrom(target) === APP;
      }),
    );
  });
});

describe('sameOriginUrl (the one same-origin test for URLs a client chooses)', () => {
  it('reads a path against the base, as a browser follows a link', () => {
    expect(sameOriginUrl('/cart?x=1', ORIGIN, `${ORIGIN}/app/`)?.href).toBe('https://app.example.com/cart?x=1');
  });

  it('without a base, accepts only an absolute URL (as next-auth parses a callbackUrl)', () => {
    expect(sameOriginUrl('profile', ORIGIN)).toBeNull();
    expect(sameOriginUrl(`${ORIGIN}/profile`, ORIGIN)?.pathname).toBe('/profile');
  });

  it.each(['', 'https://app.example.com.evil.example/', 'http://app.example.com/', 'https://app.example.com:8443/', 42])('refuses %p', (input) => {
    expect(sameOriginUrl(input, ORIGIN, ORIGIN)).toBeNull();
  });

  it('refuses a URL whose origin is opaque, even when asked about an opaque origin', () => {
    expect(sameOriginUrl('javascript:alert(1)', 'null')).toBeNull();
    expect(sameOriginUrl('data:text/html,x', 'null')).toBeNull();
  });
});
