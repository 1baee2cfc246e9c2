import type { ColumnType, Generated } from 'kysely';

/** Timestamps are epoch milliseconds in both dialects (bigint in PostgreSQL, integer in SQLite). */
type Millis = ColumnType<number, number, number>;

export type Role = 'member' | 'admin';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: Role;
  /** JSON text: `Preferences`. Text in both dialects keeps the store code dialect-free. */
  preferences: string;
  session_version: Generated<number>;
  /** Bumped by each "sign out everywhere" (see freshness.ts). */
  session_epoch: Generated<number>;
  /** Bumped by every change to the user's cart lines (triggers of migration 0007). */
  cart_version: Generated<number>;
  revoked_before: ColumnType<number | null, number | null | undefined, number | null>;
  disabled_at: ColumnType<number | null, number | null | undefined, number | null>;
  created_at: Millis;
  updated_at: Millis;
}

export interface ProductsTable {
  id: number;
  name: string;
  price_cents: number;
}

export interface CartItemsTable {
  user_id: string;
  product_id: number;
  quantity: number;
}

/** The refresher's sealed successors (migration 0009; lib/db/refresh-coordination.ts). */
export interface OauthRefreshSuccessorsTable {
  /** SHA-256 (base64url) of the refresh token that was exchanged: never the token. */
  key: string;
  /** The package's compact JWE of the successor tokens: the store never holds them in the clear. */
  sealed: string;
  /** When the row is forgotten (its grace window plus the time spent tokens are remembered). */
  expires_at: Millis;
}

/** Which user an OpenID Connect subject signs in as (migration 0010; lib/auth/oidc-accounts.ts). */
export interface OidcLinksTable {
  /** The issuer as configured (OIDC_ISSUER). */
  issuer: string;
  /** The provider's `sub`: stable at the provider, unlike the email. */
  subject: string;
  user_id: string;
  linked_at: Millis;
}

export interface Database {
  users: UsersTable;
  products: ProductsTable;
  cart_items: CartItemsTable;
  oauth_refresh_successors: OauthRefreshSuccessorsTable;
  oidc_links: OidcLinksTable;
}
