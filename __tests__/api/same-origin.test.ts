import type { NextApiRequest } from 'next';
import { assertSameOrigin, RouteError } from '@/lib/api';

const APP_ORIGIN = 'https://app.example.com';

const requestWith = (headers: Record<string, string>) => ({ headers }) as unknown as NextApiRequest;

function refusalOf(headers: Record<string, string>): RouteError | null {
  try {
    assertSameOrigin(requestWith(headers), APP_ORIGIN);
    return null;
  } catch (error) {
    if (error instanceof RouteError) return error;
    throw error;
  }
}

describe('assertSameOrigin', () => {
  it.each<[string, Record<string, string>]>([
    ['no Origin and no Sec-Fetch-Site (curl, older browsers)', {}],
    ["this app's Origin", { origin: APP_ORIGIN }],
    ['a same-origin fetch', { origin: APP_ORIGIN, 'sec-fetch-site': 'same-origin' }],
  ])('lets through %s', (_label, headers) => {
    expect(refusalOf(headers)).toBeNull();
  });

  it.each<[string, Record<string, string>]>([
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['another origin', { origin: 'https://evil.example' }],
    ['a look-alike origin', { origin: `${APP_ORIGIN}.evil.example` }],
    ['the same host over http', { origin: 'http://app.example.com' }],
    ['an opaque origin', { origin: 'null' }],
  ])('refuses %s with 403', (_label, headers) => {
    expect(refusalOf(headers)?.status).toBe(403);
  });
});
