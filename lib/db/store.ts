import type { Preferences } from '../preferences';
import type { Role } from './schema';

export type { Role };

export interface UserRecord {
  id: string;
  email: string;
  name: string;
  role: Role;
  preferences: Preferences;
  sessionVersion: number;
  revokedBefore: number | null;
  disabled: boolean;
  createdAt: number;
  updatedAt: number;
}

/** What every authenticated request compares its token with: one indexed read. */
export interface SessionState {
  sessionVersion: number;
  /** Sessions that began before this instant (ms) are refused; null = none revoked. */
  revokedBefore: number | null;
  disabled: boolean;
}

export type SetRoleResult = 'updated' | 'unchanged' | 'unknown-user' | 'last-admin';

export interface UserWithPassword extends UserRecord {
  passwordHash: string;
}

export interface NewUser {
  email: string;
  name: string;
  passwordHash: string;
  role: Role;
  preferences?: Preferences;
}

export interface ProfileChange {
  name?: string;
  preferences?: Partial<Preferences>;
}

export interface Product {
  id: number;
  name: string;
  priceCents: number;
}

export interface ProductPage {
  items: Product[];
  page: number;
  pageSize: number;
  total: number;
}

export interface CartLine {
  productId: number;
  name: string;
  priceCents: number;
  quantity: number;
}

export interface Cart {
  items: CartLine[];
  count: number;
  totalCents: number;
}

export const MAX_LINE_QUANTITY = 99;

export type AddToCartResult = 'added' | 'unknown-product' | 'limit-exceeded' | 'invalid-quantity' | 'unknown-user';
export type SetQuantityResult = 'updated' | 'removed' | 'not-in-cart' | 'invalid-quantity' | 'unknown-user';

/** A line holds 1..MAX_LINE_QUANTITY; the store enforces it whatever the caller checked. */
export function isValidLineQuantity(quantity: number): boolean {
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY;
}

/**
 * The app's data store. Expected outcomes (not found, limits) are return values; any
 * failure of the database itself surfaces as `StoreUnavailableError`.
 * Every change to what a session projects (profile, role, cart) bumps `sessionVersion`.
 */
export interface Store {
  findUserById(id: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserWithPassword | null>;
  /** null when the email is taken. */
  createUser(user: NewUser): Promise<UserRecord | null>;
  updateProfile(id: string, change: ProfileChange): Promise<UserRecord | null>;
  /** null for an unknown (deleted) user. */
  getSessionState(id: string): Promise<SessionState | null>;
  /** Refuses to demote the last admin. Bumps the target's sessionVersion. */
  setRole(id: string, role: Role): Promise<SetRoleResult>;
  listUsers(): Promise<UserRecord[]>;
  /** "Sign out everywhere": sessions that began before now are refused. */
  revokeSessions(id: string, beforeMs: number): Promise<boolean>;
  setDisabled(id: string, disabled: boolean): Promise<boolean>;
  deleteUser(id: string): Promise<boolean>;
  listProducts(page: number, pageSize: number): Promise<ProductPage>;
  findProduct(id: number): Promise<Product | null>;
  /** Inserts the products whose id is not present yet; returns how many were added. */
  insertMissingProducts(products: Product[]): Promise<number>;
  getCart(userId: string): Promise<Cart>;
  addToCart(userId: string, productId: number, quantity: number): Promise<AddToCartResult>;
  setCartQuantity(userId: string, productId: number, quantity: number): Promise<SetQuantityResult>;
  close(): Promise<void>;
}

/** The store could not be reached or failed; callers answer 503 and change nothing. */
export class StoreUnavailableError extends Error {
  readonly code = 'ERR_STORE_UNAVAILABLE';
  constructor(options?: { cause?: unknown }) {
    super('The data store is unavailable', options);
    this.name = 'StoreUnavailableError';
  }
}
