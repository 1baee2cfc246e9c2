import { randomUUID } from 'node:crypto';
import type { JWT } from 'next-auth/jwt';
import { createAccessTokenRefresher, type AccessTokenOutcome, type RefreshCoordination } from 'next-auth-server-session';
import type { StoreOptions } from '../../lib/db/create-store';
import { type Store, StoreUnavailableError } from '../../lib/db/store';
import { FAKE_CLIENT_ID, FAKE_CLIENT_SECRET, startFakeTokenEndpoint, type FakeTokenEndpoint, type IssuedTokens } from '../helpers/fake-token-endpoint';
import { TEST_SECRET } from '../helpers/test-env';
import { waitFor } from '../helpers/wait-for';

/** A row of `oauth_refresh_successors` as the database holds it. */
export interface SuccessorRow {
  key: string;
  sealed: string;
  expiresAt: number;
}

/** Reads made outside the store's code, in plain SQL. */
export interface BehindTheCoordination {
  /** Every row, expired or not: what the store really keeps. */
  readRows(): Promise<SuccessorRow[]>;
}

export type OpenStore = (options?: StoreOptions) => Promise<Store>;

const DAY_SECONDS = 86_400;

/** A refresher as an app instance builds it: the store's coordination, the app's secret. */
export function refresherOver(endpoint: FakeTokenEndpoint, coordination: RefreshCoordination) {
  return createAccessTokenRefresher({ tokenEndpoint: endpoint.url, clientId: FAKE_CLIENT_ID, clientSecret: FAKE_CLIENT_SECRET, secret: TEST_SECRET, coordination });
}

/** A signed-in user's JWT whose access token expired 10 s ago. */
export function expiredJwt(issued: IssuedTokens): JWT {
  return { sub: 'u1', oauth: { accessToken: issued.accessToken, refreshToken: issued.refreshToken, accessTokenExpiresAt: Math.floor(Date.now() / 1000) - 10 } };
}

export function accessTokenOf(outcome: AccessTokenOutcome): string {
  if (outcome.status !== 'refreshed') throw new Error(`expected a refreshed token, got ${outcome.status}`);
  return (outcome.token.oauth as { accessToken: string }).accessToken;
}

/**
 * What the app store's `RefreshCoordination` adds to the package's contract, on both
 * dialects: the rows it keeps, their expiry and cleanup, the lock's bounds, and the package's
 * refresher on one instance. `openStore` opens a store on this run's database; the suite
 * closes the stores it opens.
 */
export function describeStoreRefreshCoordination(label: string, openStore: OpenStore, behind: BehindTheCoordination): void {
  describe(`${label} store: refresh coordination`, () => {
    const opened: Store[] = [];
    const open = async (options?: StoreOptions) => {
      const store = await openStore(options);
      opened.push(store);
      return store;
    };
    afterAll(async () => {
      await Promise.all(opened.map((store) => store.close()));
    });
    const rowOf = async (key: string) => (await behind.readRows()).find((row) => row.key === key);
    const freshKey = () => `key-${randomUUID()}`;

    it('stores exactly the sealed successor it is given, under its key', async () => {
      const coordination = (await open()).refreshCoordination();
      const key = freshKey();
      const sealed = `eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0..${'x'.repeat(600)}.ünï-çødé`;

      await coordination.writeSuccessor(key, sealed, 60);

      expect(await rowOf(key)).toMatchObject({ key, sealed });
      expect(await coordination.readSuccessor(key)).toBe(sealed);
    });

    it('answers null for a row past its expiry', async () => {
      let nowMs = Date.UTC(2030, 0, 1);
      const coordination = (await open({ refreshCoordination: { keepAfterGraceSeconds: 0, clock: () => nowMs } })).refreshCoordination();
      const key = freshKey();
      await coordination.writeSuccessor(key, 'sealed', 60);

      nowMs += 59_999;
      const during = await coordination.readSuccessor(key);
      nowMs += 1;
      const after = await coordination.readSuccessor(key);

      expect([during, after]).toEqual(['sealed', null]);
    });

    it('keeps a row a day past its grace window by default, for the refresher to judge', async () => {
      let nowMs = Date.UTC(2030, 0, 1);
      const coordination = (await open({ refreshCoordination: { clock: () => nowMs } })).refreshCoordination();
      const key = freshKey();
      await coordination.writeSuccessor(key, 'sealed', 60);

      nowMs += (60 + DAY_SECONDS) * 1000 - 1;
      const lastMoment = await coordination.readSuccessor(key);
      nowMs += 1;
      const after = await coordination.readSuccessor(key);

      expect([lastMoment, after]).toEqual(['sealed', null]);
    });

    it('deletes expired rows on its timer and keeps live ones', async () => {
      let offsetMs = -2 * DAY_SECONDS * 1000;
      const store = await open({ refreshCoordination: { keepAfterGraceSeconds: 0, clock: () => Date.now() + offsetMs, cleanup: { everyMs: 20 } } });
      const [expired, live] = [freshKey(), freshKey()];
      await store.refreshCoordination().writeSuccessor(expired, 'sealed-expired', 60);
      offsetMs = 0;
      await store.refreshCoordination().writeSuccessor(live, 'sealed-live', 60);

      await waitFor(async () => (await rowOf(expired)) === undefined);

      expect(await rowOf(live)).toMatchObject({ sealed: 'sealed-live' });
    });

    it('releases the lock when the work throws', async () => {
      const coordination = (await open()).refreshCoordination();
      const key = freshKey();

      await expect(coordination.runExclusive(key, async () => Promise.reject(new Error('provider exploded')))).rejects.toThrow('provider exploded');
      await expect(coordination.runExclusive(key, async () => 'ran')).resolves.toBe('ran');
    });

    it('answers StoreUnavailableError, running nothing, when the lock stays taken past the store timeout', async () => {
      const coordination = (await open({ timeoutMs: 300 })).refreshCoordination();
      const key = freshKey();
      let release: () => void = () => undefined;
      const held = coordination.runExclusive(key, () => new Promise<void>((resolve) => (release = resolve)));
      const work = jest.fn(async () => 'ran');

      const startedMs = Date.now();
      await expect(coordination.runExclusive(key, work)).rejects.toBeInstanceOf(StoreUnavailableError);
      const waitedMs = Date.now() - startedMs;
      release();
      await held;

      expect(work).not.toHaveBeenCalled();
      expect(waitedMs).toBeLessThan(2000);
      await expect(coordination.runExclusive(key, work)).resolves.toBe('ran');
    });

    it('lets a call queued behind one that gave up waiting run once the holder is done', async () => {
      const coordination = (await open({ timeoutMs: 300 })).refreshCoordination();
      const key = freshKey();
      let release: () => void = () => undefined;
      const held = coordination.runExclusive(key, () => new Promise<void>((resolve) => (release = resolve)));
      const gaveUp = coordination.runExclusive(key, async () => 'never');
      await new Promise((resolve) => setTimeout(resolve, 150));
      const queued = coordination.runExclusive(key, async () => 'ran');

      await expect(gaveUp).rejects.toBeInstanceOf(StoreUnavailableError);
      release();
      await held;

      await expect(queued).resolves.toBe('ran');
    });

    describe('with the package\'s refresher, on one instance', () => {
      let endpoint: FakeTokenEndpoint;
      beforeEach(async () => {
        endpoint = await startFakeTokenEndpoint({ expiresInSeconds: 300 });
      });
      afterEach(() => endpoint.close());

      it('exchanges an expired token once for 50 concurrent calls over two refreshers, storing only ciphertext', async () => {
        const coordination = (await open()).refreshCoordination();
        const refreshers = [refresherOver(endpoint, coordination), refresherOver(endpoint, coordination)];
        const issued = endpoint.issueGrant();

        const outcomes = await Promise.all(Array.from({ length: 50 }, (_, index) => refreshers[index % 2]?.ensureFresh(expiredJwt(issued))));

        const accessTokens = new Set(outcomes.map((outcome) => accessTokenOf(outcome as AccessTokenOutcome)));
        const [accessToken] = [...accessTokens];
        expect(endpoint.stats).toMatchObject({ grantsIssued: 1, invalidGrants: 0, reuseDetections: 0 });
        expect(accessTokens.size).toBe(1);
        expect(endpoint.isAccessTokenActive(accessToken ?? '')).toBe(true);
        const stored = JSON.stringify(await behind.readRows());
        expect(stored).not.toContain(issued.refreshToken);
        expect(stored).not.toContain(accessToken);
      });

      it('answers a refresher started after the exchange from the stored successor, without calling the provider', async () => {
        const coordination = (await open()).refreshCoordination();
        const issued = endpoint.issueGrant();
        const first = await refresherOver(endpoint, coordination).ensureFresh(expiredJwt(issued));

        const late = await refresherOver(endpoint, coordination).ensureFresh(expiredJwt(issued));

        expect(accessTokenOf(late)).toBe(accessTokenOf(first));
        expect(endpoint.stats).toMatchObject({ requests: 1, grantsIssued: 1, invalidGrants: 0 });
      });
    });
  });
}
