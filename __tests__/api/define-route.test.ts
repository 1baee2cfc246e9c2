import 'next-test-api-route-handler';
import { z } from 'zod';
import { defineRoute, RouteError } from '@/lib/api';
import { StoreUnavailableError } from '@/lib/db/store';
import { callHandler } from '../helpers/session-toolkit';
import { signInAsAlice } from '../helpers/sign-in';

/** Every console.error line while `run` runs (the app's error log lines). */
async function errorLinesDuring(run: () => Promise<unknown>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void lines.push(args.map(String).join(' ')));
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  return lines;
}

const failingWith = (error: unknown) =>
  defineRoute({
    POST: () => {
      throw error;
    },
  });

describe('defineRoute: methods', () => {
  const route = defineRoute({ GET: (_req, res) => void res.status(200).json({ ok: true }), PATCH: (_req, res) => void res.status(204).end() });

  it('answers 405 JSON with Allow naming the handled methods', async () => {
    const answer = await callHandler(route, { method: 'DELETE' });

    expect(answer.status).toBe(405);
    expect(answer.headers.get('allow')).toBe('GET, PATCH');
    expect(answer.body).toEqual({ error: 'Method DELETE not allowed', allow: 'GET, PATCH' });
  });

  it('hands each method to its handler', async () => {
    expect((await callHandler(route, { method: 'GET' })).body).toEqual({ ok: true });
    expect((await callHandler(route, { method: 'PATCH' })).status).toBe(204);
  });

  it('marks every answer Cache-Control: no-store, errors included', async () => {
    expect((await callHandler(route, { method: 'GET' })).headers.get('cache-control')).toBe('no-store');
    expect((await callHandler(route, { method: 'DELETE' })).headers.get('cache-control')).toBe('no-store');
  });
});

describe('defineRoute: the request session', () => {
  const route = defineRoute({
    GET: async (_req, res, session) => {
      const current = await session.read();
      res.status(200).json({ email: current?.token.email ?? null });
    },
  });

  it("gives the handler the request's session", async () => {
    const jar = await signInAsAlice();

    expect((await callHandler(route, { jar })).body).toEqual({ email: 'alice@example.com' });
  });

  it('gives a request without a cookie an empty session', async () => {
    expect((await callHandler(route)).body).toEqual({ email: null });
  });
});

describe('defineRoute: errors become HTTP in one place', () => {
  it('answers a RouteError with its status, message, details and headers', async () => {
    const answer = await callHandler(failingWith(new RouteError(409, 'Already there', { id: 'x' }, { 'Retry-After': '3' })), { method: 'POST' });

    expect(answer.status).toBe(409);
    expect(answer.body).toEqual({ error: 'Already there', id: 'x' });
    expect(answer.headers.get('retry-after')).toBe('3');
  });

  it('answers a ZodError 400 with each issue and its path', async () => {
    const parsed = z.object({ name: z.string() }).safeParse({ name: 3 });
    if (parsed.success) throw new Error('expected the schema to refuse');

    const answer = await callHandler(failingWith(parsed.error), { method: 'POST' });

    expect(answer.status).toBe(400);
    expect(answer.body).toEqual({ error: 'Invalid request', issues: [{ path: 'name', message: expect.any(String) }] });
  });

  it('answers a store outage 503 and logs no error line for it', async () => {
    let answer: Awaited<ReturnType<typeof callHandler>> | undefined;
    const lines = await errorLinesDuring(async () => {
      answer = await callHandler(failingWith(new StoreUnavailableError()), { method: 'POST' });
    });

    expect(answer?.status).toBe(503);
    expect(answer?.body).toEqual({ error: 'Service temporarily unavailable; please retry' });
    expect(lines).toEqual([]);
  });

  it('answers an unknown error 500 with a generic body, and logs it', async () => {
    let answer: Awaited<ReturnType<typeof callHandler>> | undefined;
    const lines = await errorLinesDuring(async () => {
      answer = await callHandler(failingWith(new Error('db password is hunter2')), { method: 'POST' });
    });

    expect(answer?.status).toBe(500);
    expect(answer?.body).toEqual({ error: 'Internal server error' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('"event":"api.unhandled-error"');
  });

  it('ends an answer already under way instead of writing a second one', async () => {
    const route = defineRoute({
      GET: (_req, res) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial');
        throw new Error('failed mid-answer');
      },
    });

    let answer: Awaited<ReturnType<typeof callHandler>> | undefined;
    await errorLinesDuring(async () => {
      answer = await callHandler(route);
    });

    expect(answer).toMatchObject({ status: 200, body: 'partial' });
  });
});
