/**
 * Server-side session toolkit for next-auth v4 (Pages Router). Public API:
 *
 * - Codec: `createSessionCodec` — next-auth's JWE format, derived key cached, secret rotation.
 * - Config: `createSessionConfig` — codec + cookie name/attributes + cookie size budget,
 *   one object shared by `authOptions` and the routes.
 * - Cookies: `planSessionCookieWrites` / `planSessionCookieClears` (framework-free) and
 *   `writeSessionCookies` (onto a NextApiResponse, no duplicate headers).
 * - Update: `computeSessionUpdate` (core) and `updateSessionOnResponse` (Next adapter).
 */
export { createSessionCodec, CodecConfigError, type SessionCodec, type DecodedToken } from './codec';
export { createSessionConfig, type SessionConfig, type SessionConfigInput } from './config';
export {
  BASE_COOKIE_NAME,
  isSecureCookieMode,
  resolveSessionCookie,
  type SessionCookieConfig,
  type SessionCookieOptions,
} from './cookie-config';
export { CHUNK_SIZE_CHARS, MAX_CHUNKS, joinChunks, splitIntoChunks, type CookieMap } from './chunks';
export { planSessionCookieClears, planSessionCookieWrites, type CookieWrite } from './cookie-writes';
export { readSessionToken, type CurrentSession } from './read-session';
export { computeSessionUpdate, type SessionRuntime, type SessionUpdate } from './update-session';
export type { JwtCallbackParams, SessionCallbackParams, SessionCallbacks } from './callbacks';
export { SessionEndedError, isReportingStoreErrors, runReportingStoreErrors } from './errors';
export {
  REVALIDATE_HEADER,
  getRequestSession,
  reissueIfRotated,
  updateSessionOnResponse,
  writeSessionCookies,
} from './next-adapter';
