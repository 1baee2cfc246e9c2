import { errors } from 'oidc-provider';
import getRawBody from 'raw-body';
import { authenticate, demoAccounts } from './accounts.mjs';
import { escapeHtml, renderPage } from './html.mjs';

/** `/interaction/<uid>` shows the login form; `/login` and `/abort` are its two submissions. */
const ROUTE = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/;
const FORM_LIMIT = '16kb';

export const isInteractionPath = (pathname) => ROUTE.test(pathname);

function sendHtml(res, status, html, headers = {}) {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...headers });
  res.end(html);
}

function loginPage(uid, { email = '', error } = {}) {
  const action = `/interaction/${encodeURIComponent(uid)}`;
  const accounts = demoAccounts().map((account) => `${escapeHtml(account.email)} / ${escapeHtml(account.password)}`).join('<br>');
  return renderPage(
    'Sign in',
    `${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="${action}/login">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required autofocus value="${escapeHtml(email)}">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<form method="post" action="${action}/abort"><button type="submit">Cancel</button></form>
<p class="hint">Development identity provider (idp/README.md). Demo accounts:<br>${accounts}</p>`,
  );
}

const EXPIRED_PAGE = renderPage('Sign-in expired', '<p>This sign-in page has expired or belongs to another browser. Go back to the app and sign in again.</p>');

/** Grants what a consent prompt asks for. Unreached while loadExistingGrant grants everything; kept so no flow can stall on a consent screen. */
async function grantConsent(provider, { grantId, params, session, prompt: { details } }) {
  const grant = grantId ? await provider.Grant.find(grantId) : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
  if (details.missingOIDCScope) grant.addOIDCScope(details.missingOIDCScope.join(' '));
  if (details.missingOIDCClaims) grant.addOIDCClaims(details.missingOIDCClaims);
  for (const [indicator, scopes] of Object.entries(details.missingResourceScopes ?? {})) grant.addResourceScope(indicator, scopes.join(' '));
  return grant.save();
}

async function submitLogin(provider, events, req, res, uid) {
  const form = new URLSearchParams(await getRawBody(req, { limit: FORM_LIMIT, encoding: 'utf8' }));
  const email = form.get('email') ?? '';
  const accountId = authenticate(email, form.get('password') ?? '');
  if (!accountId) {
    events.record({ type: 'login.failure' });
    return sendHtml(res, 401, loginPage(uid, { email, error: 'Wrong email or password.' }));
  }
  events.record({ type: 'login.success', accountId });
  return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

async function dispatch(provider, events, req, res, uid, action) {
  const interaction = await provider.interactionDetails(req, res);
  if (interaction.uid !== uid) throw new errors.SessionNotFound('interaction cookie is for another sign-in');
  if (!action && req.method === 'GET') {
    if (interaction.prompt.name === 'login') return sendHtml(res, 200, loginPage(uid));
    const grantId = await grantConsent(provider, interaction);
    return provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }
  if (!action || req.method !== 'POST') return sendHtml(res, 405, renderPage('Method not allowed', ''), { allow: action ? 'POST' : 'GET' });
  if (action === 'abort') {
    return provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
  }
  return submitLogin(provider, events, req, res, uid);
}

/** Serves the login interaction on Node's req/res (the provider's own routes stay on its Koa app). */
export function createInteractionHandler(provider, events) {
  return async function handleInteraction(req, res, pathname) {
    const [, uid, action] = pathname.match(ROUTE);
    try {
      await dispatch(provider, events, req, res, uid, action);
    } catch (error) {
      if (res.headersSent) return void res.destroy();
      if (error instanceof errors.SessionNotFound) return sendHtml(res, 400, EXPIRED_PAGE);
      if (error?.type === 'entity.too.large') return sendHtml(res, 413, renderPage('Form too large', ''));
      console.error('[idp] interaction failed:', error instanceof Error ? error.message : error);
      sendHtml(res, 500, renderPage('Something went wrong', ''));
    }
  };
}
