import { createRemoteJWKSet, errors, jwtVerify } from 'jose';

/** The API's audience in the access tokens the identity provider issues (its resource indicator). */
export const API_AUDIENCE = 'urn:app:api';

export interface AccessTokenVerifier {
  /** The token's subject when it is a valid, unexpired access token for this API; null otherwise (an expected outcome). */
  verify(accessToken: string): Promise<{ subject: string } | null>;
}

/** Seconds of clock difference allowed between this server and the provider. */
const CLOCK_TOLERANCE_SECONDS = 5;

async function discoverJwksUri(issuer: string): Promise<URL> {
  const response = await fetch(new URL('.well-known/openid-configuration', issuer.endsWith('/') ? issuer : `${issuer}/`));
  if (!response.ok) throw new Error(`discovery answered ${response.status}`);
  const { jwks_uri: jwksUri } = (await response.json()) as { jwks_uri?: unknown };
  if (typeof jwksUri !== 'string') throw new Error('discovery has no jwks_uri');
  return new URL(jwksUri);
}

/**
 * Verifies the identity provider's JWT access tokens (RFC 9068) with jose against the
 * provider's JWKS (found through discovery once, keys cached and refetched by jose on an
 * unknown key id): signature, issuer, audience and expiry. A bad or expired token is `null`;
 * a provider that cannot be reached for its keys throws (the caller answers 503).
 */
export function createAccessTokenVerifier(options: { issuer: string; audience?: string }): AccessTokenVerifier {
  let keys: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;
  const keysOnce = () => {
    keys ??= discoverJwksUri(options.issuer).then((uri) => createRemoteJWKSet(uri));
    keys.catch(() => (keys = undefined)); // a failed discovery is retried on the next call
    return keys;
  };
  return {
    async verify(accessToken) {
      const jwks = await keysOnce();
      try {
        const { payload } = await jwtVerify(accessToken, jwks, {
          issuer: options.issuer,
          audience: options.audience ?? API_AUDIENCE,
          typ: 'at+jwt',
          clockTolerance: CLOCK_TOLERANCE_SECONDS,
        });
        return typeof payload.sub === 'string' ? { subject: payload.sub } : null;
      } catch (error) {
        if (isKeySetUnreachable(error)) throw error;
        return null;
      }
    },
  };
}

/** A key set that could not be fetched (a network error, jose's timeout), as opposed to a token that does not verify. */
function isKeySetUnreachable(error: unknown): boolean {
  return error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError);
}
