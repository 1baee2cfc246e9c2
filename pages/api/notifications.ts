import { defineRoute, requireUserId, RouteError } from '@/lib/api';
import { getAccessTokenRefresher } from '@/lib/auth/access-tokens';
import { PROVIDER_SIGN_IN_ENDED } from '@/lib/http/sign-out-reason';
import { fetchNotifications } from '@/lib/resource/backend-client';

/**
 * GET /api/notifications: the signed-in user's notifications from the backend, which wants
 * the identity provider's access token. The session's token is refreshed here when near
 * expiry, exactly once however many requests need it (the refresher's single flight and the
 * store's lock), and the refreshed session goes out on this answer.
 */
export default defineRoute({
  GET: async (req, res, session) => {
    const refresher = getAccessTokenRefresher();
    if (!refresher) throw new RouteError(404, 'No identity provider is configured');
    await requireUserId(session); // the app's own checks first: revoked, disabled, stale claims
    const result = await session.accessToken(refresher);
    switch (result.status) {
      case 'no-session':
        throw new RouteError(401, 'Not signed in');
      case 'no-token':
        throw new RouteError(409, 'Sign in with the identity provider to see your notifications', { reason: 'no-provider-sign-in' });
      case 'unavailable':
        throw new RouteError(503, 'The identity provider is unavailable; your session is kept, please retry');
      case 'revoked':
        throw new RouteError(401, 'Your sign-in at the identity provider ended; please sign in again', { reason: PROVIDER_SIGN_IN_ENDED });
    }
    const answer = await fetchNotifications(req, result.accessToken);
    if (answer.status === 'unavailable') throw new RouteError(503, 'The notifications service is unavailable; please retry');
    if (answer.status === 'refused') throw new RouteError(502, 'The notifications service refused the access token');
    res.status(200).json({ notifications: answer.notifications, refreshed: result.refreshed });
  },
});
