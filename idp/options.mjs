/**
 * The provider's settings, read from IDP_* variables: support/idp.ts and scripts/dev.ts set
 * them when they start this process. The one reader of the environment in idp/.
 */

const DEFAULT_REDIRECT_URIS = ['http://localhost:3000/api/auth/callback/oidc', 'http://127.0.0.1:3000/api/auth/callback/oidc'];
const MIN_ADMIN_TOKEN_CHARS = 32;

export class OptionsError extends Error {
  code = 'ERR_IDP_OPTIONS';
  constructor(problems) {
    super(`Invalid identity provider settings: ${problems.join('; ')}`);
    this.name = 'OptionsError';
  }
}

function integer(env, name, fallback, { min, max }, problems) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (Number.isInteger(value) && value >= min && value <= max) return value;
  problems.push(`${name} must be an integer from ${min} to ${max}`);
  return fallback;
}

function absoluteUrls(raw, name, problems) {
  const urls = raw.split(',').map((part) => part.trim()).filter(Boolean);
  for (const url of urls) if (!URL.canParse(url)) problems.push(`${name} has a value that is not an absolute URL`);
  return urls;
}

/** @param {Record<string, string | undefined>} env */
export function readOptions(env = process.env) {
  const problems = [];
  const clientId = env.IDP_CLIENT_ID ?? '';
  const clientSecret = env.IDP_CLIENT_SECRET ?? '';
  if (!clientId) problems.push('IDP_CLIENT_ID is missing');
  if (!clientSecret) problems.push('IDP_CLIENT_SECRET is missing');
  const adminToken = env.IDP_ADMIN_TOKEN || undefined;
  if (adminToken !== undefined && adminToken.length < MIN_ADMIN_TOKEN_CHARS) {
    problems.push(`IDP_ADMIN_TOKEN must be at least ${MIN_ADMIN_TOKEN_CHARS} characters`);
  }
  const resource = env.IDP_RESOURCE || 'urn:app:api';
  if (!URL.canParse(resource)) problems.push('IDP_RESOURCE must be an absolute URI (RFC 8707), e.g. urn:app:api');
  const options = {
    port: integer(env, 'IDP_PORT', 0, { min: 0, max: 65_535 }, problems),
    clientId,
    clientSecret,
    redirectUris: env.IDP_REDIRECT_URIS ? absoluteUrls(env.IDP_REDIRECT_URIS, 'IDP_REDIRECT_URIS', problems) : DEFAULT_REDIRECT_URIS,
    resource,
    accessTokenTtlSeconds: integer(env, 'IDP_ACCESS_TOKEN_TTL_SECONDS', 300, { min: 1, max: 86_400 }, problems),
    refreshTokenTtlSeconds: integer(env, 'IDP_REFRESH_TOKEN_TTL_SECONDS', 86_400, { min: 1, max: 365 * 86_400 }, problems),
    adminToken,
    adminPort: integer(env, 'IDP_ADMIN_PORT', 0, { min: 0, max: 65_535 }, problems),
  };
  if (problems.length > 0) throw new OptionsError(problems);
  return options;
}
