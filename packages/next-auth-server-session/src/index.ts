/**
 * Server-side session updates for next-auth v4 (Pages Router), configured by the app's
 * own `authOptions`. The server entry; the browser's is `./client`.
 *
 * - `createSessionUpdater(authOptions, options?)` -> `forRequest(req, res)`: read, update
 *   (`callbacks.jwt` with trigger "update", exactly as next-auth calls it), reissue, end;
 *   in an API route or in `getServerSideProps`.
 * - `withSessionCookieGuard(authOptions, handler)` / `sessions.guard(req, res)`: next-auth's own
 *   writes (its handler, `getServerSession`) expire every other cookie variant too.
 * - `tolerateStoreOutages(jwt, isOutage)`: next-auth keeps sessions through a store
 *   outage; the toolkit answers `unavailable` instead of pretending an update happened.
 * - `createAccessTokenRefresher(options)` -> `ensureFresh(token)`: the OAuth access token kept in
 *   the JWT, refreshed exactly once per refresh token (in-process single flight, a grace window
 *   for late requests, `RefreshCoordination` across instances; `createMemoryCoordination()`).
 * - `createSessionJwt({ secret, previousSecrets })`: optional `authOptions.jwt` with a cached
 *   key and secret rotation; `encodeWithinBudget` keeps a token within its cookie budget.
 * - Lower level, framework-free: the codec, chunking and cookie planning.
 */
export { createSessionUpdater, type AccessTokenResult, type RequestSession, type SessionUpdater } from './session-updater';
export { withSessionCookieGuard, type GuardedRequest } from './cookie-guard';
export type { SessionRequest } from './next-adapter';
export type { SessionUpdate } from './update-session';
export type { PatchCheck, PatchIssue, SessionUpdaterOptions } from './settings';
export type { CurrentSession } from './read-session';
export { tolerateStoreOutages, type JwtCallback } from './callbacks';
export { createSessionJwt, DEFAULT_MAX_AGE_SECONDS, type TokenCodec } from './token-codec';
export { encodeWithinBudget, MAX_COOKIE_BYTES, measureCookieHeaderBytes, type SessionBudget } from './budget';
export { createAccessTokenRefresher, type AccessTokenOutcome, type AccessTokenRefresher } from './access-token-refresher';
export type { AccessTokenRefresherOptions, ClientAuthMethod } from './refresher-settings';
export type { OAuthTokens } from './oauth-tokens';
export { createMemoryCoordination, type MemoryCoordinationOptions, type RefreshCoordination, type StoredSuccessor } from './refresh-coordination';
export { SessionConfigError, TokenRefreshError, type SessionConfigErrorCode, type TokenRefreshErrorCode } from './errors';
export { REVALIDATE_HEADER } from './revalidate-header';

export { createSessionCodec, CodecConfigError, type SessionCodec, type DecodedToken } from './codec';
export { CHUNK_SIZE_CHARS, MAX_CHUNKS, joinChunks, splitIntoChunks, type CookieMap } from './chunks';
export { DEFAULT_SESSION_COOKIE_NAME, defaultSessionCookie, type SessionCookie, type SessionCookieOptions } from './session-cookie';
export { planGuardExpiries, planSessionCookieWrites, planSessionEnd, type AnsweredCookie, type CookieWrite } from './cookie-writes';
