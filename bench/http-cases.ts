/**
 * The four requests under load. Each sends the jar's cookies as they were when the case
 * started: a response re-issues the session cookie, but the original stays valid for
 * the whole run (30-day expiry; only a revocation would end it).
 */
import type { SignedInSession } from './app';

export const HTTP_CASE_IDS = ['refresh', 'nextauth-update', 'session-get', 'cart-get', 'floor'] as const;
export type HttpCaseId = (typeof HTTP_CASE_IDS)[number];

/**
 * A route that does nothing (no session, no store): what Next.js alone costs per request
 * and the lowest p99 any route can reach here. Not one of the cases, so no p99
 * target applies to it, and it is not profiled.
 */
export const FLOOR_CASE: HttpCaseId = 'floor';

/** The case every ratio is taken against. */
export const BASELINE_CASE: HttpCaseId = 'nextauth-update';

export interface HttpCase {
  id: HttpCaseId;
  label: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export const HTTP_CASE_LABELS: Record<HttpCaseId, string> = {
  refresh: 'POST /api/session/refresh (ours)',
  'nextauth-update': 'POST /api/auth/session (next-auth update)',
  'session-get': 'GET /api/auth/session',
  'cart-get': 'GET /api/cart',
  floor: 'GET /api/health (Next.js floor)',
};

const PATCH = { name: 'Alice' };

export function buildHttpCase(id: HttpCaseId, session: SignedInSession): HttpCase {
  const cookie = session.jar.header();
  const json = { 'content-type': 'application/json', cookie };
  const base = { id, label: HTTP_CASE_LABELS[id] };
  switch (id) {
    case 'refresh':
      // Origin is optional; when sent it must be the app's own (lib/api/same-origin.ts).
      return { ...base, method: 'POST', path: '/api/session/refresh', headers: { ...json, origin: session.url }, body: JSON.stringify({ data: PATCH }) };
    case 'nextauth-update':
      // What useSession().update(data) sends: the CSRF token in the body, its cookie alongside.
      return { ...base, method: 'POST', path: '/api/auth/session', headers: json, body: JSON.stringify({ csrfToken: session.csrfToken, data: PATCH }) };
    case 'session-get':
      return { ...base, method: 'GET', path: '/api/auth/session', headers: { cookie } };
    case 'cart-get':
      return { ...base, method: 'GET', path: '/api/cart', headers: { cookie } };
    case 'floor':
      return { ...base, method: 'GET', path: '/api/health', headers: {} };
  }
}
