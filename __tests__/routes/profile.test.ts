import 'next-test-api-route-handler';
import { getStore } from '@/lib/db';
import * as profileRoute from '@/pages/api/profile';
import { callRoute } from '../helpers/routes';
import { decodeSessionOf } from '../helpers/session-cookie';
import { ALICE, signInAsAlice } from '../helpers/sign-in';

describe('/api/profile', () => {
  it('GET returns the stored profile', async () => {
    const jar = await signInAsAlice();

    const response = await callRoute(profileRoute, { url: '/api/profile', jar });

    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ profile: { email: ALICE.email, role: 'member', preferences: { theme: expect.any(String) } } });
  });

  it('PATCH updates the store, then the session', async () => {
    const jar = await signInAsAlice();

    const response = await callRoute(profileRoute, {
      url: '/api/profile',
      method: 'PATCH',
      body: { name: 'Alice P.', preferences: { locale: 'de-DE' } },
      jar,
    });

    expect(response.status).toBe(200);
    const stored = await (await getStore()).findUserByEmail(ALICE.email);
    expect(stored).toMatchObject({ name: 'Alice P.', preferences: { locale: 'de-DE' } });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Alice P.', preferences: { locale: 'de-DE' }, sessionVersion: stored?.sessionVersion });
    expect(response.headers.get('x-revalidate-session')).toBe('true');
  });

  it('PATCH refuses a role with 400 and changes nothing', async () => {
    const jar = await signInAsAlice();
    const before = await (await getStore()).findUserByEmail(ALICE.email);

    const response = await callRoute(profileRoute, { url: '/api/profile', method: 'PATCH', body: { role: 'admin' }, jar });

    expect(response.status).toBe(400);
    expect(await (await getStore()).findUserByEmail(ALICE.email)).toEqual(before);
  });

  it('GET answers 401 without a session', async () => {
    const response = await callRoute(profileRoute, { url: '/api/profile' });

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'Not signed in' });
  });
});
