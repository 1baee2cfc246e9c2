import { createMemoryCoordination } from '@/packages/next-auth-server-session/src/refresh-coordination';
import { describeRefreshCoordinationContract } from '../helpers/refresh-coordination-contract';

describeRefreshCoordinationContract('createMemoryCoordination', async () => {
  const shared = createMemoryCoordination();
  return [shared, shared];
});

describe('createMemoryCoordination', () => {
  it('drops a successor once its TTL has passed', async () => {
    let nowMs = 0;
    const coordination = createMemoryCoordination({ clock: () => nowMs });
    await coordination.writeSuccessor('key-a', 'sealed', 60);

    nowMs = 59_999;
    const during = await coordination.readSuccessor('key-a');
    nowMs = 60_000;
    const after = await coordination.readSuccessor('key-a');

    expect([during, after]).toEqual(['sealed', null]);
  });

  it('keeps at most maxEntries successors, dropping the oldest', async () => {
    const coordination = createMemoryCoordination({ maxEntries: 2 });

    for (const key of ['key-a', 'key-b', 'key-c']) await coordination.writeSuccessor(key, `sealed-${key}`, 60);

    expect(await coordination.readSuccessor('key-a')).toBeNull();
    expect(await coordination.readSuccessor('key-c')).toBe('sealed-key-c');
  });

  it('lets a later work run after an earlier one failed', async () => {
    const coordination = createMemoryCoordination();
    const failed = coordination.runExclusive('key-a', async () => Promise.reject(new Error('boom')));
    const next = coordination.runExclusive('key-a', async () => 'ran');

    await expect(failed).rejects.toThrow('boom');
    await expect(next).resolves.toBe('ran');
  });
});
