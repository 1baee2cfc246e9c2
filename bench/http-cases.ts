/**
 * The requests under load: three on the stock peer, five on our app. Each sends the jar's
 * cookies as they were when the case started: a response re-issues the session cookie, but
 * the original stays valid for the whole run.
 */
import type { SignedInSession } from './app';

export type AppName = 'stock' | 'ours';

interface CaseSpec {
  label: string;
  method: 'GET' | 'POST';
  path: string;
  /** update: what useSession().update(data) sends (CSRF token in the body, its cookie alongside); data: `{ data }` only. */
  body?: 'update' | 'data';
  /** What the first, checked response must contain. */
  expect: string;
  /** The floors: a route that reads no session, asked without cookies. */
  anonymous?: true;
}

// In the order the rounds run them (and back): each target's two cases next to each other (targets.ts).
const SPECS = {
  'stock-update': { label: 'stock: POST /api/auth/session (update)', method: 'POST', path: '/api/auth/session', body: 'update', expect: '"name":"Alice"' },
  refresh: { label: 'ours: POST /api/session/refresh', method: 'POST', path: '/api/session/refresh', body: 'data', expect: 'alice@example.com' },
  'stock-recipe': { label: "stock: the seed article's recipe", method: 'POST', path: '/api/recipe', body: 'data', expect: '"name":"Alice"' },
  'stock-floor': { label: 'stock: GET /api/ping (the floor)', method: 'GET', path: '/api/ping', expect: '"status":"ok"', anonymous: true },
  'cart-get': { label: 'ours: GET /api/cart', method: 'GET', path: '/api/cart', expect: '"items"' },
  health: { label: 'ours: GET /api/health', method: 'GET', path: '/api/health', expect: '"status":"ok"', anonymous: true },
  'session-get': { label: 'ours: GET /api/auth/session', method: 'GET', path: '/api/auth/session', expect: 'alice@example.com' },
  'nextauth-update': { label: 'ours: POST /api/auth/session (update)', method: 'POST', path: '/api/auth/session', body: 'update', expect: 'alice@example.com' },
} satisfies Record<string, CaseSpec>;

export type HttpCaseId = keyof typeof SPECS;
export const HTTP_CASE_IDS = Object.keys(SPECS) as HttpCaseId[];
export const HTTP_CASE_LABELS = Object.fromEntries(HTTP_CASE_IDS.map((id) => [id, SPECS[id].label])) as Record<HttpCaseId, string>;
export const appOf = (id: HttpCaseId): AppName => (id.startsWith('stock-') ? 'stock' : 'ours');

export interface HttpCase {
  id: HttpCaseId;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  expect: string;
}

export function buildHttpCase(id: HttpCaseId, session: SignedInSession): HttpCase {
  const spec: CaseSpec = SPECS[id];
  const cookie = session.jar.header();
  const data = { name: 'Alice' };
  if (!spec.body) return { id, method: spec.method, path: spec.path, headers: spec.anonymous ? {} : { cookie }, expect: spec.expect };
  // Our routes accept an Origin header only when it is the app's own (lib/api/same-origin.ts); a browser sends it.
  const headers = { 'content-type': 'application/json', cookie, origin: session.url };
  const body = JSON.stringify(spec.body === 'update' ? { csrfToken: session.csrfToken, data } : { data });
  return { id, method: spec.method, path: spec.path, headers, body, expect: spec.expect };
}
