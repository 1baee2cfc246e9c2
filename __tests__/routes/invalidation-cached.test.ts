// The per-process session state cache on (SESSION_VERSION_CACHE_MS). Set before the app's modules load.
process.env.SESSION_VERSION_CACHE_MS = '60000';

import 'next-test-api-route-handler';
import * as cartRoute from '@/pages/api/cart';
import { callRoute } from '../helpers/routes';
import { addLineFirst, expectSessionRefused, readWrittenState, SESSION_WRITES } from '../helpers/session-writes';
import { createUserAndSignIn } from '../helpers/sign-in';

/**
 * A change written straight to the store stands for one made through another instance
 * whose notification has not arrived: this process's cache still holds the state from
 * before it, so the route's session check passes. The write itself must still refuse.
 */
describe('writes with SESSION_VERSION_CACHE_MS > 0, after a change this instance has not heard of', () => {
  const enders = [
    ['sign out everywhere', (store: Awaited<ReturnType<typeof createUserAndSignIn>>['store'], id: string) => store.revokeSessions(id, Date.now())],
    ['disabling', (store: Awaited<ReturnType<typeof createUserAndSignIn>>['store'], id: string) => store.setDisabled(id, true)],
  ] as const;

  describe.each(enders)('%s elsewhere', (_ender, endSession) => {
    it.each(SESSION_WRITES.map((write) => [write.label, write] as const))('%s is refused: 401, cookies expired, nothing written', async (_label, write) => {
      const { user, jar, store } = await createUserAndSignIn();
      await addLineFirst(jar);
      expect((await callRoute(cartRoute, { url: '/api/cart', jar })).status).toBe(200); // the state is cached now
      await endSession(store, user.id);
      const before = await readWrittenState(store, user.id);

      const response = await write.send(jar);

      expectSessionRefused(response);
      expect(await readWrittenState(store, user.id)).toEqual(before);
    });
  });
});
