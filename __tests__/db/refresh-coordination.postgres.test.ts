import type { RefreshCoordination } from 'next-auth-server-session';
import pg from 'pg';
import { createStore } from '../../lib/db/create-store';
import { REFRESH_LOCK_APPLICATION_NAME } from '../../lib/db/refresh-coordination';
import { type Store, StoreUnavailableError } from '../../lib/db/store';
import { createTestDatabase, testPostgresUrl, type TestDatabase } from '../../support/postgres';
import { startFakeTokenEndpoint, type FakeTokenEndpoint } from '../helpers/fake-token-endpoint';
import { describeRefreshCoordinationContract } from '../helpers/refresh-coordination-contract';
import { waitFor } from '../helpers/wait-for';
import { accessTokenOf, describeStoreRefreshCoordination, expiredJwt, refresherOver, type SuccessorRow } from './refresh-coordination-conformance';

const serverUrl = testPostgresUrl();

interface LockSeen {
  granted: boolean;
  state: string;
}

(serverUrl ? describe : describe.skip)('PostgreSQL refresh coordination', () => {
  let database: TestDatabase | undefined;
  let databaseUrl: Promise<string> | undefined;
  const openDatabase = () => {
    databaseUrl ??= createTestDatabase(serverUrl ?? '').then((created) => {
      database = created;
      return created.url;
    });
    return databaseUrl;
  };
  /** Two stores on one database: what two app instances hold. */
  let instances: Promise<[Store, Store]> | undefined;
  const openInstances = () => (instances ??= openDatabase().then((url) => Promise.all([createStore(url), createStore(url)])));
  let observer: pg.Client | undefined;
  const observe = async () => {
    if (!observer) {
      observer = new pg.Client({ connectionString: await openDatabase() });
      await observer.connect();
    }
    return observer;
  };

  afterAll(async () => {
    await observer?.end();
    await Promise.all((await instances)?.map((store) => store.close()) ?? []);
    await database?.drop();
  });

  /** The advisory locks the lock pools hold or wait for, and their connections' state. */
  async function refreshLocks(): Promise<LockSeen[]> {
    const { rows } = await (await observe()).query<LockSeen>(
      `SELECT l.granted, a.state FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
       WHERE l.locktype = 'advisory' AND a.datname = current_database() AND a.application_name = $1`,
      [REFRESH_LOCK_APPLICATION_NAME],
    );
    return rows;
  }

  const instanceCoordinations = async (): Promise<[RefreshCoordination, RefreshCoordination]> => {
    const [first, second] = await openInstances();
    return [first.refreshCoordination(), second.refreshCoordination()];
  };

  describeRefreshCoordinationContract('PostgreSQL store, two instances', instanceCoordinations);

  describeStoreRefreshCoordination('PostgreSQL', async (options) => createStore(await openDatabase(), options), {
    readRows: async () => (await (await observe()).query<SuccessorRow>('SELECT key, sealed, expires_at AS "expiresAt" FROM oauth_refresh_successors')).rows,
  });

  describe('two instances', () => {
    it('make the second wait on the server for the first\'s work, which holds no transaction open, then read its successor', async () => {
      const [first, second] = await instanceCoordinations();
      let finishFirst: () => void = () => undefined;
      const events: string[] = [];
      const firstRun = first.runExclusive('key-serial', async () => {
        await new Promise<void>((resolve) => (finishFirst = resolve));
        await first.writeSuccessor('key-serial', 'sealed-by-first', 60);
        events.push('first ends');
      });
      await waitFor(async () => (await refreshLocks()).length === 1);
      const secondRun = second.runExclusive('key-serial', async () => {
        events.push('second starts');
        return second.readSuccessor('key-serial');
      });

      await waitFor(async () => (await refreshLocks()).length === 2);
      const whileHeld = await refreshLocks();
      finishFirst();
      await firstRun;

      expect(await secondRun).toBe('sealed-by-first');
      expect(events).toEqual(['first ends', 'second starts']);
      expect(whileHeld).toEqual(expect.arrayContaining([{ granted: true, state: 'idle' }, { granted: false, state: 'active' }]));
    });

    it('do not make another key wait', async () => {
      const [first, second] = await instanceCoordinations();
      let finishFirst: () => void = () => undefined;
      const firstRun = first.runExclusive('key-held', () => new Promise<void>((resolve) => (finishFirst = resolve)));
      await waitFor(async () => (await refreshLocks()).length === 1);

      const other = await second.runExclusive('key-other', async () => 'ran');

      expect(other).toBe('ran');
      finishFirst();
      await firstRun;
    });

    it('release the lock on the server when the work throws', async () => {
      const [first, second] = await instanceCoordinations();

      await expect(first.runExclusive('key-throws', async () => Promise.reject(new Error('provider exploded')))).rejects.toThrow('provider exploded');

      expect(await refreshLocks()).toEqual([]);
      await expect(second.runExclusive('key-throws', async () => 'ran')).resolves.toBe('ran');
    });
  });

  it('answers StoreUnavailableError within the store timeout while a stuck instance holds the lock, and locks again once it is freed', async () => {
    const store = await createStore(await openDatabase(), { timeoutMs: 400 });
    const stuck = new pg.Client({ connectionString: await openDatabase() });
    await stuck.connect();
    try {
      await stuck.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', ['key-stuck']);
      const work = jest.fn(async () => 'ran');

      const startedMs = Date.now();
      await expect(store.refreshCoordination().runExclusive('key-stuck', work)).rejects.toBeInstanceOf(StoreUnavailableError);
      const waitedMs = Date.now() - startedMs;
      await stuck.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', ['key-stuck']);

      expect(work).not.toHaveBeenCalled();
      expect(waitedMs).toBeLessThan(2000);
      await expect(store.refreshCoordination().runExclusive('key-stuck', work)).resolves.toBe('ran');
    } finally {
      await stuck.end();
      await store.close();
    }
  });

  describe('with the package\'s refresher on two instances', () => {
    let endpoint: FakeTokenEndpoint;
    beforeEach(async () => {
      endpoint = await startFakeTokenEndpoint({ expiresInSeconds: 300 });
    });
    afterEach(() => endpoint.close());

    it('exchanges an expired token once for 50 concurrent calls split across them', async () => {
      const refreshers = (await openInstances()).map((store) => refresherOver(endpoint, store.refreshCoordination()));
      const issued = endpoint.issueGrant();

      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => refreshers[index % 2]?.ensureFresh(expiredJwt(issued))));

      const accessTokens = new Set(outcomes.map((outcome) => (outcome ? accessTokenOf(outcome) : 'none')));
      expect(endpoint.stats).toMatchObject({ grantsIssued: 1, invalidGrants: 0, reuseDetections: 0 });
      expect(accessTokens.size).toBe(1);
      expect([...accessTokens].every((token) => endpoint.isAccessTokenActive(token))).toBe(true);
    });
  });
});

if (!serverUrl) {
  console.info('PostgreSQL refresh coordination skipped: run it with DATABASE_URL=$(scripts/start-test-postgres.sh | tail -n 1)');
}
