/** One autocannon run of one case, and the check that must pass before any measuring. */
import autocannon from 'autocannon';
import type { HttpCase } from './http-cases';

export interface LoadOutcome {
  result: autocannon.Result;
  /** Every response's latency (ms, fractional): autocannon's histogram keeps whole ms of the 2xx only. */
  latenciesMs: number[];
}

/**
 * Completed requests over the run's real duration. (autocannon's requests.average is a
 * mean of per-second samples that counts the partial last second as one: about 9% low.)
 */
export function requestsPerSecond(result: autocannon.Result): number {
  return result.requests.total / result.duration;
}

export function load(url: string, spec: HttpCase, connections: number, seconds: number): Promise<LoadOutcome> {
  const latenciesMs: number[] = [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url: `${url}${spec.path}`, method: spec.method, headers: spec.headers, body: spec.body, connections, duration: seconds, timeout: 10 },
      (error: unknown, result) => (error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve({ result, latenciesMs })),
    );
    instance.on('response', (_client, _status, _bytes, responseTime) => latenciesMs.push(responseTime));
  });
}

/** One request outside the load: it must succeed and carry alice's session, or nothing is measured. */
export async function probe(url: string, spec: HttpCase): Promise<void> {
  const response = await fetch(`${url}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body, redirect: 'manual' });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${spec.label}: first response was HTTP ${response.status}: ${text.slice(0, 300)}`);
  const carriesSession = spec.id === 'cart-get' ? text.includes('"items"') : text.includes('alice@example.com');
  if (!carriesSession) throw new Error(`${spec.label}: first response has no session for alice: ${text.slice(0, 300)}`);
}
