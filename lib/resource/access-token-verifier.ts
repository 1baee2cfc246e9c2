import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { createDiscoveryReader } from '../auth/oidc-discovery';

/** The API's audience in the access tokens the identity provider issues (its resource indicator). */
export const API_AUDIENCE = 'urn:app:api';

export interface AccessTokenVerifier {
  /** The token's subject when it is a valid, unexpired access token for this API; null otherwise (an expected outcome). */
  verify(accessToken: string): Promise<{ subject: string } | null>;
}

/** Seconds of clock difference allowed between this server and the provider. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Verifies the identity provider's JWT access tokens (RFC 9068) with jose against the
 * provider's JWKS (found through discovery once, keys cached and refetched by jose on an
 * unknown key id): signature, issuer, audience and expiry. A bad or expired token is `null`;
 * a provider that cannot be reached for its keys throws (the caller answers 503).
 */
export function createAccessTokenVerifier(options: { issuer: string; audience?: string; fetch?: typeof fetch }): AccessTokenVerifier {
  const discovery = createDiscoveryReader(options.issuer, options.fetch);
  let keys: ReturnType<typeof createRemoteJWKSet> | undefined;
  // jose refetches the set itself on an unknown key id; a failed discovery is asked again next call.
  const keysOnce = async () => (keys ??= createRemoteJWKSet(new URL((await discovery()).jwksUri)));
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
