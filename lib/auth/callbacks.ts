import type { Account, Profile, Session, User } from 'next-auth';
import type { JWT } from 'next-auth/jwt';
import type { AccessTokenRefresher } from 'next-auth-server-session';
import type { SessionState, Store, UserRecord } from '../db/store';
import type { LogFields } from '../log';
import { oauthTokensOf } from './access-tokens';
import { type CartProjection, projectClaims, toSession } from './claims';
import { assessToken, sessionStartedAt } from './freshness';
import type { OidcAccounts } from './oidc-accounts';
import { OIDC_PROVIDER_ID } from './oidc-provider';
import { SessionEndedError } from './session-ended';
import { isEmptyPatch, parseSessionPatch, type SessionPatch } from './session-patch';
import type { SessionStateReader } from './state-cache';

/** The parameters of next-auth's jwt callback that this policy reads. */
interface JwtCallbackParams {
  token: JWT;
  user?: User;
  /** At sign-in only: the provider's account (for OIDC, with its tokens). */
  account?: Account | null;
  trigger?: 'signIn' | 'signUp' | 'update';
  session?: unknown;
}

export interface SessionCallbacks {
  /** next-auth's signIn callback: an OIDC sign-in must name an enabled user (oidc-accounts.ts); others pass. */
  signIn(params: { account: Account | null; profile?: Profile }): Promise<boolean>;
  /** Throws `StoreUnavailableError` on a store outage: wrap it with `tolerateStoreOutages` for next-auth. */
  jwt(params: JwtCallbackParams): Promise<JWT>;
  session(params: { session: { expires: string }; token: JWT }): Session;
}

export interface CallbackDeps {
  getStore(): Promise<Store>;
  sessionStates: SessionStateReader<SessionState>;
  /** One log line per event; client input goes in `fields` only (`logWarn` of lib/log). */
  warn(event: string, fields: LogFields): void;
  clock?: () => number;
  /** The OpenID Connect sign-in and its access tokens; absent when no provider is configured. */
  oidc?: OidcCallbackDeps;
}

export interface OidcCallbackDeps {
  accounts: OidcAccounts;
  refresher: Pick<AccessTokenRefresher, 'ensureFresh'>;
}

function stateOf(user: UserRecord): SessionState {
  return { sessionVersion: user.sessionVersion, sessionEpoch: user.sessionEpoch, revokedBefore: user.revokedBefore, disabled: user.disabled };
}

/** When and under which epoch a session began: carried over every re-issue. */
interface SessionStart {
  authTime: number;
  /** Absent on tokens minted before epochs existed (see freshness.ts isRevoked). */
  sessionEpoch?: number;
}

function startOf(token: JWT): SessionStart {
  return { authTime: sessionStartedAt(token), sessionEpoch: token.sessionEpoch };
}

/** What a re-projection starts from besides the user id. */
interface ProjectionInput {
  /** When and under which epoch the session began; null: a sign-in, now, under the user's current epoch. */
  start: SessionStart | null;
  /** The token being replaced: its cart is reused while the store's cart is still that one. */
  previous?: JWT;
  /** The user row this request has just written (its RETURNING row): the user read already. */
  written?: UserRecord;
  /** `sessionStates.mark()` from before that write. */
  readMark?: number;
}

/**
 * The cart the previous token carries, while the store's cart is still the one it was read
 * at: a token's cart is read after the user row that gave its `cartVersion`, and every change
 * to the lines moves the version (migration 0007's triggers), so an equal version means the
 * same lines. A trimmed token (no lines, over the cookie budget) is read again.
 */
function cartStillCurrent(previous: JWT | undefined, user: UserRecord): CartProjection | null {
  const cart = previous?.cart;
  return cart?.items && previous?.cartVersion === user.cartVersion ? cart : null;
}

/**
 * Fresh claims from the store. Refuses (throws SessionEndedError) when the user is gone
 * or disabled, or the session was revoked.
 */
async function claimsFromStore(deps: CallbackDeps, userId: string, input: ProjectionInput): Promise<JWT> {
  const { start, previous, written, readMark = deps.sessionStates.mark() } = input;
  const store = await deps.getStore();
  // User (with its versions) first, cart second: a cart change committed in between then
  // leaves the token marked stale (re-issued next time), never "fresh" with an old cart.
  const user = written ?? (await store.findUserById(userId));
  deps.sessionStates.remember(userId, user ? stateOf(user) : null, readMark);
  if (!user) throw new SessionEndedError('user-not-found');
  const began: SessionStart = start ?? { authTime: (deps.clock ?? Date.now)(), sessionEpoch: user.sessionEpoch };
  if (assessToken({ ...began }, stateOf(user)) === 'ended') throw new SessionEndedError('revoked');
  const cart = cartStillCurrent(previous, user) ?? (await store.getCart(userId));
  // A token without an epoch that passes the time rule on this row has outlived every
  // revocation so far: from here on it carries the current epoch instead.
  const claims = { ...projectClaims(user, cart), authTime: began.authTime, sessionEpoch: began.sessionEpoch ?? user.sessionEpoch };
  // The provider's tokens are no claim of the store's: they ride along every re-projection.
  return previous?.oauth ? { ...claims, oauth: previous.oauth } : claims;
}

/**
 * An OIDC sign-in, once the signIn callback has found (or linked) its user: the claims come
 * from the store as for any sign-in, and the provider's tokens go in beside them. A store
 * outage here fails the sign-in (next-auth: `?error=Callback`) instead of being tolerated as
 * on reads: next-auth would then write its default token, whose `sub` is the provider's subject.
 */
async function signInWithOidc(deps: CallbackDeps, account: Account): Promise<JWT> {
  try {
    return await projectOidcSignIn(deps, account);
  } catch (error) {
    throw error instanceof SessionEndedError ? error : new Error('The OIDC sign-in could not read its user', { cause: error });
  }
}

async function projectOidcSignIn(deps: CallbackDeps, account: Account): Promise<JWT> {
  const readMark = deps.sessionStates.mark();
  const user = await deps.oidc?.accounts.findLinkedUser(account);
  if (!user) throw new SessionEndedError('user-not-found');
  const claims = await claimsFromStore(deps, user.id, { start: null, written: user, readMark });
  const oauth = oauthTokensOf(account);
  if (!oauth) deps.warn('auth.oidc-without-refresh-token', { userId: user.id });
  return oauth ? { ...claims, oauth } : claims;
}

/**
 * The provider's access token, refreshed when near expiry, once per refresh token however
 * many requests carry it (the package's refresher). The provider down: the session stays as
 * it is, nobody is signed out. The grant revoked at the provider (or its refresh token
 * spent): the session ends, as a revoked one does.
 */
async function keepAccessTokenFresh(deps: CallbackDeps, token: JWT): Promise<JWT> {
  if (!deps.oidc || !token.oauth) return token;
  const outcome = await deps.oidc.refresher.ensureFresh(token);
  if (outcome.status === 'fresh' || outcome.status === 'refreshed') return outcome.token;
  if (outcome.status === 'no-token') return token;
  const ended = outcome.status === 'revoked';
  deps.warn(ended ? 'auth.provider-sign-in-ended' : 'auth.access-token-unavailable', { userId: token.sub, code: outcome.error.code });
  if (ended) throw new SessionEndedError('provider-sign-in-ended');
  return token;
}

/**
 * trigger "update": the patch (client data on next-auth's path) is validated by the one
 * merge policy, written to the store, and the claims are re-projected from the store.
 * An invalid patch changes nothing: on next-auth's path there is no way to answer 400,
 * and throwing would sign the user out.
 */
async function applyUpdate(deps: CallbackDeps, token: JWT, patchInput: unknown): Promise<JWT> {
  if (typeof token.sub !== 'string') throw new SessionEndedError('no-subject');
  const parsed = parseSessionPatch(patchInput);
  if (!parsed.ok) deps.warn('session.patch-refused', { via: 'next-auth', issues: parsed.issues });
  const readMark = deps.sessionStates.mark(); // before the write whose row is reused below
  const updated = parsed.ok && !isEmptyPatch(parsed.patch) ? await writePatch(deps, token, token.sub, parsed.patch) : undefined;
  return claimsFromStore(deps, token.sub, { start: startOf(token), previous: token, written: updated, readMark });
}

/**
 * Writes the patch while the session is valid, checked by the write itself (one statement,
 * and no revocation lands between check and write) against the token's epoch, or for an
 * older token without one, the epoch of the state it passes the time rule on.
 */
async function writePatch(deps: CallbackDeps, token: JWT, userId: string, patch: SessionPatch): Promise<UserRecord> {
  const sessionEpoch = typeof token.sessionEpoch === 'number' ? token.sessionEpoch : await judgedEpoch(deps, token, userId);
  const updated = await (await deps.getStore()).updateProfile(userId, patch, { sessionEpoch });
  if (!updated) throw new SessionEndedError('revoked'); // or disabled, or deleted: each ends it
  return updated;
}

/** The epoch of the user's state, for a token without one that the time rule lets through. */
async function judgedEpoch(deps: CallbackDeps, token: JWT, userId: string): Promise<number> {
  const state = await deps.sessionStates.get(userId);
  if (!state || assessToken(token, state) === 'ended') throw new SessionEndedError('revoked');
  return state.sessionEpoch;
}

/**
 * Every session read (getServerSession, GET /api/auth/session): one state read, then the
 * token as is, fresh claims when the store moved on, or a refusal. This is also what
 * undoes a stale response that wrote an old cookie back (next-auth issue 8897): its
 * sessionVersion is behind, so the next read re-issues fresh claims.
 */
async function checkToken(deps: CallbackDeps, token: JWT): Promise<JWT> {
  if (typeof token.sub !== 'string') throw new SessionEndedError('no-subject');
  const verdict = assessToken(token, await deps.sessionStates.get(token.sub));
  if (verdict === 'ended') throw new SessionEndedError('revoked');
  return verdict === 'stale' ? claimsFromStore(deps, token.sub, { start: startOf(token), previous: token }) : token;
}

export function createSessionCallbacks(deps: CallbackDeps): SessionCallbacks {
  async function jwt({ token, user, account, trigger, session }: JwtCallbackParams): Promise<JWT> {
    // Sign-in: the claims come from the store, never from the provider's profile.
    if (account?.provider === OIDC_PROVIDER_ID) return signInWithOidc(deps, account);
    if (user) return claimsFromStore(deps, user.id, { start: null });
    const checked = trigger === 'update' ? await applyUpdate(deps, token, session) : await checkToken(deps, token);
    return keepAccessTokenFresh(deps, checked);
  }

  return {
    signIn: (params) => deps.oidc?.accounts.allowSignIn(params) ?? Promise.resolve(true),
    jwt,
    session: ({ session, token }) => toSession(token, session.expires),
  };
}
