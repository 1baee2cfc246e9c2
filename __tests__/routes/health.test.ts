import 'next-test-api-route-handler';
import * as healthRoute from '@/pages/api/health';
import { callRoute } from '../helpers/routes';

describe('GET /api/health', () => {
  it('answers 200 { status: "ok" }, never cached, with no session cookie', async () => {
    const response = await callRoute(healthRoute, { url: '/api/health' });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.setCookies).toEqual([]);
  });

  it('answers HEAD with 200 and no body (for probes that only ask for headers)', async () => {
    const response = await callRoute(healthRoute, { url: '/api/health', method: 'HEAD' });

    expect(response.status).toBe(200);
    expect(response.body).toBeUndefined();
  });

  it('refuses other methods with 405 and Allow', async () => {
    const response = await callRoute(healthRoute, { url: '/api/health', method: 'POST', body: {} });

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.body).toMatchObject({ error: expect.any(String) });
  });
});
