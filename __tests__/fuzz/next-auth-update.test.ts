import 'next-test-api-route-handler';
import fc from 'fast-check';
import { nameArb, patchSlotArb, pollutedPatchTextArb, privilegedArb } from '../helpers/fuzz-bodies';
import { ALICE_COOKIE, cookieHeaderOf, cookieSpecArb, type CookieSpec } from '../helpers/fuzz-cookies';
import { useFuzzHarness } from '../helpers/fuzz-harness';
import { APP_ORIGIN, isValidPatch } from '../helpers/fuzz-model';
import { checkProperty, jestTimeoutFor, type FuzzBudget } from '../helpers/fuzz-run';
import type { RawRequest } from '../helpers/fuzz-server';

/**
 * next-auth's own update path, `POST /api/auth/session { csrfToken, data }`: `data` comes
 * straight from the browser and reaches the jwt callback. Whatever it holds (privileged
 * claims, pollution keys, wrong shapes, form encoding), the session keeps the store's
 * claims, an invalid patch changes nothing, and a valid one is applied.
 */

type UpdateBody =
  | { kind: 'json'; data: unknown; extra: Record<string, unknown> }
  | { kind: 'polluted'; dataText: string }
  | { kind: 'form'; fields: Record<string, string> };

interface UpdateCase {
  body: UpdateBody;
  csrf: 'valid' | 'missing-token' | 'wrong-token' | 'no-cookie' | 'tampered-cookie';
  cookie: CookieSpec;
  method: string;
  action: string;
  query: string;
  contentType: string;
}

const BUDGET: FuzzBudget = { numRuns: 2000, timeLimitMs: 40_000 };
const CALLBACK_URL_BUDGET: FuzzBudget = { numRuns: 600, timeLimitMs: 20_000 };
const ACTIONS_BUDGET: FuzzBudget = { numRuns: 300, timeLimitMs: 15_000 };

const bodyArb: fc.Arbitrary<UpdateBody> = fc.oneof(
  {
    weight: 8,
    arbitrary: fc
      .record({
        data: fc.oneof({ weight: 4, arbitrary: patchSlotArb }, fc.record({ name: nameArb, user: privilegedArb }, { requiredKeys: [] })),
        extra: fc.oneof(
          { weight: 4, arbitrary: fc.constant({}) },
          fc.record({ callbackUrl: fc.constantFrom('/', 'javascript:alert(1)', 'https://evil.example', 'relative') }),
          privilegedArb,
        ),
      })
      .map((body): UpdateBody => ({ kind: 'json', ...body })),
  },
  { weight: 2, arbitrary: pollutedPatchTextArb.map((dataText): UpdateBody => ({ kind: 'polluted', dataText })) },
  {
    weight: 1,
    arbitrary: fc
      .dictionary(fc.constantFrom('data', 'data[role]', 'data[name]', 'role', 'data.role', '__proto__[role]'), fc.constantFrom('admin', 'Mallory', '{"role":"admin"}'))
      .map((fields): UpdateBody => ({ kind: 'form', fields })),
  },
);

const caseArb: fc.Arbitrary<UpdateCase> = fc.record({
  body: bodyArb,
  csrf: fc.oneof({ weight: 6, arbitrary: fc.constant<UpdateCase['csrf']>('valid') }, fc.constantFrom<UpdateCase['csrf']>('missing-token', 'wrong-token', 'no-cookie', 'tampered-cookie')),
  cookie: fc.oneof({ weight: 4, arbitrary: fc.constant(ALICE_COOKIE) }, { weight: 1, arbitrary: cookieSpecArb }),
  method: fc.oneof({ weight: 10, arbitrary: fc.constant('POST') }, fc.constantFrom('GET', 'PUT', 'PATCH', 'DELETE')),
  action: fc.oneof({ weight: 10, arbitrary: fc.constant('session') }, fc.constantFrom('csrf', 'providers', '_log', 'signout', 'error', 'unknown', 'session/extra')),
  query: fc.oneof({ weight: 8, arbitrary: fc.constant('') }, fc.constantFrom('?callbackUrl=%2F', '?callbackUrl=javascript%3Aalert(1)', '?callbackUrl=https%3A%2F%2Fevil.example', '?data=x')),
  contentType: fc.oneof({ weight: 8, arbitrary: fc.constant('application/json') }, fc.constantFrom('application/x-www-form-urlencoded', 'text/plain', 'application/json; charset=utf-8')),
});

function bodyText(body: UpdateBody, csrfToken: string | undefined): string {
  if (body.kind === 'form') return new URLSearchParams({ ...body.fields, ...(csrfToken ? { csrfToken } : {}) }).toString();
  const token = csrfToken ? `"csrfToken":${JSON.stringify(csrfToken)},` : '';
  if (body.kind === 'polluted') return `{${token}"data":${body.dataText}}`;
  return JSON.stringify({ ...body.extra, ...(csrfToken ? { csrfToken } : {}), data: body.data });
}

describe("fuzz: next-auth's update endpoint", () => {
  const harnessOf = useFuzzHarness();

  it(
    'keeps the store authoritative over whatever `data` the browser sends',
    async () => {
      const { store, tokens } = harnessOf();
      let applied = 0;
      const property = fc.asyncProperty(caseArb, async (spec) => {
        const csrfCookie = spec.csrf === 'tampered-cookie' ? `${tokens.csrfCookie.slice(0, -1)}${tokens.csrfCookie.endsWith('0') ? '1' : '0'}` : tokens.csrfCookie;
        const sessionCookie = await cookieHeaderOf(spec.cookie, tokens);
        const cookies = [sessionCookie, spec.csrf === 'no-cookie' ? undefined : `next-auth.csrf-token=${encodeURIComponent(csrfCookie)}`];
        const csrfToken = spec.csrf === 'missing-token' ? undefined : spec.csrf === 'wrong-token' ? 'f'.repeat(64) : tokens.csrfToken;
        const headers = { 'content-type': spec.contentType, cookie: cookies.filter(Boolean).join('; ') };
        const request: RawRequest = { method: spec.method, path: `/api/auth/${spec.action}${spec.query}`, headers, body: Buffer.from(bodyText(spec.body, csrfToken)) };
        const before = await store.findUserById(tokens.aliceId);

        const checked = await harnessOf().exchange(request, 'next-auth');

        const after = await store.findUserById(tokens.aliceId);
        const problems: string[] = [];
        const changed = after?.name !== before?.name || JSON.stringify(after?.preferences) !== JSON.stringify(before?.preferences);
        const mayWrite = spec.method === 'POST' && spec.action.split('/')[0] === 'session' && spec.csrf === 'valid' && checked.authentic.some((token) => token.sub === tokens.aliceId);
        if (changed && !mayWrite) problems.push('the profile changed without a valid CSRF token and session');
        const modelled = mayWrite && spec.cookie === ALICE_COOKIE && spec.body.kind !== 'form' && spec.contentType.startsWith('application/json');
        if (modelled) {
          const user = (checked.json as { user?: { id?: string; role?: string } } | undefined)?.user;
          if (checked.response.status !== 200 || user?.id !== tokens.aliceId || user.role !== 'member') problems.push('a signed-in update must answer 200 with Alice as a member');
          const data = spec.body.kind === 'json' ? spec.body.data : undefined;
          const patch = isValidPatch(data) ? (data as { name?: string; preferences?: object }) : {};
          if (isValidPatch(data)) applied += 1;
          const expectedName = patch.name?.trim() ?? before?.name;
          const expectedPreferences = { ...before?.preferences, ...patch.preferences };
          if (after?.name !== expectedName || JSON.stringify(after?.preferences) !== JSON.stringify(expectedPreferences)) {
            problems.push(`store has ${JSON.stringify([after?.name, after?.preferences])}, expected ${JSON.stringify([expectedName, expectedPreferences])}`);
          }
        }
        if (problems.length > 0) harnessOf().fail(request, checked, problems);
      });
      await checkProperty('next-auth-update', property, BUDGET);
      expect(applied).toBeGreaterThan(0);
    },
    jestTimeoutFor(BUDGET),
  );

  /**
   * next-auth 4.24 answers 500 to a callbackUrl it cannot parse (its config assertion for
   * the query and the callback-url cookie, its default redirect callback for the body), and
   * would redirect to whatever origin it is given. The app drops unusable ones first: any
   * value, anywhere, on any action, gets no 5xx and no redirect off the site.
   */
  it(
    'answers any callbackUrl, in the query, body or cookie, without a 5xx or an off-site redirect',
    async () => {
      const { tokens } = harnessOf();
      const callbackArb = fc.record({
        placement: fc.constantFrom('query', 'json-body', 'form-body', 'cookie'),
        value: fc.oneof(
          fc.constantFrom<unknown>('relative', 'foo/bar', '//evil.example', '/\\evil.example', 'http//x', ' /x', '://', 'http://[', 'javascript:alert(1)', 'https://evil.example/', 'http://localhost:3000/ok', '/ok', '', 5, true, {}, ['/']),
          fc.webUrl(),
          fc.string({ minLength: 1, maxLength: 20 }),
        ),
        action: fc.constantFrom('session', 'csrf', 'providers', 'signin', 'signout', 'signin/credentials', 'callback/credentials', 'error'),
        method: fc.constantFrom('GET', 'POST'),
      });
      const property = fc.asyncProperty(callbackArb, async ({ placement, value, action, method: chosen }) => {
        const method = chosen;
        const text = typeof value === 'string' ? value : JSON.stringify(value);
        const query = placement === 'query' ? `?callbackUrl=${encodeURIComponent(text)}` : '';
        const csrf = `next-auth.csrf-token=${encodeURIComponent(tokens.csrfCookie)}`;
        const cookie = placement === 'cookie' ? `${csrf}; next-auth.callback-url=${encodeURIComponent(text)}` : csrf;
        // Wrong credentials: a real sign-in attempt, answered without signing anyone in.
        const fields = { csrfToken: tokens.csrfToken, email: 'nobody@example.com', password: 'x', json: 'true' };
        const form = placement !== 'json-body';
        const body = form
          ? new URLSearchParams({ ...fields, ...(placement === 'form-body' ? { callbackUrl: text } : {}) }).toString()
          : JSON.stringify({ ...fields, callbackUrl: value });
        const headers = { cookie, 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' };
        const request: RawRequest = { method, path: `/api/auth/${action}${query}`, headers, body: Buffer.from(body) };
        const checked = await harnessOf().exchange(request, 'next-auth');
        const target = checked.response.headers.location ?? (checked.json as { url?: unknown } | undefined)?.url;
        if (typeof target === 'string' && new URL(target, APP_ORIGIN).origin !== APP_ORIGIN) {
          harnessOf().fail(request, checked, [`redirects off the site, to ${target}`]);
        }
      });
      await checkProperty('next-auth-callback-url', property, CALLBACK_URL_BUDGET);
    },
    jestTimeoutFor(CALLBACK_URL_BUDGET),
  );

  function signInAttempt(method: string, action: string): RawRequest {
    const csrf = `next-auth.csrf-token=${encodeURIComponent(harnessOf().tokens.csrfCookie)}`;
    const body = new URLSearchParams({ csrfToken: harnessOf().tokens.csrfToken, email: 'nobody@example.com', password: 'x', json: 'true' }).toString();
    const headers = { cookie: csrf, 'content-type': 'application/x-www-form-urlencoded' };
    return { method, path: `/api/auth/${action}`, headers, body: Buffer.from(body) };
  }

  it(
    'answers every next-auth action under every method without a 5xx',
    async () => {
      const requestArb = fc.record({
        action: fc.constantFrom('session', 'csrf', 'providers', 'signin', 'signin/credentials', 'signout', 'callback/credentials', 'callback/unknown', 'error', '_log', 'verify-request', 'unknown', ''),
        method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'HEAD', 'OPTIONS'),
      });
      const property = fc.asyncProperty(requestArb, async ({ action, method }) => {
        await harnessOf().exchange(signInAttempt(method, action), 'next-auth');
      });
      await checkProperty('next-auth-actions', property, ACTIONS_BUDGET);
    },
    jestTimeoutFor(ACTIONS_BUDGET),
  );

  // Found by this suite: next-auth 4.24 answered 500 here; the route now refuses it first.
  it('GET /api/auth/callback/credentials answers 405 with Allow: POST', async () => {
    const response = await harnessOf().server.send(signInAttempt('GET', 'callback/credentials'));

    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('POST');
  });
});
