import { discoveryUrlOf } from './oidc-provider';

/** What the app reads from the provider's discovery document. */
export interface OidcDiscovery {
  tokenEndpoint: string;
  jwksUri: string;
}

const DISCOVERY_TIMEOUT_MS = 5_000;

async function fetchDiscovery(issuer: string, fetchImpl: typeof fetch): Promise<OidcDiscovery> {
  const response = await fetchImpl(discoveryUrlOf(issuer), { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`the discovery document answered ${response.status}`);
  const { token_endpoint: tokenEndpoint, jwks_uri: jwksUri } = (await response.json()) as { token_endpoint?: unknown; jwks_uri?: unknown };
  if (typeof tokenEndpoint !== 'string') throw new Error('the discovery document names no token_endpoint');
  if (typeof jwksUri !== 'string') throw new Error('the discovery document names no jwks_uri');
  return { tokenEndpoint, jwksUri };
}

/**
 * The provider's discovery document, read on first use and kept for the life of the reader.
 * A failure is not kept: the next call asks again.
 */
export function createDiscoveryReader(issuer: string, fetchImpl: typeof fetch = fetch): () => Promise<OidcDiscovery> {
  let found: Promise<OidcDiscovery> | undefined;
  return () => {
    found ??= fetchDiscovery(issuer, fetchImpl).catch((error: unknown) => {
      found = undefined;
      throw error;
    });
    return found;
  };
}
