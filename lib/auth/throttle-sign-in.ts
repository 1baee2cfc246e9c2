import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { logWarn } from '../log';
import { clientIpOf } from './client-ip';
import type { SignInOutcome, SignInThrottle, ThrottleDecision } from './sign-in-throttle';

export interface ThrottleSignInOptions {
  getThrottle(): Promise<SignInThrottle>;
  /** Read the client IP from X-Forwarded-For (TRUST_PROXY). */
  trustProxy: boolean;
  /** next-auth's session cookie (`authOptions.cookies.sessionToken.name`): its Set-Cookie means success. */
  sessionCookieName: string;
}

function headerValues(value: number | string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [String(value)];
}

/**
 * next-auth's credentials callback (core/routes/callback.js) redirects to
 * `/api/auth/error?error=CredentialsSignin` when `authorize` returns null, which its Next
 * adapter (next/index.js) sends as `res.json({ url })` for `json: true` (signIn()) and as
 * a 302 otherwise; the URL is the only thing telling a wrong password from a thrown
 * `authorize` (store outage) or a bad CSRF token. The wrapper keeps the JSON's URL.
 */
function recordRedirect(res: NextApiResponse): () => string | undefined {
  let jsonUrl: string | undefined;
  const json = res.json.bind(res);
  res.json = (body: unknown) => {
    if (body && typeof body === 'object' && typeof (body as { url?: unknown }).url === 'string') jsonUrl = (body as { url: string }).url;
    json(body);
  };
  return () => jsonUrl ?? headerValues(res.getHeader('location'))[0];
}

/** A success is the only answer that writes the session cookie (whole, or its `.0` chunk). */
function setsSessionCookie(res: NextApiResponse, cookieName: string): boolean {
  return headerValues(res.getHeader('set-cookie')).some((header) => {
    const [name = '', value = ''] = header.split(';', 1)[0]?.split('=') ?? [];
    return (name.trim() === cookieName || name.trim() === `${cookieName}.0`) && value.trim() !== '';
  });
}

function outcomeOf(res: NextApiResponse, redirect: string | undefined, cookieName: string): SignInOutcome {
  if (setsSessionCookie(res, cookieName)) return 'succeeded';
  const error = redirect ? new URL(redirect, 'http://localhost').searchParams.get('error') : null;
  return error === 'CredentialsSignin' ? 'failed' : 'not-checked';
}

function submittedEmail(req: NextApiRequest): string {
  const body: unknown = req.body;
  const email = body && typeof body === 'object' ? (body as { email?: unknown }).email : undefined;
  return typeof email === 'string' ? email : '';
}

/** A wait as a person reads it: seconds, minutes or hours (a daily limit's wait is up to 24 h). */
function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 2 * 60 * 60) return `${Math.ceil(seconds / 60)} min`;
  return `${Math.ceil(seconds / 3600)} h`;
}

function answerThrottled(res: NextApiResponse, { retryAfterSeconds, limit }: Extract<ThrottleDecision, { allowed: false }>): void {
  const wait = describeWait(retryAfterSeconds);
  const error =
    limit === 'account-per-day'
      ? `Too many failed sign-ins for this account today; try again in ${wait}, or from a network you have signed in from before.`
      : `Too many sign-in attempts; try again in ${wait}.`;
  res.setHeader('Retry-After', String(retryAfterSeconds));
  res.setHeader('Cache-Control', 'no-store');
  res.status(429).json({ error });
}

/**
 * Wraps next-auth's handler for `POST /api/auth/callback/credentials`: the throttle is
 * asked before next-auth runs (so a refused attempt costs no password hash) and told the
 * outcome after it answered. A refused attempt answers 429 `{ error }` with `Retry-After`;
 * the account's daily ceiling says so, and where the owner can still sign in.
 *
 * @example
 * const signIn = throttleSignIn(NextAuth(authOptions), { getThrottle, trustProxy: false, sessionCookieName });
 */
export function throttleSignIn(handler: NextApiHandler, options: ThrottleSignInOptions): NextApiHandler {
  return async (req, res) => {
    let throttle: SignInThrottle;
    let decision: ThrottleDecision;
    try {
      throttle = await options.getThrottle();
      decision = await throttle.begin({ email: submittedEmail(req), ip: clientIpOf(req, options) });
    } catch (error) {
      logWarn('auth.signin-throttle-unavailable', { error });
      res.status(503).json({ error: 'Sign-in is unavailable; please retry.' });
      return;
    }
    if (!decision.allowed) return answerThrottled(res, decision);
    const redirect = recordRedirect(res);
    try {
      await handler(req, res);
    } finally {
      const outcome = outcomeOf(res, redirect(), options.sessionCookieName);
      await throttle.settle(decision.ticket, outcome).catch((error: unknown) => {
        logWarn('auth.signin-throttle-settle-failed', { outcome, error });
      });
    }
  };
}
