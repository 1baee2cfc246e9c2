import { safeCallbackUrl, sameOriginUrl } from '@/lib/http/safe-callback-url';

const ORIGIN = 'https://app.example.com';

describe('safeCallbackUrl (where sign-in sends the user)', () => {
  it.each([
    ['/profile', '/profile'],
    ['/cart?x=1#top', '/cart?x=1#top'],
    ['https://app.example.com/admin', '/admin'],
  ])('keeps a page of this site: %s', (input, expected) => {
    expect(safeCallbackUrl(input, ORIGIN)).toBe(expected);
  });

  it.each(['//evil.example', '/\\evil.example', '/\t/evil.example', '/\n/evil.example', 'https://evil.example/', 'javascript:alert(1)', undefined, ['/a']])(
    'refuses anything that leaves the site: %p',
    (input) => {
      expect(safeCallbackUrl(input, ORIGIN)).toBe('/');
    },
  );
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
});
