import pg from 'pg';
import { createSessionStateReader } from '@/lib/auth/state-cache';
import { invalidateAcrossInstances } from '@/lib/auth/state-invalidation';
import { createStore } from '@/lib/db/create-store';
import { LISTENER_APPLICATION_NAME, type StateNotificationListener } from '@/lib/db/state-notifications';
import type { SessionState, Store } from '@/lib/db/store';
import type { LogFields } from '@/lib/log';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { waitFor } from '../helpers/wait-for';

const serverUrl = testPostgresUrl();

(serverUrl ? describe : describe.skip)('invalidateAcrossInstances (PostgreSQL)', () => {
  let database: TestDatabase;
  let store: Store;
  let admin: pg.Client;
  let listener: StateNotificationListener;
  const logged: Array<{ event: string; fields: LogFields }> = [];
  let reads = 0;
  const reader = createSessionStateReader<SessionState>(
    (id) => {
      reads += 1;
      return store.getSessionState(id);
    },
    60_000,
    Date.now,
    false,
  );

  beforeAll(async () => {
    database = await createTestDatabase(serverUrl ?? '');
    store = await createStore(database.url);
    admin = new pg.Client({ connectionString: database.url });
    await admin.connect();
    listener = invalidateAcrossInstances(reader, {
      databaseUrl: database.url,
      info: (event, fields) => logged.push({ event, fields }),
      warn: (event, fields) => logged.push({ event, fields }),
    });
    await waitFor(() => reader.isCaching());
  });
  afterAll(async () => {
    await listener?.close();
    await admin?.end();
    await store?.close();
    await database?.drop();
  });

  it('turns caching on once listening, and drops a user whose state changed elsewhere', async () => {
    const user = await store.createUser({ email: 'a@example.test', name: 'A', passwordHash: 'h', role: 'member' });
    const id = user?.id ?? '';
    await reader.get(id);
    await reader.get(id);
    expect(reads).toBe(1);

    await admin.query('UPDATE users SET session_version = session_version + 1 WHERE id = $1', [id]);

    await waitFor(async () => (await reader.get(id))?.sessionVersion === (user?.sessionVersion ?? 0) + 1, 1000);
    expect(reads).toBe(2);
  });

  it('turns caching off when the connection is lost, logs it without the URL, and on again once listening', async () => {
    await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1', [LISTENER_APPLICATION_NAME]);

    await waitFor(() => !reader.isCaching());
    await waitFor(() => reader.isCaching());
    const events = logged.map((line) => line.event);
    expect(events.slice(-2)).toEqual(['session-state.listen-lost', 'session-state.listening']);
    expect(JSON.stringify(logged)).not.toContain(database.url);
    expect(logged.at(-2)?.fields).toMatchObject({ code: '57P01' }); // admin_shutdown
  });
});
