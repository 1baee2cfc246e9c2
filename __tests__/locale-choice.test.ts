import 'next-test-api-route-handler';
import type { NextApiHandler } from 'next';
import { RouteError } from '@/lib/api';
import { getSessions } from '@/lib/auth';
import { applyLocaleChoice } from '@/lib/locale-choice';
import { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from './helpers/routes';
import { TEST_APP_URL } from './helpers/test-env';
import { createUserAndSignIn } from './helpers/sign-in';

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

interface Outcome {
  /** The locale applied, or the refusal's status. */
  applied?: string;
  status?: number;
}

/** applyLocaleChoice on a real request (no body parser, as a page's getServerSideProps gets it), with the cookies the jar holds. */
async function choose(jar: TestCookieJar, body: string, headers: Record<string, string> = {}): Promise<Outcome> {
  const handler: NextApiHandler = async (req, res) => {
    try {
      res.status(200).json({ applied: await applyLocaleChoice(req, getSessions().forRequest(req, res)) });
    } catch (error) {
      if (!(error instanceof RouteError)) throw error;
      res.status(200).json({ status: error.status });
    }
  };
  const response = await callRoute({ default: handler, config: { api: { bodyParser: false } } }, { url: '/welcome', method: 'POST', headers: { ...FORM, ...headers }, body, jar });
  return response.body as Outcome;
}

describe('applyLocaleChoice', () => {
  it("writes a locale of the app's to the store, from the form's urlencoded body", async () => {
    const { user, jar, store } = await createUserAndSignIn();

    expect(await choose(jar, 'locale=de-DE', { origin: TEST_APP_URL })).toEqual({ applied: 'de-DE' });

    expect((await store.findUserById(user.id))?.preferences.locale).toBe('de-DE');
  });

  it.each<[string, Record<string, string>]>([
    ['another Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])('refuses %s with 403, writing nothing', async (_label, headers) => {
    const { user, jar, store } = await createUserAndSignIn();

    expect(await choose(jar, 'locale=de-DE', headers)).toEqual({ status: 403 });

    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
  });

  it.each(['locale=it-IT', 'locale=de-de', 'locale=', 'lang=de-DE', '', 'locale=de-DE%00'])("refuses a locale that is not one of the app's with 400, writing nothing: %j", async (body) => {
    const { user, jar, store } = await createUserAndSignIn();

    expect(await choose(jar, body)).toEqual({ status: 400 });

    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
  });

  it('refuses another content type with 415', async () => {
    const { jar } = await createUserAndSignIn();

    expect(await choose(jar, '{"locale":"de-DE"}', { 'content-type': 'application/json' })).toEqual({ status: 415 });
  });

  it('refuses a body past 1 KB with 413: the form has one short field', async () => {
    const { jar } = await createUserAndSignIn();

    expect(await choose(jar, `locale=de-DE&pad=${'x'.repeat(1024)}`)).toEqual({ status: 413 });
  });

  it('refuses a revoked session with 401, writing nothing', async () => {
    const { user, jar, store } = await createUserAndSignIn();
    await store.revokeSessions(user.id, Date.now() + 1);

    expect(await choose(jar, 'locale=de-DE')).toEqual({ status: 401 });

    expect((await store.findUserById(user.id))?.preferences.locale).toBe('en-US');
  });

  it('refuses a signed-out visitor with 401', async () => {
    expect(await choose(new TestCookieJar(), 'locale=de-DE')).toEqual({ status: 401 });
  });
});
