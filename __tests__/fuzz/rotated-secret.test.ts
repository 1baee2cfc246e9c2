import '../helpers/fuzz-previous-secret';
import 'next-test-api-route-handler';
import fc from 'fast-check';
import { cookieSpecArb, type CookieSpec } from '../helpers/fuzz-cookies';
import { useFuzzHarness } from '../helpers/fuzz-harness';
import { decodeToken, unambiguousToken } from '../helpers/fuzz-oracle';
import { PREVIOUS_SECRET } from '../helpers/fuzz-previous-secret';
import { checkProperty, jestTimeoutFor, type FuzzBudget } from '../helpers/fuzz-run';
import { checkCookieCase, cookieCaseArb, emptyStats } from '../helpers/fuzz-targets';

/**
 * With NEXTAUTH_SECRET_PREVIOUS set, a cookie from before the rotation still signs in, on
 * our routes and next-auth's, and every answer that keeps the session moves it to the
 * current secret (the harness decodes issued cookies with the current secret only). An
 * error answer must not carry that re-issued cookie: only the expiry of a refused session
 * may ride on an error.
 */

const BUDGET: FuzzBudget = { numRuns: 1500, timeLimitMs: 30_000 };

/** Mostly Alice's pre-rotation token, in any layout and with any edit. */
const rotatedCookieArb: fc.Arbitrary<CookieSpec> = fc
  .tuple(cookieSpecArb, fc.integer({ min: 0, max: 3 }))
  .map(([spec, pick]): CookieSpec => (pick > 0 ? { ...spec, source: 'alice-rotated' } : spec));

describe('fuzz: session cookies across a secret rotation', () => {
  const harnessOf = useFuzzHarness();

  it(
    'accepts pre-rotation tokens and moves every kept session to the current secret',
    async () => {
      const stats = emptyStats();
      let rotatedSignIns = 0;
      const property = fc.asyncProperty(cookieCaseArb(rotatedCookieArb), async (kase) => {
        const { request, checked, user } = await checkCookieCase(harnessOf(), kase, stats);
        const token = unambiguousToken(checked.requestCookies);
        const rotated = token !== undefined && !(await decodeToken(token)) && (await decodeToken(token, [PREVIOUS_SECRET])) !== null;
        if (!rotated || !user || checked.response.status >= 300) return;
        rotatedSignIns += 1;
        if (checked.issued.kind !== 'token') harnessOf().fail(request, checked, ['signed in with a pre-rotation token, but did not re-issue it under the current secret']);
      });
      await checkProperty('rotated-secret', property, BUDGET);
      expect(Object.entries(stats).filter(([, count]) => count === 0)).toEqual([]);
      expect(rotatedSignIns).toBeGreaterThan(0);
    },
    jestTimeoutFor(BUDGET),
  );
});
