/**
 * The session cookie's name and attributes, from one place: authOptions.cookies and our
 * cookie writer both use this, so next-auth and the toolkit never disagree on the name
 * (the `__Secure-` prefix) or the attributes.
 */

export const BASE_COOKIE_NAME = 'next-auth.session-token';

export interface SessionCookieOptions {
  httpOnly: true;
  sameSite: 'lax';
  path: '/';
  secure: boolean;
  domain?: string;
}

export interface SessionCookieConfig {
  name: string;
  options: SessionCookieOptions;
}

/** Secure cookies when the app is served over https, and always in production. */
export function isSecureCookieMode(appUrl: URL, nodeEnv: string): boolean {
  return appUrl.protocol === 'https:' || nodeEnv === 'production';
}

export function resolveSessionCookie(input: { secure: boolean; domain?: string }): SessionCookieConfig {
  return {
    // next-auth's own default naming (core/lib/cookie.js), so getToken() finds it too.
    name: `${input.secure ? '__Secure-' : ''}${BASE_COOKIE_NAME}`,
    options: {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: input.secure,
      ...(input.domain ? { domain: input.domain } : {}),
    },
  };
}
