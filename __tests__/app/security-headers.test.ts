import request from 'supertest';
import { type RunningApp, startApp } from '../../support/app-server';

/**
 * `next start` runs in production, where the app is in secure-cookie mode (HTTPS only):
 * so every answer, page or API, tells the browser to stay on HTTPS, isolates the window
 * from cross-origin openers and turns off the powerful features the app never uses.
 */
describe('security headers of the built app (secure-cookie mode)', () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp();
  }, 90_000);
  afterAll(async () => {
    await app?.stop();
  });

  const paths = [
    ['a page', '/signin'],
    ['an API route', '/api/health'],
    ['a next-auth route', '/api/auth/csrf'],
  ] as const;

  it.each(paths)('%s carries Strict-Transport-Security for at least a year, subdomains included', async (_label, path) => {
    const response = await request(app.url).get(path);

    const hsts = response.headers['strict-transport-security'] as string | undefined;
    expect(hsts).toMatch(/includeSubDomains/);
    expect(Number(/max-age=(\d+)/.exec(hsts ?? '')?.[1])).toBeGreaterThanOrEqual(31_536_000);
  });

  it.each(paths)('%s carries Cross-Origin-Opener-Policy: same-origin', async (_label, path) => {
    const response = await request(app.url).get(path);

    expect(response.headers['cross-origin-opener-policy']).toBe('same-origin');
  });

  it.each(paths)('%s carries a Permissions-Policy that turns off camera, microphone, geolocation and payment', async (_label, path) => {
    const response = await request(app.url).get(path);

    const policy = (response.headers['permissions-policy'] as string | undefined) ?? '';
    for (const feature of ['camera', 'microphone', 'geolocation', 'payment']) expect(policy).toContain(`${feature}=()`);
  });

  it('pages carry a Content-Security-Policy, nosniff, a referrer policy and frame protection', async () => {
    const page = await request(app.url).get('/signin');

    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*frame-ancestors 'none'/);
    expect(page.headers['content-security-policy']).not.toContain('unsafe-eval');
    // No ':' in the production policy: Next would compile it as a path template on every request.
    expect(page.headers['content-security-policy']).not.toContain(':');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it.each([
    ['an API route', 'GET', '/api/health'],
    ['an API error answer (405)', 'DELETE', '/api/health'],
    ['a next-auth route', 'GET', '/api/auth/csrf'],
    ['the 404 page of an unknown API path', 'GET', '/api/no-such-route'],
  ] as const)('%s carries the same security headers as a page, each once', async (_label, method, path) => {
    const page = await request(app.url).get('/signin');
    const response = await request(app.url)[method === 'GET' ? 'get' : 'delete'](path);

    for (const name of ['content-security-policy', 'x-content-type-options', 'referrer-policy', 'x-frame-options', 'strict-transport-security', 'cross-origin-opener-policy', 'permissions-policy']) {
      // Equal to the page's single value: a header sent twice would arrive joined ("a, a").
      expect(page.headers[name]).toEqual(expect.any(String));
      expect(response.headers[name]).toBe(page.headers[name]);
    }
  });

  it.each(['/api/products', '/api/cart', '/api/auth/session'])('%s answers with Cache-Control: no-store', async (path) => {
    const response = await request(app.url).get(path);

    expect(response.headers['cache-control']).toContain('no-store');
  });
});
