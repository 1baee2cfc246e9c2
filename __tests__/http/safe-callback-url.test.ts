import { safeCallbackUrl } from '@/lib/http/safe-callback-url';

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
