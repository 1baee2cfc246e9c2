// Hand-written, no library: async-mutex would be a dependency for these 15 lines, used only inside our SQLite dialect.
/**
 * A mutex that hands the lock to waiters strictly in arrival order. Kysely's own SQLite
 * mutex wakes every waiter at once and lets whoever runs first win, so under load a
 * request could lose that race again and again (docs/reliability.md has the load test).
 */
export class FifoLock {
  #held = false;
  readonly #waiters: (() => void)[] = [];

  acquire(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Passes the lock straight to the longest waiter, so no newcomer can take it in between. */
  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
}
