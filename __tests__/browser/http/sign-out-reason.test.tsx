import { HttpError, fetcher } from '@/lib/http';
import { clearSignOutReason, readSignOutMessage, SIGN_OUT_MESSAGES } from '@/lib/http/sign-out-reason';
import { installFakeNetwork, makeSession, type FakeNetwork } from '../../helpers/fake-network';

/** The 401 that ends a session says why; the signed-out page shows it once (pages/index.tsx). */
describe('the reason a 401 gives for ending the session', () => {
  let network: FakeNetwork;
  beforeEach(() => {
    clearSignOutReason();
    network = installFakeNetwork(makeSession());
  });

  function answer401(body: Record<string, unknown>): void {
    network.route('GET', '/api/notifications', () => ({ status: 401, body }));
  }

  it('keeps the message for a sign-in that ended at the identity provider', async () => {
    answer401({ error: 'Your sign-in at the identity provider ended; please sign in again', reason: 'provider-sign-in-ended' });

    await expect(fetcher('/api/notifications')).rejects.toBeInstanceOf(HttpError);

    expect(readSignOutMessage()).toBe(SIGN_OUT_MESSAGES['provider-sign-in-ended']);
  });

  it('keeps nothing for a 401 without a reason, or with one the page does not explain', async () => {
    answer401({ error: 'Not signed in' });
    await expect(fetcher('/api/notifications')).rejects.toBeInstanceOf(HttpError);
    answer401({ error: 'Not signed in', reason: 'toString' });
    await expect(fetcher('/api/notifications')).rejects.toBeInstanceOf(HttpError);

    expect(readSignOutMessage()).toBeNull();
  });

  it('forgets the reason once cleared', async () => {
    answer401({ error: 'ended', reason: 'provider-sign-in-ended' });
    await expect(fetcher('/api/notifications')).rejects.toBeInstanceOf(HttpError);

    clearSignOutReason();

    expect(readSignOutMessage()).toBeNull();
  });
});
