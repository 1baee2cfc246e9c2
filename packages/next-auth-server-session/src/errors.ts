export type SessionConfigErrorCode =
  | 'ERR_SESSION_NO_SECRET'
  | 'ERR_SESSION_NOT_JWT'
  | 'ERR_REFRESH_NO_CLIENT_ID'
  | 'ERR_REFRESH_NO_CLIENT_SECRET'
  | 'ERR_REFRESH_BAD_TOKEN_ENDPOINT'
  | 'ERR_REFRESH_NO_SECRET'
  | 'ERR_REFRESH_BAD_OPTION';

/**
 * Misconfiguration of the toolkit: a programming error with a stable code, thrown at the
 * first use of the updater or of the access-token refresher (not an outcome of a request).
 */
export class SessionConfigError extends Error {
  constructor(
    readonly code: SessionConfigErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SessionConfigError';
  }
}

export type TokenRefreshErrorCode =
  /** The provider answered `invalid_grant`: the grant is revoked or the refresh token spent. */
  | 'ERR_REFRESH_REVOKED'
  /** The refresh token was already exchanged, and its stored successor is past its grace window or cannot be opened. */
  | 'ERR_REFRESH_TOKEN_SPENT'
  /** Another 3xx/4xx answer (`invalid_client`, `unauthorized_client`...): usually the app's client settings. */
  | 'ERR_REFRESH_REJECTED'
  /** 5xx or 429. */
  | 'ERR_REFRESH_PROVIDER_UNAVAILABLE'
  | 'ERR_REFRESH_TIMEOUT'
  | 'ERR_REFRESH_NETWORK'
  /** A 2xx answer without a usable `access_token` / `expires_in`. */
  | 'ERR_REFRESH_MALFORMED_RESPONSE'
  /** The `tokenEndpoint` function failed (discovery down). */
  | 'ERR_REFRESH_ENDPOINT_UNRESOLVED'
  /** The app's `RefreshCoordination` (its store) failed before an exchange could be coordinated. */
  | 'ERR_REFRESH_COORDINATION';

/**
 * Why a refresh did not happen: carried as a value in `ensureFresh`'s outcome, not thrown.
 * It holds the provider's `error` code and the HTTP status only, never a token, a secret or
 * the provider's `error_description`, so it is safe to log.
 */
export class TokenRefreshError extends Error {
  readonly providerError?: string;
  readonly httpStatus?: number;
  constructor(
    readonly code: TokenRefreshErrorCode,
    message: string,
    details: { providerError?: string; httpStatus?: number; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'TokenRefreshError';
    if (details.providerError !== undefined) this.providerError = details.providerError;
    if (details.httpStatus !== undefined) this.httpStatus = details.httpStatus;
  }
}
