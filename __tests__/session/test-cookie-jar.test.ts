import { parseSetCookies, readSetCookieHeaders, TestCookieJar } from 'next-auth-server-session/testing';

const NOW = Date.UTC(2030, 0, 1, 12);
const NAME = 'stock.session';

describe('readSetCookieHeaders', () => {
  it('reads a fetch Response, a supertest response, header lines and a single line alike', () => {
    const fetchHeaders = new Headers();
    fetchHeaders.append('Set-Cookie', 'a=1; Path=/');
    fetchHeaders.append('Set-Cookie', 'b=2; Path=/');

    expect(readSetCookieHeaders({ headers: fetchHeaders })).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(readSetCookieHeaders({ headers: { 'set-cookie': ['a=1; Path=/', 'b=2; Path=/'] } })).toEqual(['a=1; Path=/', 'b=2; Path=/']);
    expect(readSetCookieHeaders({ headers: { 'set-cookie': 'a=1' } })).toEqual(['a=1']);
    expect(readSetCookieHeaders({ headers: {} })).toEqual([]);
    expect(readSetCookieHeaders(['a=1'])).toEqual(['a=1']);
    expect(readSetCookieHeaders('a=1')).toEqual(['a=1']);
  });

  it("parses with the cookie package's parser (attributes typed, values decoded)", () => {
    const [cookie] = parseSetCookies('theme=dark%20blue; Path=/; Max-Age=60; HttpOnly; SameSite=Lax');

    expect(cookie).toMatchObject({ name: 'theme', value: 'dark blue', path: '/', maxAge: 60, httpOnly: true, sameSite: 'lax' });
  });
});

describe('TestCookieJar', () => {
  let now: number;
  const jar = () => new TestCookieJar(() => now);
  beforeEach(() => {
    now = NOW;
  });

  it('sends back what the response set, as one Cookie header', () => {
    const cookies = jar().apply(['a=1; Path=/', 'b=two; Path=/; HttpOnly']);

    expect(cookies.header()).toBe('a=1; b=two');
  });

  it('follows chunk growth and shrink: the expired variants leave the jar', () => {
    const cookies = jar().apply([`${NAME}=whole; Path=/`]);

    cookies.apply([`${NAME}.0=first; Path=/`, `${NAME}.1=second; Path=/`, `${NAME}=; Path=/; Max-Age=0`]);
    expect(cookies.names()).toEqual([`${NAME}.0`, `${NAME}.1`]);

    cookies.apply([`${NAME}=small; Path=/`, `${NAME}.0=; Path=/; Max-Age=0`, `${NAME}.1=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT`, `${NAME}.2=; Path=/; Max-Age=0`]);
    expect(cookies.names()).toEqual([NAME]);
    expect(cookies.get(NAME)).toBe('small');
  });

  it('lets Max-Age win over Expires, as RFC 6265 says a browser must', () => {
    const cookies = jar().apply(['kept=1; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'gone=1; Max-Age=0; Expires=Fri, 01 Jan 2100 00:00:00 GMT']);

    expect(cookies.names()).toEqual(['kept']);
  });

  it('drops a cookie once its lifetime has passed on the jar clock', () => {
    const cookies = jar().apply(['short=1; Max-Age=60', `dated=1; Expires=${new Date(NOW + 120_000).toUTCString()}`, 'session=1']);

    now = NOW + 61_000;
    expect(cookies.names()).toEqual(['dated', 'session']);
    now = NOW + 121_000;
    expect(cookies.header()).toBe('session=1');
  });

  it('keeps a copy apart from the original', () => {
    const original = jar().apply(['a=1']);
    const copy = original.clone().apply(['a=2', 'b=3']);

    expect(original.header()).toBe('a=1');
    expect(copy.header()).toBe('a=2; b=3');
  });
});
