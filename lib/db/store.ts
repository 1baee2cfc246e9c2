import type { RefreshCoordination } from 'next-auth-server-session';
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
  /** How many times the user's sessions were revoked ("sign out everywhere"). */
  sessionEpoch: number;
  revokedBefore: number | null;
  disabled: boolean;
  /** Moves with every change to the user's cart lines (any writer: database triggers). */
  cartVersion: number;
  createdAt: number;
  updatedAt: number;
}

/** What every authenticated request compares its token with: one indexed read. */
export interface SessionState {
  sessionVersion: number;
  /** Sessions that began under a lower epoch are refused (tokens issued since revocation counted). */
  sessionEpoch: number;
  /** Sessions that began before this instant (ms) are refused; null = none revoked. Read only for tokens without an epoch. */
  revokedBefore: number | null;
  disabled: boolean;
}

export type SetRoleResult = 'updated' | 'unchanged' | 'unknown-user' | 'last-admin';
/**
 * `forbidden`: the actor is no longer an enabled admin when the change would be made;
 * `session-ended`: the actor's session (its guard) is no longer valid.
 */
export type SetRoleAsResult = SetRoleResult | 'forbidden' | 'session-ended';

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

/**
 * A write on behalf of a session, made only while that session is still valid: the user
 * is enabled and at the epoch the session began under (no "sign out everywhere" since).
 * The check is part of the write, so no revocation can land between check and write.
 */
export interface SessionGuard {
  sessionEpoch: number;
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

/** `session-ended`: the write's SessionGuard failed (revoked, disabled or deleted since); nothing was written. */
export type AddToCartResult = 'added' | 'unknown-product' | 'limit-exceeded' | 'invalid-quantity' | 'unknown-user' | 'session-ended';
export type SetQuantityResult = 'updated' | 'removed' | 'not-in-cart' | 'invalid-quantity' | 'unknown-user' | 'session-ended';

/** A line holds 1..MAX_LINE_QUANTITY; the store enforces it whatever the caller checked. */
export function isValidLineQuantity(quantity: number): boolean {
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_LINE_QUANTITY;
}

/** An Idempotency-Key as a write claims it: per user, bound to the request it was first sent with. */
export interface IdempotencyClaim {
  userId: string;
  key: string;
  /** A digest of method, path and body: the same key on another request is refused. */
  requestHash: string;
  /** After this instant the key is forgotten (removed by the next keyed write or the periodic cleanup) and may be used afresh. */
  expiresAtMs: number;
}

/**
 * Live (unexpired) keys one user may hold: each keeps its answer for a day, so without a cap
 * one account could fill the database with fresh keys. The app's own client sends a fresh
 * key with every write (lib/http/fetch-json.ts), so this is a day's writes of one shopper,
 * with room to spare; retries reuse their key and are not counted again.
 */
export const MAX_LIVE_IDEMPOTENCY_KEYS = 1000;

/** A route's answer as recorded for a key, replayed to its retries. */
export interface StoredAnswer {
  status: number;
  body: unknown;
}

/**
 * - `applied`: this call ran the write (and recorded the key with its outcome);
 * - `replayed`: an earlier call with the key committed; its outcome, and its answer once
 *   the route recorded one (none when that request failed after the write, e.g. timed out);
 * - `key-reused`: the key was first used for a different request; nothing ran.
 * - `too-many-keys`: a fresh key of a user who holds the most live keys allowed; nothing ran
 *   nor was recorded. `retryAfterMs`: until the user's oldest live key expires.
 */
export type OnceResult<T> =
  | { status: 'applied'; outcome: T }
  | { status: 'replayed'; outcome: T; answer: StoredAnswer | null }
  | { status: 'key-reused' }
  | { status: 'too-many-keys'; retryAfterMs: number };

/** The writes that can run under an Idempotency-Key, inside the key's transaction. */
export type KeyedWrites = Pick<Store, 'addToCart' | 'setCartQuantity' | 'updateProfile'>;

/**
 * The app's data store. Expected outcomes (not found, limits) are return values; any
 * failure of the database itself surfaces as `StoreUnavailableError`.
 * Every change to what a session projects (profile, role, cart) bumps `sessionVersion`.
 */
export interface Store {
  findUserById(id: string): Promise<UserRecord | null>;
  findUserByEmail(email: string): Promise<UserWithPassword | null>;
  /** The user an OpenID Connect subject (the provider's `sub` at `issuer`) is linked to, or null. */
  findUserByOidcSubject(issuer: string, subject: string): Promise<UserRecord | null>;
  /**
   * Links the subject to the user: true when it now names this user (linked now or before);
   * false, changing nothing, when the subject is another user's or the user has another
   * subject at this issuer.
   */
  linkOidcSubject(userId: string, issuer: string, subject: string): Promise<boolean>;
  /** null when the email is taken. */
  createUser(user: NewUser): Promise<UserRecord | null>;
  /** null for an unknown user, or (with `guard`) one whose session is no longer valid: nothing written. */
  updateProfile(id: string, change: ProfileChange, guard?: SessionGuard): Promise<UserRecord | null>;
  /** null for an unknown (deleted) user. */
  getSessionState(id: string): Promise<SessionState | null>;
  /**
   * Refuses to demote the last enabled admin (disabled admins do not count). Bumps the
   * target's sessionVersion. No actor is checked: for seeds, scripts and tests; a change
   * made on someone's behalf goes through `setRoleAs`.
   */
  setRole(id: string, role: Role): Promise<SetRoleResult>;
  /**
   * `setRole` by `actorId`, who must still be an enabled admin in the same transaction as
   * the change (an admin demoted or disabled meanwhile gets `forbidden`, changing nothing),
   * and with `guard`, still in the session it names (else `session-ended`, changing nothing).
   */
  setRoleAs(actorId: string, id: string, role: Role, guard?: SessionGuard): Promise<SetRoleAsResult>;
  listUsers(): Promise<UserRecord[]>;
  /**
   * Replaces a user's password hash while it is still `currentHash` (a rehash must not undo
   * a password change made meanwhile). Leaves sessionVersion alone: no claim changes.
   * false for an unknown user or a hash changed meanwhile.
   */
  replacePasswordHash(id: string, currentHash: string, newHash: string): Promise<boolean>;
  /**
   * "Sign out everywhere": sessions that began before now (or under an earlier epoch, which
   * this bumps) are refused. false for an unknown user, or (with `guard`) one whose session
   * is no longer valid: nothing written.
   */
  revokeSessions(id: string, beforeMs: number, guard?: SessionGuard): Promise<boolean>;
  /**
   * Either way the epoch moves (and disabling records the instant as `revokedBefore`), so
   * no session from before is valid again once the account is enabled again.
   */
  setDisabled(id: string, disabled: boolean): Promise<boolean>;
  deleteUser(id: string): Promise<boolean>;
  listProducts(page: number, pageSize: number): Promise<ProductPage>;
  findProduct(id: number): Promise<Product | null>;
  /** Inserts the products whose id is not present yet; returns how many were added. */
  insertMissingProducts(products: Product[]): Promise<number>;
  getCart(userId: string): Promise<Cart>;
  /** With `guard`, nothing is written unless the session is still valid (`session-ended`). */
  addToCart(userId: string, productId: number, quantity: number, guard?: SessionGuard): Promise<AddToCartResult>;
  /** With `guard`, nothing is written unless the session is still valid (`session-ended`). */
  setCartQuantity(userId: string, productId: number, quantity: number, guard?: SessionGuard): Promise<SetQuantityResult>;
  /**
   * Runs `write` at most once per (user, key): the key is recorded in the write's own
   * transaction, before it, so a write that commits after its caller gave up is found by
   * the retry, and a concurrent retry waits for the first and then replays. The outcome
   * is stored as JSON: `T` must be plain data. A fresh key beyond the user's cap of live
   * keys (`MAX_LIVE_IDEMPOTENCY_KEYS` unless configured) runs nothing: `too-many-keys`.
   */
  applyOnce<T>(claim: IdempotencyClaim, write: (writes: KeyedWrites) => Promise<T>): Promise<OnceResult<T>>;
  /** Records the answer for a key applied earlier; the first answer recorded stays. */
  recordAnswer(userId: string, key: string, answer: StoredAnswer): Promise<void>;
  /**
   * Deletes up to `maxRows` keys (of any user) that expired by `beforeMs`; returns how many.
   * The store calls it on a timer of its own; a bounded batch keeps each call's write short.
   */
  deleteExpiredIdempotencyKeys(beforeMs: number, maxRows: number): Promise<number>;
  /**
   * What lets the access-token refresher of every instance exchange a refresh token once
   * (`createAccessTokenRefresher({ coordination })`): sealed successors in this database, a
   * lock per refresh token (lib/db/refresh-coordination.ts). Failures are `StoreUnavailableError`.
   * The same object on every call. A method, not a property, so every key of `Store` is a function.
   */
  refreshCoordination(): RefreshCoordination;
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
