import type { JWT } from 'next-auth/jwt';
import { SessionConfigError, TokenRefreshError } from './errors';
import { createExpiringMap } from './expiring-map';
import { hashRefreshToken, readOAuthTokens, type OAuthTokens, type RefreshResult } from './oauth-tokens';
import { resolveRefresherSettings, type AccessTokenRefresherOptions, type RefresherSettings } from './refresher-settings';
import type { OpenedSuccessor } from './successor-seal';
import { requestRefreshGrant } from './token-endpoint';

/**
 * What `ensureFresh` came to, as a value:
 * - `fresh`: the token as it was (not within `skewSeconds` of expiry), and its `tokens`;
 * - `refreshed`: a new token object with the successor `tokens` (write it: return it from `callbacks.jwt`);
 * - `unavailable`: provider or store down, timeout, malformed answer, refused client: keep the session, answer 503;
 * - `revoked`: `invalid_grant` (or a spent refresh token): end the session;
 * - `no-token`: the JWT carries no OAuth tokens under the claim.
 */
export type AccessTokenOutcome<T extends JWT = JWT> =
  | { status: 'fresh'; token: T; tokens: OAuthTokens }
  | { status: 'refreshed'; token: T; tokens: OAuthTokens }
  | { status: 'unavailable'; error: TokenRefreshError }
  | { status: 'revoked'; error: TokenRefreshError }
  | { status: 'no-token' };

export interface AccessTokenRefresher {
  /** Refreshes the JWT's access token when it is within `skewSeconds` of expiry, exactly once per refresh token. */
  ensureFresh<T extends JWT>(token: T): Promise<AccessTokenOutcome<T>>;
}

/** Successful exchanges remembered in one process at most; beyond it the store still answers. */
const MAX_REMEMBERED_SUCCESSORS = 10_000;

/**
 * Refreshes OAuth access tokens kept in next-auth's JWT so that one refresh token is
 * exchanged once, however many requests carry it: concurrent calls in a process share one
 * exchange; a call arriving later with the old refresh token gets the successor (remembered
 * for `graceSeconds`), and across instances `coordination` holds a lock per refresh token
 * and the sealed successor. Providers that rotate refresh tokens with reuse detection
 * (oidc-provider, Auth0, Okta) revoke the whole grant when a spent one comes back; next-auth's
 * documented recipe (refresh inside `callbacks.jwt`) coordinates nothing.
 * Options are read on the first `ensureFresh`; misconfiguration throws `SessionConfigError`.
 * @example
 * const refresher = createAccessTokenRefresher({
 *   tokenEndpoint: async () => (await discover(issuer)).token_endpoint,
 *   clientId: env.CLIENT_ID, clientSecret: env.CLIENT_SECRET,
 * });
 * // authOptions.callbacks:
 * jwt: tolerateStoreOutages(async ({ token, account }) => {
 *   if (account) return { ...token, oauth: { accessToken: account.access_token, refreshToken: account.refresh_token, accessTokenExpiresAt: account.expires_at } };
 *   const outcome = await refresher.ensureFresh(token);
 *   if (outcome.status === 'fresh' || outcome.status === 'refreshed') return outcome.token;
 *   if (outcome.status === 'no-token') return token;
 *   throw outcome.error; // revoked: next-auth ends the session; unavailable: kept (below)
 * }, (error) => error instanceof TokenRefreshError && error.code !== 'ERR_REFRESH_REVOKED'),
 */
export function createAccessTokenRefresher(options: AccessTokenRefresherOptions): AccessTokenRefresher {
  let exchanger: Exchanger | undefined;
  const resolve = () => (exchanger ??= createExchanger(resolveRefresherSettings(options)));

  return {
    async ensureFresh<T extends JWT>(token: T): Promise<AccessTokenOutcome<T>> {
      const { settings, successorOf } = resolve();
      const current = readOAuthTokens(token, settings.claim);
      if (!current) return { status: 'no-token' };
      const nowSeconds = settings.clock() / 1000;
      if (current.accessTokenExpiresAt - settings.skewSeconds > nowSeconds) return { status: 'fresh', token, tokens: current };
      const result = await successorOf(current);
      if (!result.ok) return { status: result.status, error: result.error };
      return { status: 'refreshed', token: { ...token, [settings.claim]: result.tokens }, tokens: result.tokens };
    },
  };
}

interface Exchanger {
  settings: RefresherSettings;
  successorOf(current: OAuthTokens): Promise<RefreshResult>;
}

/**
 * Whether a successor found for `current`'s refresh token answers it. A provider that rotates
 * answered with a new refresh token: the successor is the answer while its grace window runs,
 * and after it the old refresh token is spent (sending it again would revoke the grant). One
 * that does not rotate answered with the same refresh token: an earlier exchange, worth taking
 * only while it is in its window and newer than what the request carries.
 */
function judgeSuccessor(found: OpenedSuccessor, current: OAuthTokens): 'use' | 'exchange' | 'spent' {
  const rotated = found.tokens.refreshToken !== current.refreshToken;
  if (found.expired) return rotated ? 'spent' : 'exchange';
  return rotated || found.tokens.accessTokenExpiresAt > current.accessTokenExpiresAt ? 'use' : 'exchange';
}

function createExchanger(settings: RefresherSettings): Exchanger {
  const inFlight = new Map<string, Promise<RefreshResult>>();
  const remembered = createExpiringMap<OAuthTokens>(MAX_REMEMBERED_SUCCESSORS, settings.clock);
  // A refresh token the provider refused stays refused: the tabs and requests still carrying it
  // are answered without asking again. An unavailable provider is not remembered (retried next call).
  const refused = createExpiringMap<TokenRefreshError>(MAX_REMEMBERED_SUCCESSORS, settings.clock);

  function remember(key: string, result: RefreshResult): void {
    const windowMs = settings.graceSeconds * 1000;
    if (result.ok) remembered.set(key, result.tokens, windowMs);
    else if (result.status === 'revoked') refused.set(key, result.error, windowMs);
  }

  function successorOf(current: OAuthTokens): Promise<RefreshResult> {
    const key = hashRefreshToken(current.refreshToken);
    const tokens = remembered.get(key);
    if (tokens && judgeSuccessor({ tokens, expired: false }, current) === 'use') return Promise.resolve({ ok: true, tokens });
    const error = refused.get(key);
    if (error) return Promise.resolve({ ok: false, status: 'revoked', error });
    let flight = inFlight.get(key);
    if (!flight) {
      flight = exchangeOnce(settings, key, current)
        .then((result) => {
          remember(key, result);
          return result;
        })
        .finally(() => inFlight.delete(key));
      inFlight.set(key, flight);
    }
    return flight;
  }

  return { settings, successorOf };
}

/** Under the coordination's lock: the successor another request stored, else one exchange, stored. */
async function exchangeOnce(settings: RefresherSettings, key: string, current: OAuthTokens): Promise<RefreshResult> {
  const { coordination } = settings;
  let outcome: RefreshResult | undefined;
  try {
    return await coordination.runExclusive(key, async () => {
      const stored = await coordination.readSuccessor(key);
      const answered = stored === null ? null : await useStored(settings, key, stored, current);
      outcome = answered ?? (await exchange(settings, key, current.refreshToken));
      return outcome;
    });
  } catch (error) {
    if (error instanceof SessionConfigError) throw error;
    if (outcome) return outcome; // the lock's release failed after the work: its result stands
    const failure = new TokenRefreshError('ERR_REFRESH_COORDINATION', 'the refresh coordination (the app\'s store) failed; no exchange was attempted', { cause: error });
    return { ok: false, status: 'unavailable', error: failure };
  }
}

/** The stored successor's answer, or null when the refresh token is to be exchanged after all (a provider that does not rotate). */
async function useStored(settings: RefresherSettings, key: string, stored: string, current: OAuthTokens): Promise<RefreshResult | null> {
  const found = await settings.seal.open(key, stored);
  const judged = found ? judgeSuccessor(found, current) : 'spent';
  if (found && judged === 'use') return { ok: true, tokens: found.tokens };
  if (judged === 'exchange') return null;
  // A row is written only after an exchange: the refresh token was spent, and sending it again would revoke the grant.
  const error = new TokenRefreshError('ERR_REFRESH_TOKEN_SPENT', 'this refresh token was already exchanged, and its successor is past its grace window or cannot be opened (another secret?); the user must sign in again');
  return { ok: false, status: 'revoked', error };
}

async function exchange(settings: RefresherSettings, key: string, refreshToken: string): Promise<RefreshResult> {
  let url: URL;
  try {
    url = await settings.tokenEndpoint();
  } catch (error) {
    if (error instanceof SessionConfigError) throw error;
    const failure = new TokenRefreshError('ERR_REFRESH_ENDPOINT_UNRESOLVED', 'the tokenEndpoint function failed (discovery down?)', { cause: error });
    return { ok: false, status: 'unavailable', error: failure };
  }
  const { clientId, clientSecret, clientAuth, timeoutMs } = settings;
  const nowSeconds = Math.floor(settings.clock() / 1000);
  const result = await requestRefreshGrant({ url, clientId, clientSecret, clientAuth, refreshToken, fetch: settings.fetch, timeoutMs, nowSeconds });
  if (result.ok) await storeSuccessor(settings, key, result.tokens);
  return result;
}

async function storeSuccessor(settings: RefresherSettings, key: string, tokens: OAuthTokens): Promise<void> {
  try {
    const sealed = await settings.seal.seal(key, tokens, settings.graceSeconds);
    await settings.coordination.writeSuccessor(key, sealed, settings.graceSeconds);
  } catch (error) {
    // The new tokens stand for this request (the old refresh token is spent); other instances will not find them.
    settings.logError('REFRESH_SUCCESSOR_NOT_STORED', error);
  }
}
