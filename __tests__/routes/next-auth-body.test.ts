import { testApiHandler } from 'next-test-api-route-handler';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import { ALICE, signInThroughNextAuth } from '../helpers/sign-in';

/**
 * next-auth's route reads its body under the same limits as our own routes (16 KB, 10 s for
 * the whole body, 32 levels of JSON nesting), answering each refusal with JSON, where Next's
 * default parser allowed 1 MB, waited for ever and answered in plain text.
 */

const LIMIT_BYTES = 16 * 1024;
const BODY_TIMEOUT_MS = 10_000;

interface Answer {
  status: number;
  connection: string | null;
  contentType: string | null;
  body: unknown;
}

async function post(action: string[], body: BodyInit, contentType: string): Promise<Answer> {
  let answer: Answer | undefined;
  await testApiHandler({
    pagesHandler: nextAuthRoute as never,
    url: `/api/auth/${action.join('/')}`,
    params: { nextauth: action },
    test: async ({ fetch }) => {
      const response = await fetch({ method: 'POST', headers: { 'content-type': contentType }, body, duplex: 'half' } as RequestInit);
      const text = await response.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // not JSON: the test says so
      }
      answer = { status: response.status, connection: response.headers.get('connection'), contentType: response.headers.get('content-type'), body: parsed };
    },
  });
  if (!answer) throw new Error('no answer');
  return answer;
}

/** `text` sent one byte every `intervalMs`. */
function trickle(text: string, intervalMs: number): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (index < bytes.length) controller.enqueue(bytes.subarray(index, (index += 1)));
      else controller.close();
    },
  });
}

const FORM = 'application/x-www-form-urlencoded';
const signInForm = (password: string) => new URLSearchParams({ csrfToken: 'x', email: ALICE.email, password, json: 'true' }).toString();

describe('next-auth route: body limits', () => {
  it('answers 413 JSON with limitBytes to a 100 KB credentials sign-in, and closes the connection', async () => {
    const answer = await post(['callback', 'credentials'], signInForm('x'.repeat(100 * 1024)), FORM);

    expect(answer).toMatchObject({ status: 413, body: { error: expect.any(String), limitBytes: LIMIT_BYTES }, connection: 'close' });
    expect(answer.contentType).toMatch(/^application\/json/);
  });

  it('answers 413 JSON to a 100 KB JSON body on any other action', async () => {
    const answer = await post(['session'], JSON.stringify({ csrfToken: 'x', data: { name: 'x'.repeat(100 * 1024) } }), 'application/json');

    expect(answer).toMatchObject({ status: 413, body: { limitBytes: LIMIT_BYTES } });
  });

  it('answers 400 JSON with maxDepth to a JSON body nested deeper than 32 levels', async () => {
    const answer = await post(['session'], `{"csrfToken":"x","data":${'{"a":'.repeat(40)}1${'}'.repeat(40)}}`, 'application/json');

    expect(answer).toMatchObject({ status: 400, body: { error: expect.any(String), maxDepth: 32 } });
  });

  it(
    `answers 408 JSON once a trickling body has taken longer than ${BODY_TIMEOUT_MS / 1000} s`,
    async () => {
      // One byte every 400 ms: the 36-byte form would take 14.4 s in all.
      const answer = await post(['callback', 'credentials'], trickle('csrfToken=x&email=a%40b.c&password=y', 400), FORM);

      expect(answer).toMatchObject({ status: 408, body: { error: expect.any(String), timeoutMs: BODY_TIMEOUT_MS }, connection: 'close' });
    },
    30_000,
  );

  it('still hands next-auth the form it parsed: the right password signs in', async () => {
    const { response } = await signInThroughNextAuth(ALICE.email, ALICE.password);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ url: expect.any(String) });
  });
});
