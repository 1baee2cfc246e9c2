import { testApiHandler } from 'next-test-api-route-handler';
import type { NextApiRequest, NextApiResponse } from 'next';
import { defineRoute, readJsonBody } from '@/lib/api';

const BODY_TIMEOUT_MS = 500;
const TRICKLE_INTERVAL_MS = 300;

/** A route that answers the body it read, with a short read limit for the test. */
const echoRoute = {
  config: { api: { bodyParser: false } },
  default: defineRoute({
    POST: async (req: NextApiRequest, res: NextApiResponse) => {
      res.status(200).json({ body: await readJsonBody(req, { timeoutMs: BODY_TIMEOUT_MS, maxBytes: 1024 }) });
    },
  }),
};

/** A request body that sends `text` in pieces of `pieceBytes` (one byte unless told), one every `intervalMs`. */
function trickle(text: string, intervalMs: number, pieceBytes = 1): ReadableStream<Uint8Array> {
  const bytes = new TextEncoder().encode(text);
  let index = 0;
  return new ReadableStream({
    async pull(controller) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (index < bytes.length) controller.enqueue(bytes.subarray(index, (index += pieceBytes)));
      else controller.close();
    },
  });
}

interface Answer {
  status: number;
  connection: string | null;
  body: unknown;
  elapsedMs: number;
}

async function post(body: BodyInit, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Answer> {
  let answer: Answer | undefined;
  await testApiHandler({
    pagesHandler: echoRoute as never,
    test: async ({ fetch }) => {
      const started = Date.now();
      const response = await fetch({ method: 'POST', headers, body, duplex: 'half' } as RequestInit);
      const text = await response.text();
      answer = { status: response.status, connection: response.headers.get('connection'), body: text ? JSON.parse(text) : undefined, elapsedMs: Date.now() - started };
    },
  });
  if (!answer) throw new Error('no answer');
  return answer;
}

describe('readJsonBody: a body that trickles', () => {
  it(`answers 408 JSON once the body has taken longer than its read limit (${BODY_TIMEOUT_MS} ms)`, async () => {
    // 20 bytes at one every 300 ms: 6 s in all, far past the limit.
    const answer = await post(trickle('{"data":{"a":"bcde"}}', TRICKLE_INTERVAL_MS));

    expect(answer.status).toBe(408);
    expect(answer.body).toEqual({ error: expect.any(String), timeoutMs: BODY_TIMEOUT_MS });
    expect(answer.elapsedMs).toBeLessThan(BODY_TIMEOUT_MS + 1000);
  });

  it('closes the connection after the 408', async () => {
    const answer = await post(trickle('{"data":{"a":"bcde"}}', TRICKLE_INTERVAL_MS));

    expect(answer.connection).toBe('close');
  });

  it('reads a body that arrives within the limit, even in pieces', async () => {
    const answer = await post(trickle('{"a":1}', 20));

    expect(answer).toMatchObject({ status: 200, body: { body: { a: 1 } } });
  });
});

describe('readJsonBody: a body over its size limit', () => {
  it('answers 413 JSON and closes the connection when the body passes the limit mid-stream', async () => {
    const answer = await post(trickle(`{"a":"${'x'.repeat(1100)}"}`, 10, 100));

    expect(answer).toMatchObject({ status: 413, body: { limitBytes: 1024 }, connection: 'close' });
  });

  it('answers 413 JSON and closes the connection when Content-Length declares too much', async () => {
    const answer = await post(JSON.stringify({ a: 'x'.repeat(1100) }));

    expect(answer).toMatchObject({ status: 413, body: { limitBytes: 1024 }, connection: 'close' });
  });

  it('keeps the connection open for an answer that read the whole body', async () => {
    const answer = await post(JSON.stringify({ a: 1 }));

    expect(answer).toMatchObject({ status: 200, body: { body: { a: 1 } } });
    expect(answer.connection).not.toBe('close');
  });
});

describe('readJsonBody: what the body says it is', () => {
  it('answers 415 JSON and closes the connection for a body of another content type', async () => {
    const answer = await post('a=1', { 'content-type': 'application/x-www-form-urlencoded' });

    expect(answer).toMatchObject({ status: 415, body: { error: 'Content-Type must be application/json' }, connection: 'close' });
  });

  it('answers 415 for a body without a content type', async () => {
    const answer = await post(new Blob(['{"a":1}']), {});

    expect(answer.status).toBe(415);
  });

  it('answers 415 for a malformed content type that only starts like JSON', async () => {
    const answer = await post('{"a":1}', { 'content-type': 'application/json; charset' });

    expect(answer.status).toBe(415);
  });

  it.each(['application/json; charset=utf-8', 'APPLICATION/JSON', 'application/merge-patch+json'])('reads a body sent as %s', async (type) => {
    const answer = await post('{"a":1}', { 'content-type': type });

    expect(answer).toMatchObject({ status: 200, body: { body: { a: 1 } } });
  });

  it('answers 400 JSON for a body that is not valid JSON', async () => {
    const answer = await post('{"a":', { 'content-type': 'application/json' });

    expect(answer).toMatchObject({ status: 400, body: { error: 'Request body is not valid JSON' } });
  });

  it('reads an empty body as undefined', async () => {
    const answer = await post('', { 'content-type': 'application/json' });

    expect(answer).toMatchObject({ status: 200, body: {} });
  });
});

/** The same echo with room for a body far deeper than any route would read (the size limit is not what is tested). */
const roomyEchoRoute = {
  config: { api: { bodyParser: false } },
  default: defineRoute({
    POST: async (req: NextApiRequest, res: NextApiResponse) => {
      res.status(200).json({ body: await readJsonBody(req, { maxBytes: 1024 * 1024 }) });
    },
  }),
};

async function postTo(route: typeof echoRoute, body: string): Promise<{ status: number; body: unknown }> {
  let answer: { status: number; body: unknown } | undefined;
  await testApiHandler({
    pagesHandler: route as never,
    test: async ({ fetch }) => {
      const response = await fetch({ method: 'POST', headers: { 'content-type': 'application/json' }, body });
      answer = { status: response.status, body: (await response.json()) as unknown };
    },
  });
  if (!answer) throw new Error('no answer');
  return answer;
}

const nestedArrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('readJsonBody: how deep a body may nest', () => {
  it('answers 400 JSON with maxDepth for a body nested 33 levels deep', async () => {
    const answer = await postTo(echoRoute, nestedArrays(33));

    expect(answer).toEqual({ status: 400, body: { error: expect.any(String), maxDepth: 32 } });
  });

  it('reads a body nested 32 levels deep', async () => {
    const answer = await postTo(echoRoute, `{"a":${nestedArrays(31)}}`);

    expect(answer).toEqual({ status: 200, body: { body: { a: JSON.parse(nestedArrays(31)) } } });
  });

  it('answers 400 JSON to a body nested 100,000 levels deep instead of overflowing the stack', async () => {
    const answer = await postTo(roomyEchoRoute, nestedArrays(100_000));

    expect(answer).toEqual({ status: 400, body: { error: expect.any(String), maxDepth: 32 } });
  });

  it('does not count brackets inside strings, escaped quotes included', async () => {
    const text = JSON.stringify({ a: '[[[['.repeat(20), b: `\\"${'{'.repeat(40)}`, c: [[['\\']]] });

    const answer = await postTo(echoRoute, text);

    expect(answer).toEqual({ status: 200, body: { body: JSON.parse(text) } });
  });
});
