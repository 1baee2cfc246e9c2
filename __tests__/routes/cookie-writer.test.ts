import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiRequest, NextApiResponse } from 'next';
import { getServerSession } from 'next-auth/next';
import { authOptions, updateSession } from '@/lib/auth';
import { setCookiesOf } from '../helpers/cookie-jar';
import { decodeSessionOf, SESSION_COOKIE } from '../helpers/session-cookie';
import { signInAsAlice } from '../helpers/sign-in';

describe('writing the session cookie onto a response that already has cookies', () => {
  it("keeps other cookies and replaces getServerSession's session cookie instead of duplicating it", async () => {
    const jar = await signInAsAlice();
    const handler = async (req: NextApiRequest, res: NextApiResponse) => {
      res.setHeader('Set-Cookie', ['consent=yes; Path=/']);
      await getServerSession(req, res, authOptions); // appends a session cookie of its own
      await updateSession(req, res, { name: 'Written Once' });
      res.status(200).json({ ok: true });
    };

    await testApiHandler({
      pagesHandler: handler,
      test: async ({ fetch }) => {
        const response = await fetch({ headers: { cookie: jar.header() } });
        const cookies = setCookiesOf(response.headers);
        jar.apply(cookies);

        expect(cookies.filter((cookie) => cookie.name === 'consent')).toHaveLength(1);
        expect(cookies.filter((cookie) => cookie.name === SESSION_COOKIE)).toHaveLength(1);
      },
    });
    expect(await decodeSessionOf(jar)).toMatchObject({ name: 'Written Once' });
  });
});
