import { randomUUID } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';
import { createStore } from '@/lib/db/create-store';
import {
  LISTENER_APPLICATION_NAME,
  listenForStateChanges,
  type SessionStateChange,
  type StateNotificationListener,
} from '@/lib/db/state-notifications';
import type { Store, UserRecord } from '@/lib/db/store';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../helpers/wait-for';

const serverUrl = testPostgresUrl();

/**
 * A TCP relay to the server whose open connections can go silent (nothing forwarded, nothing
 * closed), as when a NAT drops an idle mapping; connections made afterwards work.
 */
async function startSilencingRelay(target: URL) {
  const open: net.Socket[] = [];
  const all: net.Socket[] = [];
  const relay = net.createServer((downstream) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    downstream.pipe(upstream).pipe(downstream);
    const closeBoth = () => (downstream.destroy(), upstream.destroy());
    downstream.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    open.push(downstream, upstream);
    all.push(downstream, upstream);
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.host = `127.0.0.1:${(relay.address() as net.AddressInfo).port}`;
  return {
    url: url.toString(),
    silence() {
      for (const socket of open.splice(0)) {
        socket.unpipe();
        socket.pause();
      }
    },
    close: () => new Promise<void>((resolve) => {
      for (const socket of all) socket.destroy();
      relay.close(() => resolve());
    }),
  };
}

(serverUrl ? describe : describe.skip)('session state notifications (PostgreSQL trigger + listener)', () => {
  let database: TestDatabase;
  let store: Store;
  let admin: pg.Client;
  let listener: StateNotificationListener;
  const changes: SessionStateChange[] = [];
  const events: string[] = [];

  const createUser = async (): Promise<UserRecord> => {
    const user = await store.createUser({ email: `${randomUUID()}@example.test`, name: 'N', passwordHash: 'h', role: 'member' });
    if (!user) throw new Error('user not created');
    return user;
  };
  const changesOf = (userId: string) => changes.filter((change) => change.userId === userId);
  const listenerPids = async () =>
    (await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [LISTENER_APPLICATION_NAME])).rows.map(
      (row) => row.pid,
    );

  beforeAll(async () => {
    database = await createTestDatabase(serverUrl ?? '');
    store = await createStore(database.url);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    listener = listenForStateChanges(
      database.url,
      {
        onChange: (change) => changes.push(change),
        onListening: () => events.push('listening'),
        onLost: () => events.push('lost'),
      },
      { initialRetryMs: 50 },
    );
    await waitFor(() => events.includes('listening'));
  });
  afterAll(async () => {
    await listener?.close();
    await admin?.end();
    await store?.close();
    await database?.drop();
  });

  it('announces a committed role change with the user id and the new version', async () => {
    const user = await createUser();

    await store.setRole(user.id, 'admin');

    await waitFor(() => changesOf(user.id).length > 0);
    expect(changesOf(user.id)).toEqual([{ userId: user.id, sessionVersion: user.sessionVersion + 1 }]);
  });

  it('announces revocation, disabling, a cart change and deletion', async () => {
    const user = await createUser();
    await store.insertMissingProducts([{ id: 1, name: 'P', priceCents: 100 }]);

    await store.revokeSessions(user.id, Date.now());
    await store.setDisabled(user.id, true);
    expect(await store.addToCart(user.id, 1, 1)).toBe('added');
    await store.deleteUser(user.id);

    await waitFor(() => changesOf(user.id).length === 4);
    expect(changesOf(user.id).at(-1)).toEqual({ userId: user.id, sessionVersion: null });
  });

  it('announces nothing for a change that rolls back, or for a write no session reads', async () => {
    const user = await createUser();

    await admin.query('BEGIN');
    await admin.query('UPDATE users SET session_version = session_version + 1 WHERE id = $1', [user.id]);
    await admin.query('ROLLBACK');
    await store.replacePasswordHash(user.id, 'h', 'h2');
    const marker = await createUser();
    await store.setRole(marker.id, 'admin'); // delivered after anything sent before it

    await waitFor(() => changesOf(marker.id).length > 0);
    expect(changesOf(user.id)).toEqual([]);
  });

  it('reports a killed connection, listens again, and delivers later changes', async () => {
    const [pid] = await listenerPids();
    const user = await createUser();

    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await waitFor(() => events.at(-1) === 'listening' && events.includes('lost'));
    await store.setRole(user.id, 'admin');

    await waitFor(() => changesOf(user.id).length > 0);
    expect(events.slice(-2)).toEqual(['lost', 'listening']);
    expect(await listenerPids()).not.toContain(pid);
  });

  it('finds a connection that went silent by its heartbeat, and listens again', async () => {
    const relay = await startSilencingRelay(new URL(database.url));
    const seen: string[] = [];
    const relayed: SessionStateChange[] = [];
    const quiet = listenForStateChanges(
      relay.url,
      { onChange: (change) => relayed.push(change), onListening: () => seen.push('listening'), onLost: () => seen.push('lost') },
      { heartbeatMs: 100, timeoutMs: 300, initialRetryMs: 50 },
    );
    try {
      await waitFor(() => seen.includes('listening'));
      relay.silence();

      await waitFor(() => seen.join() === 'listening,lost,listening', 3000);
      const user = await createUser();
      await store.setRole(user.id, 'admin');
      await waitFor(() => relayed.some((change) => change.userId === user.id));
    } finally {
      await quiet.close();
      await relay.close();
    }
  });
});
