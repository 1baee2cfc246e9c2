import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import getRawBody from 'raw-body';
import { DOWN_MODES } from './availability.mjs';

/**
 * The test-control endpoint, on its own loopback port so that it still answers while the
 * provider's listener refuses connections. Only started with an admin token; every
 * request must carry it as `Authorization: Bearer <token>`.
 *
 *   GET    /__idp/events         {"events":[...]}   what happened (idp/events.mjs)
 *   DELETE /__idp/events         204                forget them
 *   POST   /__idp/revoke-grants  {"accountId"}  ->  {"revoked":n}  every grant of the account, with its tokens
 *   POST   /__idp/down           {"mode"}        -> 204  unavailable (503) | stall | refuse
 *   POST   /__idp/up             204
 */
const BODY_LIMIT = '4kb';
const digest = (value) => createHash('sha256').update(value).digest();

function sendJson(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(body === undefined ? undefined : JSON.stringify(body));
}

async function readJson(req) {
  const text = await getRawBody(req, { limit: BODY_LIMIT, encoding: 'utf8' });
  if (!text) return {};
  const body = JSON.parse(text);
  return body !== null && typeof body === 'object' ? body : {};
}

/** Revokes a grant and every token of it, as oidc-provider's own revocation does. */
async function revokeGrant(provider, grantId) {
  await Promise.all([provider.AccessToken, provider.RefreshToken, provider.AuthorizationCode].map((model) => model.revokeByGrantId(grantId)));
  await provider.Grant.adapter.destroy(grantId);
}

function routes({ provider, log, availability }) {
  return {
    'GET /__idp/events': async () => ({ status: 200, body: { events: log.list() } }),
    'DELETE /__idp/events': async () => (log.clear(), { status: 204 }),
    'POST /__idp/revoke-grants': async (body) => {
      if (typeof body.accountId !== 'string' || !body.accountId) return { status: 400, body: { error: 'accountId is required' } };
      const grantIds = log.takeGrantIds(body.accountId);
      await Promise.all(grantIds.map((grantId) => revokeGrant(provider, grantId)));
      log.record({ type: 'admin.grants_revoked', accountId: body.accountId, count: grantIds.length });
      return { status: 200, body: { revoked: grantIds.length } };
    },
    'POST /__idp/down': async (body) => {
      const mode = body.mode ?? 'unavailable';
      if (!DOWN_MODES.includes(mode)) return { status: 400, body: { error: `mode must be one of ${DOWN_MODES.join(', ')}` } };
      await availability.goDown(mode);
      log.record({ type: 'admin.down', mode: availability.mode });
      return { status: 204 };
    },
    'POST /__idp/up': async () => {
      await availability.comeUp();
      log.record({ type: 'admin.up' });
      return { status: 204 };
    },
  };
}

export function createAdminServer({ adminToken, ...context }) {
  const table = routes(context);
  const expected = digest(`Bearer ${adminToken}`);
  return createServer(async (req, res) => {
    if (!timingSafeEqual(expected, digest(req.headers.authorization ?? ''))) return sendJson(res, 401, { error: 'admin token required' });
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    const route = table[`${req.method} ${path}`];
    if (!route) {
      const allowed = Object.keys(table).filter((key) => key.endsWith(` ${path}`)).map((key) => key.split(' ')[0]);
      return allowed.length ? sendJson(res, 405, { error: 'method not allowed' }, { allow: allowed.join(', ') }) : sendJson(res, 404, { error: 'not found' });
    }
    try {
      const { status, body } = await route(await readJson(req));
      sendJson(res, status, body);
    } catch (error) {
      if (error instanceof SyntaxError) return sendJson(res, 400, { error: 'the body must be JSON' });
      if (error?.type === 'entity.too.large') return sendJson(res, 413, { error: 'the body is too large' });
      console.error('[idp] admin action failed:', error instanceof Error ? error.message : error);
      sendJson(res, 500, { error: 'admin action failed' });
    }
  });
}
