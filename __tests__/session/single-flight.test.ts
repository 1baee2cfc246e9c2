import { createSingleFlight } from '@/packages/next-auth-server-session/src/single-flight';

/** A run the test finishes by hand, recording when each run started. */
function controlledRun() {
  const finishers: (() => void)[] = [];
  const run = jest.fn(
    () =>
      new Promise<void>((resolve) => {
        finishers.push(resolve);
      }),
  );
  return { run, finishRun: (index: number) => finishers[index]?.() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('createSingleFlight', () => {
  it('runs once for triggers that arrive before the run starts', async () => {
    const { run, finishRun } = controlledRun();
    const flight = createSingleFlight(run);

    const triggers = [flight.trigger(), flight.trigger(), flight.trigger()];
    await tick();
    finishRun(0);
    await Promise.all(triggers);

    expect(run).toHaveBeenCalledTimes(1);
  });

  it('runs exactly once more for any number of triggers that arrive while a run is under way', async () => {
    const { run, finishRun } = controlledRun();
    const flight = createSingleFlight(run);

    const first = flight.trigger();
    await tick();
    const during = [flight.trigger(), flight.trigger(), flight.trigger()];
    finishRun(0);
    await first;
    await tick();
    finishRun(1);
    await Promise.all(during);

    expect(run).toHaveBeenCalledTimes(2);
  });

  it('resolves a trigger only once a run that started after it has finished', async () => {
    const { run, finishRun } = controlledRun();
    const flight = createSingleFlight(run);
    void flight.trigger();
    await tick();
    let settled = false;

    const late = flight.trigger().then(() => (settled = true));
    finishRun(0);
    await tick();
    await tick();

    expect(settled).toBe(false); // the first run may have read state from before this trigger
    finishRun(1);
    await late;
    expect(settled).toBe(true);
  });

  it('keeps going after a run fails: the trigger resolves and the next trigger runs again', async () => {
    const run = jest.fn().mockRejectedValueOnce(new Error('network down')).mockResolvedValue(undefined);
    const flight = createSingleFlight(run);

    await expect(flight.trigger()).resolves.toBeUndefined();
    await flight.trigger();

    expect(run).toHaveBeenCalledTimes(2);
  });

  it('gathers triggers that arrive within delayMs of the first into one run', async () => {
    jest.useFakeTimers();
    try {
      const run = jest.fn().mockResolvedValue(undefined);
      const flight = createSingleFlight(run, 50);

      const first = flight.trigger();
      await jest.advanceTimersByTimeAsync(30);
      const second = flight.trigger();
      await jest.advanceTimersByTimeAsync(30);
      await Promise.all([first, second]);

      expect(run).toHaveBeenCalledTimes(1);
    } finally {
      jest.useRealTimers();
    }
  });
});
