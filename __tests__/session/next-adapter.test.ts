import 'next-test-api-route-handler';
import { parse as parseCookieHeader } from 'cookie';
import type { NextApiHandler, NextApiRequest, NextApiResponse } from 'next';
import { planSessionCookieWrites, type CookieWrite } from '@/packages/next-auth-server-session/src/cookie-writes';
import { settleSessionHeaders, markSessionChanged, writeSessionCookies } from '@/packages/next-auth-server-session/src/next-adapter';
import { defaultSessionCookie } from '@/packages/next-auth-server-session/src/session-cookie';
import { type SetCookie } from '../helpers/cookie-jar';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { SESSION_COOKIE } from '../helpers/session-cookie';
import { callHandler } from '../helpers/session-toolkit';
import { REVALIDATE_HEADER } from '@/packages/next-auth-server-session/src/revalidate-header';

const NOW = Date.UTC(2030, 0, 1, 12);
const MAX_AGE_SECONDS = 3600;

function writesFor(token: string, requestCookieNames: string[] = []): CookieWrite[] {
  return planSessionCookieWrites({ cookie: defaultSessionCookie(false), token, requestCookieNames, maxAgeSeconds: MAX_AGE_SECONDS, maxChunks: 3, now: NOW });
}

const namesOf = (cookies: readonly SetCookie[]) => cookies.map((cookie) => cookie.name);
const valueOf = (cookies: readonly SetCookie[], name: string) => cookies.filter((cookie) => cookie.name === name).map((cookie) => cookie.value);

describe('writeSessionCookies', () => {
  it('keeps the Set-Cookie headers of other cookies already on the response', async () => {
    const response = await callHandler(async (req, res) => {
      res.setHeader('Set-Cookie', ['theme=dark; Path=/', 'next-auth.csrf-token=abc; Path=/; HttpOnly']);
      await writeSessionCookies(req, res, writesFor('new-token'));
      res.status(200).end();
    });

    expect(valueOf(response.setCookies, 'theme')).toEqual(['dark']);
    expect(valueOf(response.setCookies, 'next-auth.csrf-token')).toEqual(['abc']);
    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['new-token']);
  });

  it('keeps another cookie set as a single string header', async () => {
    const response = await callHandler(async (req, res) => {
      res.setHeader('Set-Cookie', 'theme=dark; Path=/');
      await writeSessionCookies(req, res, writesFor('new-token'));
      res.status(200).end();
    });

    expect(valueOf(response.setCookies, 'theme')).toEqual(['dark']);
  });

  it('drops an earlier Set-Cookie for the same name, so the response carries one per cookie', async () => {
    const response = await callHandler(async (req, res) => {
      res.setHeader('Set-Cookie', [`${SESSION_COOKIE}=from-getServerSession; Path=/; HttpOnly`, `${SESSION_COOKIE}.0=; Max-Age=0; Path=/`]);
      await writeSessionCookies(req, res, writesFor('new-token'));
      res.status(200).end();
    });

    const names = namesOf(response.setCookies);
    expect(new Set(names).size).toBe(names.length);
    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['new-token']);
    expect(valueOf(response.setCookies, `${SESSION_COOKIE}.0`)).toEqual(['']);
  });

  it('drops the earlier write of a second call in the same request', async () => {
    const response = await callHandler(async (req, res) => {
      await writeSessionCookies(req, res, writesFor('first'));
      await writeSessionCookies(req, res, writesFor('second'));
      res.status(200).end();
    });

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['second']);
  });

  it('keeps a cookie whose name only contains the session cookie name', async () => {
    const response = await callHandler(async (req, res) => {
      res.setHeader('Set-Cookie', [`x${SESSION_COOKIE}=other; Path=/`]);
      await writeSessionCookies(req, res, writesFor('new-token'));
      res.status(200).end();
    });

    expect(valueOf(response.setCookies, `x${SESSION_COOKIE}`)).toEqual(['other']);
  });

  it('writes the planned attributes: HttpOnly, SameSite=Lax, Path=/, Max-Age and Expires', async () => {
    const response = await callHandler(async (req, res) => {
      await writeSessionCookies(req, res, writesFor('new-token'));
      res.status(200).end();
    });

    const [cookie] = response.setCookies.filter((setCookie) => setCookie.name === SESSION_COOKIE);
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'lax', path: '/', maxAge: MAX_AGE_SECONDS });
    expect(cookie?.expires?.getTime()).toBe(NOW + MAX_AGE_SECONDS * 1000);
  });

  it('writes nothing and leaves the headers as they were when there are no writes', async () => {
    const response = await callHandler(async (req, res) => {
      res.setHeader('Set-Cookie', [`${SESSION_COOKIE}=kept; Path=/`]);
      await writeSessionCookies(req, res, []);
      res.status(200).end();
    });

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['kept']);
  });

  it('carries into the next request as one session: a browser jar holds only the new token', async () => {
    const jar = new TestCookieJar().set(`${SESSION_COOKIE}.0`, 'old-a').set(`${SESSION_COOKIE}.1`, 'old-b');

    await callHandler(
      async (req, res) => {
        await writeSessionCookies(req, res, writesFor('new-token', Object.keys(req.cookies)));
        res.status(200).end();
      },
      { jar },
    );

    expect(jar.toObject()).toEqual({ [SESSION_COOKIE]: 'new-token' });
  });

  it('shows the writes to the rest of the request: in req.cookies and in the Cookie header, encoded, other cookies as sent', async () => {
    const jar = new TestCookieJar().set('theme', 'dark').set(`${SESSION_COOKIE}.0`, 'old-a').set(`${SESSION_COOKIE}.1`, 'old-b');
    let seen = { cookies: {} as Partial<Record<string, string>>, header: '' };

    await callHandler(
      async (req, res) => {
        const sessionCookieNames = Object.keys(req.cookies).filter((name) => name.startsWith(SESSION_COOKIE));
        await writeSessionCookies(req, res, writesFor('new token; 100%', sessionCookieNames));
        seen = { cookies: { ...req.cookies }, header: req.headers.cookie ?? '' };
        res.status(200).end();
      },
      { jar },
    );

    expect(seen.cookies).toEqual({ theme: 'dark', [SESSION_COOKIE]: 'new token; 100%' });
    expect(parseCookieHeader(seen.header)).toEqual(seen.cookies);
    expect(seen.header.startsWith('theme=dark; ')).toBe(true);
  });
});

describe('markSessionChanged', () => {
  it('sets X-Revalidate-Session: true and Cache-Control: no-store', async () => {
    const response = await callHandler(async (_req, res) => {
      markSessionChanged(res);
      res.status(200).end();
    });

    expect(response.headers.get(REVALIDATE_HEADER)).toBe('true');
    expect(response.headers.get('cache-control')).toBe('no-store');
  });
});

describe('settleSessionHeaders', () => {
  /** A route that writes a session, marks it changed, sets a theme cookie, then answers `status`. */
  function answering(status: number, shouldDrop: () => boolean = () => true): NextApiHandler {
    return async (req: NextApiRequest, res: NextApiResponse) => {
      settleSessionHeaders(res, SESSION_COOKIE, shouldDrop);
      res.setHeader('Set-Cookie', ['theme=dark; Path=/']);
      await writeSessionCookies(req, res, writesFor('issued'));
      markSessionChanged(res);
      res.status(status).json({});
    };
  }

  it('keeps the issued session on a 200 answer', async () => {
    const response = await callHandler(answering(200));

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['issued']);
    expect(response.headers.get(REVALIDATE_HEADER)).toBe('true');
  });

  it('keeps the issued session on a redirect', async () => {
    const response = await callHandler(async (req, res) => {
      settleSessionHeaders(res, SESSION_COOKIE, () => true);
      await writeSessionCookies(req, res, writesFor('issued'));
      res.redirect(303, '/next');
    });

    expect(response.status).toBe(303);
    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['issued']);
  });

  it.each([400, 401, 404, 409, 500, 503])('takes every session cookie and X-Revalidate-Session off a %i answer, keeping other cookies', async (status) => {
    const response = await callHandler(answering(status));

    expect(response.status).toBe(status);
    expect(namesOf(response.setCookies)).toEqual(['theme']);
    expect(response.headers.get(REVALIDATE_HEADER)).toBeNull();
  });

  it('removes the Set-Cookie header altogether when only session cookies were on it', async () => {
    const response = await callHandler(async (req, res) => {
      settleSessionHeaders(res, SESSION_COOKIE, () => true);
      await writeSessionCookies(req, res, writesFor('issued'));
      res.status(500).json({});
    });

    expect(response.headers.get('set-cookie')).toBeNull();
  });

  it('keeps the session cookies of a 4xx answer when shouldDrop says no session was issued (an end)', async () => {
    const response = await callHandler(answering(401, () => false));

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['issued']);
    expect(response.headers.get(REVALIDATE_HEADER)).toBe('true');
  });

  it('asks shouldDrop when the headers go out, not when it is installed', async () => {
    let issued = false;
    const response = await callHandler(async (req, res) => {
      settleSessionHeaders(res, SESSION_COOKIE, () => issued);
      await writeSessionCookies(req, res, writesFor('issued'));
      issued = true;
      res.status(500).end();
    });

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual([]);
  });

  it('also drops a session cookie written after it was installed by someone else (getServerSession)', async () => {
    const response = await callHandler(async (_req, res) => {
      settleSessionHeaders(res, SESSION_COOKIE, () => true);
      res.setHeader('Set-Cookie', [`${SESSION_COOKIE}.0=chunk; Path=/`, 'theme=dark; Path=/']);
      res.status(400).end();
    });

    expect(namesOf(response.setCookies)).toEqual(['theme']);
  });

  it('leaves one header per session-cookie name, the last, when getServerSession appended one after the update', async () => {
    const response = await callHandler(async (req, res) => {
      settleSessionHeaders(res, SESSION_COOKIE, () => true);
      await writeSessionCookies(req, res, writesFor('issued'));
      res.appendHeader('Set-Cookie', `${SESSION_COOKIE}=from-get-server-session; Path=/`);
      res.status(200).json({});
    });

    expect(valueOf(response.setCookies, SESSION_COOKIE)).toEqual(['from-get-server-session']);
    const names = namesOf(response.setCookies);
    expect(new Set(names).size).toBe(names.length);
  });
});
