import 'next-test-api-route-handler';
import { METHODS } from 'node:http';
import fc from 'fast-check';
import { bodyBytes, bodySpecArb, type BodySpec } from '../helpers/fuzz-bodies';
import { ALICE_COOKIE, cookieHeaderOf, cookieSpecArb, type CookieSpec } from '../helpers/fuzz-cookies';
import { useFuzzHarness } from '../helpers/fuzz-harness';
import { APP_ORIGIN, expectedStatus, HANDLED_METHODS, isValidName, type ApiRoute, type ModelRequest } from '../helpers/fuzz-model';
import { checkProperty, jestTimeoutFor, type FuzzBudget } from '../helpers/fuzz-run';
import type { RawRequest } from '../helpers/fuzz-server';

/**
 * Our session routes (refresh, profile, cart) under random methods, content types, bodies,
 * Origin / Sec-Fetch-Site headers and cookies. Besides the shared invariants (no 5xx, no
 * unhandled rejection, no cookie on an error, claims = store, roles unchanged), every answer
 * is compared with an independent model of the routes' contracts.
 */

interface ApiRequestSpec {
  route: ApiRoute;
  query: string;
  method: string;
  contentType: string | undefined;
  body: BodySpec;
  chunked: boolean;
  origin: string | undefined;
  secFetchSite: string | undefined;
  cookie: CookieSpec;
}

const BUDGET: FuzzBudget = { numRuns: 6000, timeLimitMs: 100_000 };
const NAMES_BUDGET: FuzzBudget = { numRuns: 500, timeLimitMs: 15_000 };

const OTHER_METHODS = METHODS.filter((method) => !['CONNECT', 'PRI', 'GET', 'POST', 'PATCH', 'DELETE'].includes(method));

const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 });

const routeArb: fc.Arbitrary<ApiRoute> = fc.oneof(
  fc.constantFrom<ApiRoute>({ name: 'refresh' }, { name: 'profile' }, { name: 'cart' }),
  fc
    .oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 12 }).map(String) },
      fc.constantFrom('0', '-1', '1.5', 'abc', ' 7', '1e1', '0x3', '2147483648', '00003', '%', '.5'),
      // '.' and '..' are dot segments: a URL parser removes them before any routing
      headerText.filter((text) => text.length > 0 && text !== '.' && text !== '..'),
    )
    .map((segment): ApiRoute => ({ name: 'cart-line', segment })),
);

const specArb: fc.Arbitrary<ApiRequestSpec> = fc.record({
  route: routeArb,
  query: fc.constantFrom('', '', '', '?productId=5', '?nextauth=session', '?a=1&a=2'),
  method: fc.oneof({ weight: 8, arbitrary: fc.constantFrom('POST', 'PATCH', 'GET', 'DELETE') }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) }),
  contentType: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8') },
    {
      weight: 3,
      arbitrary: fc.constantFrom<string | undefined>(undefined, 'APPLICATION/JSON', 'application/merge-patch+json', 'application/jsonx', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', ';', 'application/json; charset=latin1'),
    },
    { weight: 1, arbitrary: headerText },
  ),
  body: bodySpecArb,
  chunked: fc.boolean(),
  origin: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constant(APP_ORIGIN) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(`${APP_ORIGIN}/`, 'http://LOCALHOST:3000', 'http://localhost', 'https://localhost:3000', 'http://127.0.0.1:3000', 'null', '', 'https://evil.example', `${APP_ORIGIN}.evil.example`, ` ${APP_ORIGIN} `),
    },
    { weight: 1, arbitrary: fc.oneof(fc.webUrl(), headerText) },
  ),
  secFetchSite: fc.oneof(
    { weight: 6, arbitrary: fc.constant(undefined) },
    { weight: 3, arbitrary: fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none') },
    { weight: 1, arbitrary: fc.oneof(fc.constantFrom('CROSS-SITE', 'cross-site, cross-site', ''), headerText) },
  ),
  cookie: fc.oneof({ weight: 3, arbitrary: fc.constant(ALICE_COOKIE) }, { weight: 1, arbitrary: cookieSpecArb }),
});

function pathOf(spec: ApiRequestSpec): string {
  const base = spec.route.name === 'cart-line' ? `/api/cart/${encodeURIComponent(spec.route.segment)}` : spec.route.name === 'refresh' ? '/api/session/refresh' : `/api/${spec.route.name}`;
  return `${base}${spec.query}`;
}

/** The name a 200 from refresh or PATCH /api/profile has just applied, if the body set one. */
function sentName(spec: ApiRequestSpec, body: Buffer | undefined): string | undefined {
  if (spec.cookie !== ALICE_COOKIE || !body?.length || !['refresh', 'profile'].includes(spec.route.name) || spec.method === 'GET') return undefined;
  const value = JSON.parse(body.toString('utf8')) as { name?: unknown; data?: { name?: unknown } } | null; // a 200 parsed it
  const name = spec.route.name === 'refresh' ? value?.data?.name : value?.name;
  return typeof name === 'string' ? name : undefined;
}

describe('fuzz: our session routes under arbitrary requests', () => {
  const harnessOf = useFuzzHarness();
  const statuses = new Map<number, number>();

  it(
    'answers every request as its contract says, without 5xx, stray cookies or privilege change',
    async () => {
      const property = fc.asyncProperty(specArb, async (spec) => {
        const body = bodyBytes(spec.body);
        const headers: Record<string, string> = {};
        const cookie = await cookieHeaderOf(spec.cookie, harnessOf().tokens);
        if (cookie !== undefined) headers.cookie = cookie;
        if (spec.contentType !== undefined) headers['content-type'] = spec.contentType;
        if (spec.origin !== undefined) headers.origin = spec.origin;
        if (spec.secFetchSite !== undefined) headers['sec-fetch-site'] = spec.secFetchSite;
        if (spec.chunked) headers['transfer-encoding'] = 'chunked';
        const request: RawRequest = { method: spec.method, path: pathOf(spec), headers, body, chunked: spec.chunked };
        const model: ModelRequest = { ...spec, body };
        const aliceId = spec.cookie === ALICE_COOKIE ? harnessOf().tokens.aliceId : null;
        const expected = await expectedStatus(model, harnessOf().store, aliceId);

        const checked = await harnessOf().exchange(request, 'api');

        const status = checked.response.status;
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        const problems: string[] = [];
        if (status === 431) return; // Node refused an oversized header before any route ran
        if (expected !== null && status !== expected) problems.push(`expected ${expected} from the routes' contract`);
        if (status === 405 && checked.response.headers.allow !== HANDLED_METHODS[spec.route.name].join(', ')) problems.push('405 without the right Allow header');
        const json = checked.json as { error?: unknown } | undefined;
        if (status >= 400 && spec.method !== 'HEAD' && typeof json?.error !== 'string') problems.push('error answer without a JSON { error } body');
        if (checked.response.headers['cache-control'] !== 'no-store') problems.push('answer without Cache-Control: no-store');
        const name = status === 200 ? sentName(spec, body) : undefined;
        if (name !== undefined) {
          const stored = (await harnessOf().store.findUserById(harnessOf().tokens.aliceId))?.name;
          if (stored !== name.trim()) problems.push(`accepted the name ${JSON.stringify(name)} but stored ${JSON.stringify(stored)}`);
        }
        if (problems.length > 0) harnessOf().fail(request, checked, problems);
      });
      await checkProperty('api-requests', property, BUDGET);
      // The generators reach every outcome, not just the first guard.
      expect([...statuses.keys()]).toEqual(expect.arrayContaining([200, 400, 401, 403, 404, 405, 413, 415]));
    },
    jestTimeoutFor(BUDGET),
  );

  /**
   * Names at the edges of "text": lone surrogates (JSON can carry `"\ud800"`; SQLite would
   * store them as invalid UTF-8 and read back U+FFFD), control characters, emoji (one
   * character, two UTF-16 units), Unicode whitespace. A name is refused, or stored as sent.
   */
  it(
    'stores exactly the name it accepts, and refuses names that are not well-formed text',
    async () => {
      const unit = fc.oneof(
        fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)),
        fc.integer({ min: 0, max: 0x9f }).map((code) => String.fromCharCode(code)),
        fc.constantFrom('a', 'Z', ' ', '\u00a0', '\u2028', '\ufeff', '😀', 'é', 'e\u0301'),
      );
      const nameArb = fc.array(unit, { minLength: 0, maxLength: 90 }).map((parts) => parts.join(''));
      const property = fc.asyncProperty(nameArb, async (name) => {
        const headers = { cookie: `next-auth.session-token=${harnessOf().tokens.alice}`, 'content-type': 'application/json' };
        const request: RawRequest = { method: 'PATCH', path: '/api/profile', headers, body: Buffer.from(JSON.stringify({ name })) };
        const checked = await harnessOf().exchange(request, 'api');
        const stored = (await harnessOf().store.findUserById(harnessOf().tokens.aliceId))?.name;
        const expected = isValidName(name) ? 200 : 400;
        const problems: string[] = [];
        if (checked.response.status !== expected) problems.push(`expected ${expected} for a name of ${name.length} UTF-16 units`);
        if (checked.response.status === 200 && stored !== name.trim()) problems.push(`accepted ${JSON.stringify(name)} but stored ${JSON.stringify(stored)}`);
        if (problems.length > 0) harnessOf().fail(request, checked, problems);
      });
      await checkProperty('profile-names', property, NAMES_BUDGET);
    },
    jestTimeoutFor(NAMES_BUDGET),
  );
});
