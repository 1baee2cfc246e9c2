import type { Session } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import type { Cart, Role, UserRecord } from '../db/store';
import { DEFAULT_PREFERENCES, type Preferences } from '../preferences';

export interface CartLineProjection {
  productId: number;
  quantity: number;
}

export interface CartProjection {
  count: number;
  totalCents: number;
  /** Omitted when the token would exceed the cookie budget (count and total stay). */
  items?: CartLineProjection[];
}

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  preferences: Preferences;
}

/**
 * The token's claims, all from the store: the only place claims are made. Nothing from a
 * request body reaches here, so a client cannot grant itself a role. `cart` is the store's
 * cart, or the projection an earlier token made of the same cart version (callbacks.ts).
 */
export function projectClaims(user: UserRecord, cart: Cart | CartProjection): JWT {
  return {
    sub: user.id,
    id: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    preferences: user.preferences,
    sessionVersion: user.sessionVersion,
    cartVersion: user.cartVersion,
    cart: {
      count: cart.count,
      totalCents: cart.totalCents,
      items: (cart.items ?? []).map((line) => ({ productId: line.productId, quantity: line.quantity })),
    },
  };
}

/** The bulky optional part goes first when the cookie budget is exceeded; never `oauth`, which the session needs. */
export function trimClaims(token: JWT): JWT {
  if (!token.cart?.items) return token;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { items, ...cart } = token.cart;
  return { ...token, cart };
}

/**
 * The browser's view of the session, as `callbacks.session` returns it. Never the provider's
 * tokens (the body is readable by any script of the page): only that there are some.
 */
export function toSession(token: JWT, expires: string): Session {
  return {
    ...(token.oauth ? { oidc: { linked: true as const } } : {}),
    user: {
      id: token.id ?? token.sub ?? '',
      name: token.name ?? '',
      email: token.email ?? '',
      role: token.role ?? 'member',
      preferences: token.preferences ?? { ...DEFAULT_PREFERENCES },
    },
    cart: token.cart ?? { count: 0, totalCents: 0, items: [] },
    expires,
  };
}
