import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import Provider, { errors } from 'oidc-provider';
import { findAccount } from './accounts.mjs';
import { renderPage, escapeHtml } from './html.mjs';

/** How long a grant (and the browser session at the provider) lives; each refresh token lives `refreshTokenTtlSeconds`. */
const GRANT_TTL_SECONDS = 14 * 24 * 60 * 60;
const OIDC_SCOPES = 'openid email profile offline_access';
/** The one scope of the resource server; the app asks only for OIDC scopes, so its access tokens carry an empty scope. */
const API_SCOPE = 'api';

/** A fresh RS256 key per start (RS256: what OIDC clients expect for ID tokens by default). */
function createSigningKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: randomUUID(), alg: 'RS256', use: 'sig' };
}

/**
 * First-party client: consent is implied, so a grant with every scope is made on the spot
 * (the `loadExistingGrant` pattern of oidc-provider's docs) and no consent screen shows.
 * A grant revoked by refresh-token reuse stays named in the browser session
 * (panva/node-oidc-provider#1086): it is not found, and a new one is made.
 */
function loadOrCreateGrant(resource) {
  return async function loadExistingGrant(ctx) {
    const { Grant } = ctx.oidc.provider;
    const grantId = ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    const existing = grantId ? await Grant.find(grantId) : undefined;
    if (existing) return existing;
    const grant = new Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.account.accountId });
    grant.addOIDCScope(OIDC_SCOPES);
    grant.addResourceScope(resource, API_SCOPE);
    await grant.save();
    return grant;
  };
}

/** Access tokens are JWTs for one API (RFC 8707 resource indicator, RFC 9068 token), whether or not the client names it. */
function resourceIndicators({ resource, accessTokenTtlSeconds }) {
  return {
    enabled: true,
    defaultResource: async () => resource,
    // Without this, a request with `openid` and no `resource` parameter would get an opaque
    // userinfo token; the app needs a token its API can verify.
    useGrantedResource: async () => true,
    async getResourceServerInfo(_ctx, indicator) {
      if (indicator !== resource) throw new errors.InvalidTarget();
      return { scope: API_SCOPE, audience: resource, accessTokenTTL: accessTokenTtlSeconds, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
    },
  };
}

async function renderError(ctx, out) {
  ctx.type = 'html';
  ctx.body = renderPage('Sign-in error', Object.entries(out).map(([key, value]) => `<p><strong>${escapeHtml(key)}</strong>: ${escapeHtml(value)}</p>`).join(''));
}

/** The OpenID Provider for `issuer` with the one client and the settings of idp/options.mjs. */
export function createProvider(issuer, options) {
  return new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        // client_secret_post is accepted too: oidc-provider treats the two as one method.
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [createSigningKey()] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    scopes: OIDC_SCOPES.split(' '),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    // The app reads the profile from the ID token (its access token is for the API, not userinfo).
    conformIdTokenClaims: false,
    findAccount,
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    loadExistingGrant: loadOrCreateGrant(options.resource),
    pkce: { required: () => true },
    // Always rotate; a consumed refresh token that comes back revokes its whole grant.
    rotateRefreshToken: true,
    // oidc-provider drops a requested offline_access unless prompt=consent is sent too (OIDC
    // Core 11), which Keycloak, Auth0 and Entra ID do not ask for and which makes them show
    // a consent screen. So this client gets a refresh token with every code, living its own
    // TTL rather than the browser session's.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
    expiresWithSession: async () => false,
    features: {
      devInteractions: { enabled: false },
      revocation: { enabled: true },
      resourceIndicators: resourceIndicators(options),
    },
    ttl: {
      AccessToken: options.accessTokenTtlSeconds,
      AuthorizationCode: 60,
      IdToken: 60 * 60,
      Interaction: 10 * 60,
      RefreshToken: options.refreshTokenTtlSeconds,
      Grant: GRANT_TTL_SECONDS,
      Session: GRANT_TTL_SECONDS,
    },
    renderError,
  });
}
