import type { JWT } from 'next-auth/jwt';
import type { UserRecord } from '../lib/db/store';
import { projectClaims } from '../lib/auth/claims';

/**
 * The claims the app really issues (lib/auth/claims.ts projectClaims, plus the authTime
 * the jwt callback adds), for a user with `cartLines` lines in the cart. Product ids are
 * 1..n; the demo catalog has 240 products, larger carts exist only in this table.
 */
export function realisticClaims(cartLines: number): JWT {
  const now = Date.UTC(2025, 0, 15, 12, 0, 0);
  const user: UserRecord = { id: '6f1c2a4e-8d3b-4f7a-9c21-5b0e7d9a3f18', email: 'alice@example.com', name: 'Alice Example', role: 'member',
    preferences: { theme: 'dark', locale: 'en-GB' }, sessionVersion: 17, sessionEpoch: 0, revokedBefore: null, disabled: false, cartVersion: 9, createdAt: now, updatedAt: now };
  const items = Array.from({ length: cartLines }, (_, index) => ({
    productId: index + 1,
    name: `Product ${index + 1}`,
    priceCents: 499 + (((index + 1) * 737) % 9500),
    quantity: 1 + ((index * 7) % 12),
  }));
  const count = items.reduce((sum, line) => sum + line.quantity, 0);
  const totalCents = items.reduce((sum, line) => sum + line.quantity * line.priceCents, 0);
  return { ...projectClaims(user, { items, count, totalCents }), authTime: now };
}
