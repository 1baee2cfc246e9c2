import type { IncomingMessage } from 'node:http';
import type { Notification } from './notifications';

/** How long our route waits for the backend. */
const BACKEND_TIMEOUT_MS = 5_000;

export type BackendAnswer =
  | { status: 'ok'; notifications: Notification[] }
  /** The backend refused the access token we sent (it should not: we send a fresh one). */
  | { status: 'refused' }
  | { status: 'unavailable' };

/**
 * The demo's backend (pages/api/backend/notifications.ts) runs in this same server, reached
 * over loopback on the port this request came in on, as a separate service would be over
 * the network: it sees only the Bearer token.
 */
function backendUrlFor(req: IncomingMessage): string {
  return `http://127.0.0.1:${req.socket.localPort ?? 3000}/api/backend/notifications`;
}

/** Calls the backend with the session's access token. */
export async function fetchNotifications(req: IncomingMessage, accessToken: string): Promise<BackendAnswer> {
  let response: Response;
  try {
    response = await fetch(backendUrlFor(req), { headers: { authorization: `Bearer ${accessToken}` }, signal: AbortSignal.timeout(BACKEND_TIMEOUT_MS) });
  } catch {
    return { status: 'unavailable' };
  }
  if (response.status === 401) return { status: 'refused' };
  if (!response.ok) return { status: 'unavailable' };
  const body = (await response.json()) as { notifications?: Notification[] };
  return { status: 'ok', notifications: body.notifications ?? [] };
}
