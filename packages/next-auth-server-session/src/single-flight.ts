// Hand-written, no library fits: debounce/throttle (lodash, p-debounce) do not wait for a run in flight, p-queue queues every trigger.
export interface SingleFlight {
  /** Asks for a run; resolves when a run that started after this call has finished. */
  trigger(): Promise<void>;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Coalesces bursts of triggers into as few runs as correctness allows: triggers that
 * arrive before a run starts join it; triggers that arrive while it is running get
 * exactly one more run afterwards (the running one may have read state from before them).
 * `delayMs` gathers a burst of responses arriving a few milliseconds apart into one run.
 */
export function createSingleFlight(run: () => Promise<unknown>, delayMs = 0): SingleFlight {
  let pending: Promise<void> | null = null;
  let current: Promise<unknown> | null = null;

  function startAfter(previous: Promise<unknown> | null): Promise<void> {
    const next = (async () => {
      if (previous) await previous;
      await sleep(delayMs);
      pending = null; // from here on, a trigger needs a run of its own
      const flight = run().catch(() => undefined);
      current = flight;
      await flight;
      if (current === flight) current = null;
    })();
    pending = next;
    return next;
  }

  return { trigger: () => pending ?? startAfter(current) };
}
