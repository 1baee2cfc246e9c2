import type { RefreshCoordination } from '@/packages/next-auth-server-session/src/refresh-coordination';

/**
 * The contract every `RefreshCoordination` keeps (see its TSDoc), one suite for each
 * implementation: the in-process one here, the app's SQLite and PostgreSQL ones later.
 * `make` returns two handles on the same store, as two server instances would hold.
 */
export function describeRefreshCoordinationContract(name: string, make: () => Promise<[RefreshCoordination, RefreshCoordination]>): void {
  const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

  describe(`${name}: the RefreshCoordination contract`, () => {
    it('runs works with the same key one at a time, across handles', async () => {
      const [first, second] = await make();
      let running = 0;
      let most = 0;
      const work = async () => {
        running += 1;
        most = Math.max(most, running);
        await tick();
        running -= 1;
      };

      await Promise.all(Array.from({ length: 6 }, (_, index) => (index % 2 ? first : second).runExclusive('key-a', work)));

      expect(most).toBe(1);
    });

    it('lets works with different keys run at once', async () => {
      const [coordination] = await make();
      let release: () => void = () => undefined;
      const held = coordination.runExclusive('key-a', () => new Promise<void>((resolve) => (release = resolve)));

      const other = await coordination.runExclusive('key-b', async () => 'ran');

      expect(other).toBe('ran');
      release();
      await held;
    });

    it('returns what the work returns, and rethrows what it throws, releasing the lock', async () => {
      const [coordination] = await make();

      await expect(coordination.runExclusive('key-a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
      await expect(coordination.runExclusive('key-a', async () => 42)).resolves.toBe(42);
    });

    it('shows a successor written inside the lock to the next holder on another handle', async () => {
      const [first, second] = await make();

      await first.runExclusive('key-a', () => first.writeSuccessor('key-a', 'sealed-1', 60));
      const seen = await second.runExclusive('key-a', () => second.readSuccessor('key-a'));

      expect(seen).toBe('sealed-1');
    });

    it('answers null for a key without a successor', async () => {
      const [coordination] = await make();

      expect(await coordination.readSuccessor('key-unknown')).toBeNull();
    });

    it('replaces the successor written again under the same key', async () => {
      const [coordination] = await make();

      await coordination.writeSuccessor('key-a', 'sealed-1', 60);
      await coordination.writeSuccessor('key-a', 'sealed-2', 60);

      expect(await coordination.readSuccessor('key-a')).toBe('sealed-2');
    });
  });
}
