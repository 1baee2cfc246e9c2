import { Socket } from 'node:net';
import type { Client as PgClient, Notification } from 'pg';

/**
 * The channel the users trigger (migration 0005) notifies on, in the writing transaction:
 * PostgreSQL delivers a NOTIFY only when its transaction commits, and a trigger covers
 * every write path (the app's queries, scripts, psql) without each remembering to send it.
 */
export const SESSION_STATE_CHANNEL = 'session_state';
/** Set on the listen connection, so an operator (or a test) can find it in pg_stat_activity. */
export const LISTENER_APPLICATION_NAME = 'session-state-listener';

export interface SessionStateChange {
  userId: string;
  /** null when the user was deleted. */
  sessionVersion: number | null;
}

export interface StateNotificationHandlers {
  /** A user's session state changed (committed) somewhere. */
  onChange(change: SessionStateChange): void;
  /** LISTEN is in effect: every change committed from now on is delivered. */
  onListening(): void;
  /** The connection is gone (or never came up): changes are being missed until `onListening`. */
  onLost(error: unknown): void;
}

export interface StateNotificationOptions {
  timeoutMs?: number;
  /** First reconnect delay, doubled after each failure up to `maxRetryMs`. */
  initialRetryMs?: number;
  maxRetryMs?: number;
  /** How often the listen connection is checked with a query (answered within `timeoutMs`). */
  heartbeatMs?: number;
}

export interface StateNotificationListener {
  /** Ends the connection and stops reconnecting. */
  close(): Promise<void>;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function parseChange(payload: string | undefined): SessionStateChange | null {
  try {
    const value: unknown = JSON.parse(payload ?? '');
    if (typeof value !== 'object' || value === null) return null;
    const { userId, sessionVersion } = value as Record<string, unknown>;
    if (typeof userId !== 'string') return null;
    return { userId, sessionVersion: typeof sessionVersion === 'number' ? sessionVersion : null };
  } catch {
    return null;
  }
}

/**
 * A socket that does not keep the process alive: the listener lives as long as the app's
 * store, which is never closed by `next start`, and must not hold a script or jest open.
 */
function unrefSocket(): Socket {
  const socket = new Socket();
  socket.unref();
  return socket;
}

/**
 * Holds one dedicated connection (not from the store's pool: a pooled client is handed to
 * queries and released) that LISTENs on SESSION_STATE_CHANNEL, and reconnects with
 * exponential backoff when it drops. Handlers are called on each change of state only.
 */
export function listenForStateChanges(
  databaseUrl: string,
  handlers: StateNotificationHandlers,
  options: StateNotificationOptions = {},
): StateNotificationListener {
  const { timeoutMs = 5000, initialRetryMs = 100, maxRetryMs = 5000, heartbeatMs = 10_000 } = options;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require('pg') as typeof import('pg');
  let client: PgClient | undefined;
  let retryMs = initialRetryMs;
  let retryTimer: NodeJS.Timeout | undefined;
  let heartbeat: NodeJS.Timeout | undefined;
  let listening = false;
  let closed = false;

  function onNotification(message: Notification): void {
    if (message.channel !== SESSION_STATE_CHANNEL) return;
    const change = parseChange(message.payload);
    if (change) handlers.onChange(change);
  }

  function lose(lost: PgClient, error: unknown): void {
    if (lost !== client) return; // 'error' and 'end' both fire for one loss
    client = undefined;
    clearTimeout(heartbeat);
    lost.end().catch(() => undefined);
    const wasListening = listening;
    listening = false;
    if (wasListening || retryMs === initialRetryMs) handlers.onLost(error);
    if (closed) return;
    retryTimer = setTimeout(connect, retryMs);
    retryTimer.unref();
    retryMs = Math.min(retryMs * 2, maxRetryMs);
  }

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: databaseUrl,
      application_name: LISTENER_APPLICATION_NAME,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
      keepAlive: true,
      stream: unrefSocket,
    });
    client = next;
    next.on('notification', onNotification);
    next.on('error', (error) => lose(next, error));
    next.on('end', () => lose(next, new Error('the listen connection ended')));
    try {
      await next.connect();
      await next.query(`LISTEN ${SESSION_STATE_CHANNEL}`);
    } catch (error) {
      lose(next, error);
      return;
    }
    if (closed || client !== next) return;
    listening = true;
    retryMs = initialRetryMs;
    handlers.onListening();
    watch(next);
  }

  /**
   * A connection can die without a word (a NAT or proxy dropping an idle mapping): no
   * error, no 'end', and no notification ever again. An unanswered query finds it, so such
   * a loss costs at most heartbeatMs + timeoutMs of stale answers, not the cache's TTL.
   */
  function watch(watched: PgClient): void {
    heartbeat = setTimeout(() => {
      watched.query('SELECT 1').then(
        () => client === watched && watch(watched),
        (error: unknown) => lose(watched, error),
      );
    }, heartbeatMs);
    heartbeat.unref();
  }

  void connect();
  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      clearTimeout(heartbeat);
      const current = client;
      client = undefined;
      listening = false;
      // A connection that went silent never acknowledges the goodbye: do not wait for it.
      await Promise.race([current?.end().catch(() => undefined), delay(timeoutMs)]);
    },
  };
}
