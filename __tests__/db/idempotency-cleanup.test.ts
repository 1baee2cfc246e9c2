import { runIdempotencyCleanup, startIdempotencyCleanup } from '../../lib/db/idempotency-cleanup';

/** A deleter that has `backlog` expired rows and deletes up to the batch asked for. */
function fakeDeleter(backlog: number) {
  let left = backlog;
  return jest.fn(async (_beforeMs: number, maxRows: number) => {
    const rows = Math.min(left, maxRows);
    left -= rows;
    return rows;
  });
}

describe('runIdempotencyCleanup', () => {
  it('deletes batch after batch until one comes back short', async () => {
    const deleteExpired = fakeDeleter(25);

    await expect(runIdempotencyCleanup(deleteExpired, { batchRows: 10, maxBatches: 5 })).resolves.toBe(25);

    expect(deleteExpired.mock.calls.map(([, maxRows]) => maxRows)).toEqual([10, 10, 10]);
  });

  it('stops after its bound of batches, leaving the rest of a backlog to later runs', async () => {
    const deleteExpired = fakeDeleter(1000);

    await expect(runIdempotencyCleanup(deleteExpired, { batchRows: 10, maxBatches: 3 })).resolves.toBe(30);

    expect(deleteExpired).toHaveBeenCalledTimes(3);
  });
});

describe('startIdempotencyCleanup', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('runs on every tick of an unref\'d timer, and no more once stopped', async () => {
    const deleteExpired = fakeDeleter(0);
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const stop = startIdempotencyCleanup(deleteExpired, { everyMs: 1000 });

    await jest.advanceTimersByTimeAsync(2000);
    stop();
    await jest.advanceTimersByTimeAsync(5000);

    expect(deleteExpired).toHaveBeenCalledTimes(2);
    expect((setIntervalSpy.mock.results[0]?.value as NodeJS.Timeout).hasRef()).toBe(false);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('starts no run while the previous one is still deleting', async () => {
    let finish: (rows: number) => void = () => undefined;
    const deleteExpired = jest.fn(() => new Promise<number>((resolve) => (finish = resolve)));
    const stop = startIdempotencyCleanup(deleteExpired, { everyMs: 1000 });

    await jest.advanceTimersByTimeAsync(3000);
    expect(deleteExpired).toHaveBeenCalledTimes(1);
    finish(0);
    await jest.advanceTimersByTimeAsync(1000);
    stop();

    expect(deleteExpired).toHaveBeenCalledTimes(2);
  });

  it('reports a failed run and leaves it to the next tick', async () => {
    const failure = new Error('store unavailable');
    const deleteExpired = jest.fn().mockRejectedValueOnce(failure).mockResolvedValue(0);
    const onError = jest.fn();
    const stop = startIdempotencyCleanup(deleteExpired, { everyMs: 1000, onError });

    await jest.advanceTimersByTimeAsync(2000);
    stop();

    expect(deleteExpired).toHaveBeenCalledTimes(2);
    expect(onError).toHaveBeenCalledTimes(1);
    expect(onError).toHaveBeenCalledWith(failure);
  });

  it('logs a failed run as a warning when no onError is given', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const deleteExpired = jest.fn().mockRejectedValue(new Error('permission denied for table idempotency_keys'));
    const stop = startIdempotencyCleanup(deleteExpired, { everyMs: 1000 });

    await jest.advanceTimersByTimeAsync(1000);
    stop();

    expect(warn.mock.calls.flat().join('\n')).toContain('db.idempotency-cleanup-failed');
    warn.mockRestore();
  });
});
