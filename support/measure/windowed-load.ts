/**
 * One autocannon run whose first seconds are a warm-up, with figures for the window after
 * it only, on connections that are already open. Why not a warm-up run and then a measured
 * run: Node 20 (libuv >= 1.45, libuv PR #3696) accepts one pending connection per
 * event-loop iteration, so on a saturated server the k-th of the connections opened at
 * once waits about k iterations (seconds, with 100 connections), and those first requests
 * would dominate p99 (reproduced with a plain `http.createServer` in docs/reliability.md).
 */
import autocannon from 'autocannon';

export interface WindowCounts {
  responses: number;
  non2xx: number;
  /** Socket errors and timeouts (autocannon counts a timeout as an error too: not added twice). */
  errors: number;
  timeouts: number;
}

export interface WindowedLoad {
  /** Requests sent after the warm-up, with every latency (ms); `completed`: responses that arrived in the window, whenever sent. */
  window: WindowCounts & { seconds: number; latenciesMs: number[]; completed: number };
  warmup: WindowCounts;
  /** Sent but neither answered nor failed when autocannon stopped (at most one per connection). */
  inFlightAtStop: number;
  /** When every connection had its first response (ms from the start), or null if some never did. */
  allConnectionsServedAfterMs: number | null;
}

export interface WindowedLoadOptions {
  url: string;
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  requests?: autocannon.Request[];
  method?: autocannon.Request['method'];
  headers?: Record<string, string>;
  body?: string;
  /** Called once when the window opens (e.g. to read the server's CPU or memory). */
  onWindowStart?: () => void;
}

/** autocannon's default, kept explicit: a request unanswered this long is an error. */
const TIMEOUT_SECONDS = 10;

const emptyCounts = (): WindowCounts => ({ responses: 0, non2xx: 0, errors: 0, timeouts: 0 });

export function runWindowedLoad(options: WindowedLoadOptions): Promise<WindowedLoad> {
  const { url, connections, warmupSeconds, durationSeconds, requests, method, headers, body } = options;
  const started = performance.now();
  const windowStart = started + warmupSeconds * 1000;
  const warmup = emptyCounts();
  const window = { ...emptyCounts(), seconds: 0, latenciesMs: [] as number[], completed: 0 };
  const served = new Set<unknown>();
  let sent = 0;
  let allConnectionsServedAfterMs: number | null = null;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => options.onWindowStart?.(), warmupSeconds * 1000);
    const instance = autocannon(
      {
        url, connections, requests, method, headers, body,
        duration: warmupSeconds + durationSeconds,
        timeout: TIMEOUT_SECONDS,
        // The client emits 'request' before each write (autocannon lib/httpClient.js); its types omit that event.
        setupClient: (client) => void (client as unknown as NodeJS.EventEmitter).on('request', () => (sent += 1)),
      },
      (error: unknown) => {
        clearTimeout(timer);
        window.seconds = (performance.now() - windowStart) / 1000;
        const answered = window.responses + window.errors + warmup.responses + warmup.errors;
        if (!error) resolve({ window, warmup, inFlightAtStop: sent - answered, allConnectionsServedAfterMs });
        else reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
    instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTimeMs: number) => {
      const now = performance.now();
      const counts = now - responseTimeMs >= windowStart ? window : warmup;
      counts.responses += 1;
      if (statusCode < 200 || statusCode > 299) counts.non2xx += 1;
      if (counts === window) window.latenciesMs.push(responseTimeMs);
      if (now >= windowStart) window.completed += 1;
      if (allConnectionsServedAfterMs === null && served.add(client).size === connections) allConnectionsServedAfterMs = now - started;
    });
    instance.on('reqError', (error: Error) => {
      const timedOut = error.message === 'request timed out';
      // A timeout is reported 10 s after its request was sent: count it where it was sent.
      const sentAt = performance.now() - (timedOut ? TIMEOUT_SECONDS * 1000 : 0);
      const counts = sentAt >= windowStart ? window : warmup;
      counts.errors += 1;
      if (timedOut) counts.timeouts += 1;
    });
  });
}
