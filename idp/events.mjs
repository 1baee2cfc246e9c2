/**
 * What happened at the provider, for tests to count (refresh grants, reuse detection,
 * revocations). Identifiers only: no token, code or secret is ever recorded.
 */
const MAX_EVENTS = 10_000;

export function createEventLog() {
  let events = [];
  const grantIdsByAccount = new Map();
  return {
    record(event) {
      events.push({ at: Date.now(), ...event });
      if (events.length > MAX_EVENTS) events = events.slice(-MAX_EVENTS);
    },
    list: () => events.slice(),
    clear() {
      events = [];
    },
    rememberGrant(accountId, grantId) {
      if (!grantIdsByAccount.has(accountId)) grantIdsByAccount.set(accountId, new Set());
      grantIdsByAccount.get(accountId).add(grantId);
    },
    /** The ids of every grant made for the account so far, forgotten as they are returned. */
    takeGrantIds(accountId) {
      const grantIds = [...(grantIdsByAccount.get(accountId) ?? [])];
      grantIdsByAccount.delete(accountId);
      return grantIds;
    },
  };
}

const grantTypeOf = (ctx) => ctx.oidc?.params?.grant_type;

/** Subscribes the log to oidc-provider's events (its docs/events.md lists them). */
export function recordProviderEvents(provider, log) {
  provider.on('grant.saved', (grant) => log.rememberGrant(grant.accountId, grant.jti));
  provider.on('authorization.success', (ctx) => log.record({ type: 'authorization.success', accountId: ctx.oidc.session?.accountId }));
  provider.on('grant.success', (ctx) => {
    log.record({ type: 'grant.success', grantType: grantTypeOf(ctx), accountId: ctx.oidc.entities.Account?.accountId, grantId: ctx.oidc.entities.Grant?.jti });
  });
  provider.on('grant.error', (ctx, error) => {
    // error_detail says why ("refresh token already used"); the response only says invalid_grant.
    log.record({ type: 'grant.error', grantType: grantTypeOf(ctx), error: error.error ?? 'unknown', errorDetail: error.error_detail });
  });
  provider.on('refresh_token.consumed', (token) => log.record({ type: 'refresh_token.consumed', accountId: token.accountId, grantId: token.grantId }));
  provider.on('grant.revoked', (_ctx, grantId) => log.record({ type: 'grant.revoked', grantId }));
  provider.on('server_error', (_ctx, error) => {
    log.record({ type: 'server_error', error: error?.message });
    console.error('[idp] server error:', error?.message);
  });
}
