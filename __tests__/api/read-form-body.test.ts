import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiRequest, NextApiResponse } from 'next';
import { defineRoute, readFormBody } from '@/lib/api';

/** A route that answers the fields it read, with a 64-byte limit for the test. */
const echoRoute = {
  config: { api: { bodyParser: false } },
  default: defineRoute({
    POST: async (req: NextApiRequest, res: NextApiResponse) => {
      res.status(200).json({ fields: Object.fromEntries(await readFormBody(req, { maxBytes: 64 })) });
    },
  }),
};

async function post(body: string, contentType: string): Promise<{ status: number; connection: string | null; body: unknown }> {
  let answer: { status: number; connection: string | null; body: unknown } | undefined;
  await testApiHandler({
    pagesHandler: echoRoute as never,
    test: async ({ fetch }) => {
      const response = await fetch({ method: 'POST', headers: { 'content-type': contentType }, body });
      answer = { status: response.status, connection: response.headers.get('connection'), body: await response.json() };
    },
  });
  if (!answer) throw new Error('no answer');
  return answer;
}

describe('readFormBody', () => {
  it("reads an HTML form's urlencoded fields, percent-decoded", async () => {
    expect(await post('locale=de-DE&note=gr%C3%BC%C3%9F+dich', 'application/x-www-form-urlencoded; charset=UTF-8')).toMatchObject({
      status: 200,
      body: { fields: { locale: 'de-DE', note: 'grüß dich' } },
    });
  });

  it('reads an empty body as no fields', async () => {
    expect(await post('', 'application/x-www-form-urlencoded')).toMatchObject({ status: 200, body: { fields: {} } });
  });

  it.each(['text/plain', 'application/json', 'multipart/form-data; boundary=x', 'not a type'])('refuses Content-Type %j with 415, closing the connection', async (contentType) => {
    expect(await post('locale=de-DE', contentType)).toMatchObject({ status: 415, connection: 'close' });
  });

  it('refuses a body past its limit with 413, as readRawBody does', async () => {
    expect(await post(`locale=${'x'.repeat(64)}`, 'application/x-www-form-urlencoded')).toMatchObject({ status: 413, body: { limitBytes: 64 } });
  });
});
