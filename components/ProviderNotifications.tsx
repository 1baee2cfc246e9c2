import useSWR from 'swr';
import { HttpError } from '@/lib/http/errors';

interface Notification {
  id: string;
  text: string;
  createdAt: string;
}

/** Below the greeting card, as the profile page spaces its second card; the title and Refresh on one row. */
const CARD_STYLE = { marginTop: '1.5rem' } as const;
const HEADER_STYLE = { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '1rem' } as const;

/** What to say for an error answer of /api/notifications (its `error`, written for people). */
function describe(error: unknown): string {
  if (error instanceof HttpError) return error.body?.error ?? `The notifications could not be loaded (${error.status}).`;
  return 'The notifications could not be loaded; check your connection.';
}

/**
 * The notifications the backend serves for the identity provider's access token (an OIDC
 * sign-in only). Each load may refresh the token on the server; the refreshed session comes
 * back on the same answer and every tab revalidates. "Refresh" asks SWR for a new load now.
 */
export function ProviderNotifications({ locale }: { locale?: string }) {
  const { data, error, isLoading, isValidating, mutate } = useSWR<{ notifications: Notification[] }>('/api/notifications', { refreshInterval: 15_000 });
  return (
    <section className="card" style={CARD_STYLE} data-testid="provider-notifications">
      <div style={HEADER_STYLE}>
        <h2>Notifications from the backend</h2>
        {/* Never disabled: a click always starts a load (mutate() does not dedupe), even during one. */}
        <button type="button" className="button button--ghost" data-testid="notifications-refresh" aria-busy={isValidating} onClick={() => void mutate()}>
          {isValidating && !isLoading ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      {isLoading && <p className="muted">Loading…</p>}
      {error && (
        <p role="alert" className="error">
          {describe(error)}
        </p>
      )}
      {data && (
        <ul>
          {data.notifications.map((notification) => (
            <li key={notification.id} data-testid="notification">
              {notification.text} <span className="muted">({new Date(notification.createdAt).toLocaleDateString(locale)})</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
