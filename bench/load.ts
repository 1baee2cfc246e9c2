/** One load run of one case, and the check that must pass before any measuring. */
import type { HttpCase } from './http-cases';
import { runWindowedLoad, type WindowedLoad } from './windowed-load';

/** The case under load: `warmupSeconds` on freshly opened connections, then the measured window. */
export function loadCase(
  url: string,
  spec: HttpCase,
  connections: number,
  seconds: { warmup: number; measured: number },
  onWindowStart?: () => void,
): Promise<WindowedLoad> {
  return runWindowedLoad({
    url: `${url}${spec.path}`,
    method: spec.method,
    headers: spec.headers,
    body: spec.body,
    connections,
    warmupSeconds: seconds.warmup,
    durationSeconds: seconds.measured,
    onWindowStart,
  });
}

/** One request outside the load: it must succeed (and carry alice's session where it has one), or nothing is measured. */
export async function probe(url: string, spec: HttpCase): Promise<void> {
  const response = await fetch(`${url}${spec.path}`, { method: spec.method, headers: spec.headers, body: spec.body, redirect: 'manual' });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`${spec.label}: first response was HTTP ${response.status}: ${text.slice(0, 300)}`);
  if (spec.id === 'floor') {
    if (!text.includes('"status":"ok"')) throw new Error(`${spec.label}: unexpected first response: ${text.slice(0, 300)}`);
    return;
  }
  const carriesSession = spec.id === 'cart-get' ? text.includes('"items"') : text.includes('alice@example.com');
  if (!carriesSession) throw new Error(`${spec.label}: first response has no session for alice: ${text.slice(0, 300)}`);
}
