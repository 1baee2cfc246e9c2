import 'next-test-api-route-handler';
import fc from 'fast-check';
import { cookieSpecArb } from '../helpers/fuzz-cookies';
import { useFuzzHarness } from '../helpers/fuzz-harness';
import { checkProperty, jestTimeoutFor, type FuzzBudget } from '../helpers/fuzz-run';
import { checkCookieCase, cookieCaseArb, emptyStats, requestFor, simpleNameArb, type Target } from '../helpers/fuzz-targets';
import { SESSION_COOKIE } from '../helpers/session-cookie';

/**
 * Session cookies, mutated: truncated, tampered, reordered, missing or duplicated chunks,
 * both `<name>` and `<name>.0`, 50 chunks, empty, foreign secrets, odd claims. Every route
 * that reads the session (ours and next-auth's) must authenticate exactly the requests
 * that carry a usable token, and never leave the browser a cookie next-auth cannot read.
 */

const MUTATIONS: FuzzBudget = { numRuns: 3500, timeLimitMs: 70_000 };
const BOUNDARY: FuzzBudget = { numRuns: 500, timeLimitMs: 25_000 };

describe('fuzz: session cookies', () => {
  const harnessOf = useFuzzHarness();

  it(
    'authenticates exactly the requests that carry a usable token, whatever the cookie layout',
    async () => {
      const stats = emptyStats();
      const property = fc.asyncProperty(cookieCaseArb(cookieSpecArb), async (kase) => {
        await checkCookieCase(harnessOf(), kase, stats);
      });
      await checkProperty('session-cookies', property, MUTATIONS);
      // The generators reach each kind of case, not only garbage.
      expect(Object.entries(stats).filter(([, count]) => count === 0)).toEqual([]);
    },
    jestTimeoutFor(MUTATIONS),
  );

  /**
   * A stale cookie makes a route re-issue the session first, then write it again after the
   * change. When the two tokens fall on either side of the 3933-character chunk limit, the
   * second write must expire what the first one wrote, or the browser keeps both variants.
   */
  it(
    'never leaves both chunked and unchunked variants when a request crosses the chunk limit',
    async () => {
      const { store, tokens } = harnessOf();
      let crossings = 0;
      // About 85 cart lines put Alice's token at the 3933-character limit (40 characters a line).
      const boundaryArb = fc.record({
        cartLines: fc.integer({ min: 81, max: 88 }),
        storedName: simpleNameArb,
        stale: fc.nat(),
        chunkedLayout: fc.boolean(),
        action: fc.constantFrom<Target>('cart-remove', 'cart-add', 'profile-patch', 'refresh', 'profile-get'),
        name: simpleNameArb,
      });
      const property = fc.asyncProperty(boundaryArb, async (spec) => {
        // Another device changed the cart and the name: this browser's cookie is now stale.
        const cart = await store.getCart(tokens.aliceId);
        for (const line of cart.items) if (line.productId > spec.cartLines) await store.setCartQuantity(tokens.aliceId, line.productId, 0);
        for (let id = 1; id <= spec.cartLines; id += 1) if (!cart.items.some((line) => line.productId === id)) await store.addToCart(tokens.aliceId, id, 1);
        await store.updateProfile(tokens.aliceId, { name: spec.storedName });
        const staleToken = tokens.aliceHistory[spec.stale % tokens.aliceHistory.length] ?? tokens.alice;
        const layout = spec.chunkedLayout && staleToken.length > 3933 ? [[`${SESSION_COOKIE}.0`, staleToken.slice(0, 3933)], [`${SESSION_COOKIE}.1`, staleToken.slice(3933)]] : [[SESSION_COOKIE, staleToken]];
        const cookie = layout.map(([cookieName, value]) => `${cookieName}=${value}`).join('; ');
        const csrf = { cookie: tokens.csrfCookie, token: tokens.csrfToken };
        // Remove the last line or add the next one: the change most likely to cross the limit.
        const productId = spec.action === 'cart-add' ? spec.cartLines + 1 : spec.cartLines;
        const { request, kind } = requestFor(spec.action, { cookie, productId, name: spec.name, csrf });
        // The shared checks include the one that matters here: next-auth's reader sees the issued token.
        const checked = await harnessOf().exchange(request, kind);
        if (checked.issued.kind === 'token' && checked.issued.token.length > 3933 !== layout.length > 1) crossings += 1;
      });
      await checkProperty('chunk-boundary', property, BOUNDARY);
      expect(crossings).toBeGreaterThan(0);
    },
    jestTimeoutFor(BOUNDARY),
  );
});
