import 'next-test-api-route-handler';
import { getStore } from '@/lib/db';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as refreshRoute from '@/pages/api/session/refresh';
import { callRoute } from '../helpers/routes';
import { sessionTokenOf } from '../helpers/session-cookie';
import { signInAsAlice } from '../helpers/sign-in';

describe('when the store is unavailable', () => {
  it('the refresh route answers 503 and leaves the cookie untouched; next-auth keeps the session', async () => {
    const jar = await signInAsAlice();
    const before = sessionTokenOf(jar);
    // A real fault: the database connection is gone (every query now fails in the driver).
    await (await getStore()).close();

    const response = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { name: 'Lost?' } }, jar });

    expect(response.status).toBe(503);
    expect(response.body).toEqual({ error: expect.any(String) });
    expect(response.setCookies).toEqual([]);
    expect(sessionTokenOf(jar)).toBe(before);

    const session = await callRoute(nextAuthRoute, { url: '/api/auth/session', params: { nextauth: ['session'] }, jar });
    expect(session.body).toMatchObject({ user: { email: 'alice@example.com' } });
  });
});
