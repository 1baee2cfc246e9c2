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

export interface Database {
  users: UsersTable;
  products: ProductsTable;
  cart_items: CartItemsTable;
}
