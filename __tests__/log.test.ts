import 'next-test-api-route-handler';
import { defineRoute } from '@/lib/api';
import { logError, logWarn, MAX_LOG_VALUE_CHARS } from '@/lib/log';
import * as nextAuthRoute from '@/pages/api/auth/[...nextauth]';
import * as refreshRoute from '@/pages/api/session/refresh';
import type { TestCookieJar } from 'next-auth-server-session/testing';
import { callRoute } from './helpers/routes';
import { signInAsAlice } from './helpers/sign-in';

/** Every line written to console.warn and console.error while `run` runs, as each call would print it. */
async function captureLogLines(run: () => Promise<unknown> | unknown): Promise<string[]> {
  const lines: string[] = [];
  const record = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
  const warn = jest.spyOn(console, 'warn').mockImplementation(record);
  const error = jest.spyOn(console, 'error').mockImplementation(record);
  try {
    await run();
  } finally {
    warn.mockRestore();
    error.mockRestore();
  }
  return lines;
}

const FORGED = 'a\nINJECTED level=error event=admin-login';

describe('logWarn and logError', () => {
  it('write one JSON line with the event and the fields', async () => {
    const lines = await captureLogLines(() => logWarn('test.event', { count: 3, ok: true }));

    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toEqual({ level: 'warn', event: 'test.event', count: 3, ok: true });
  });

  it('escape a newline in a value instead of starting a new line', async () => {
    const lines = await captureLogLines(() => logWarn('test.event', { key: FORGED }));

    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ key: FORGED });
  });

  it('escape a newline in a key, however deep', async () => {
    const lines = await captureLogLines(() => logError('test.event', { issues: [{ [FORGED]: 1 }] }));

    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ level: 'error', issues: [{ [FORGED]: 1 }] });
  });

  it('escape the line and paragraph separators that some log viewers break lines at', async () => {
    const lines = await captureLogLines(() => logWarn('test.event', { key: 'a\u2028b\u2029c\u0085d' }));

    expect(lines[0]).not.toMatch(/[\u2028\u2029\u0085]/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ key: 'a\u2028b\u2029c\u0085d' });
  });

  it(`cuts a long string value to ${MAX_LOG_VALUE_CHARS} characters and says how long it was`, async () => {
    const lines = await captureLogLines(() => logWarn('test.event', { key: 'x'.repeat(5000) }));

    const { key } = JSON.parse(lines[0] ?? '') as { key: string };
    expect(key.startsWith('x'.repeat(MAX_LOG_VALUE_CHARS))).toBe(true);
    expect(key).not.toContain('x'.repeat(MAX_LOG_VALUE_CHARS + 1));
    expect(key).toContain('5000 chars');
  });

  it('cuts long keys and long arrays too', async () => {
    const lines = await captureLogLines(() => logWarn('test.event', { nested: { ['k'.repeat(1000)]: Array.from({ length: 1000 }, (_, index) => index) } }));

    expect(lines[0]?.length).toBeLessThan(2000);
    expect(lines[0]).not.toContain('k'.repeat(MAX_LOG_VALUE_CHARS + 1));
  });

  it('logs an error as its name, message and stack frames, on one line', async () => {
    const lines = await captureLogLines(() => logError('test.failed', { error: new TypeError(`bad ${FORGED}`) }));

    expect(lines[0]).not.toMatch(/[\r\n]/);
    const { error } = JSON.parse(lines[0] ?? '') as { error: { name: string; message: string; stack: string[] } };
    expect(error).toMatchObject({ name: 'TypeError', message: `bad ${FORGED}` });
    expect(error.stack[0]).toMatch(/^at /);
  });

  it('survives a value that refers to itself', async () => {
    const loop: Record<string, unknown> = { name: 'loop' };
    loop.self = loop;

    const lines = await captureLogLines(() => logWarn('test.event', { loop }));

    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0] ?? '')).not.toThrow();
  });
});

describe('a patch key carrying a newline, sent by a client', () => {
  let jar: TestCookieJar;
  beforeAll(async () => {
    jar = await signInAsAlice();
  });

  const longKey = `${FORGED} ${'y'.repeat(600)}`;

  function expectOneSafeLine(lines: string[]) {
    expect(lines).toHaveLength(1);
    const line = lines[0] ?? '';
    expect(line).not.toMatch(/[\r\n]/);
    const entry = JSON.parse(line) as Record<string, unknown>;
    expect(entry).toMatchObject({ level: 'warn', event: 'session.patch-refused' });
    expect(line).toContain('INJECTED');
    expect(line).not.toContain('y'.repeat(MAX_LOG_VALUE_CHARS));
  }

  it('POST /api/session/refresh answers 400 and logs exactly one JSON line, value cut', async () => {
    let status = 0;
    const lines = await captureLogLines(async () => {
      const response = await callRoute(refreshRoute, { url: '/api/session/refresh', method: 'POST', body: { data: { [longKey]: 1 } }, jar });
      status = response.status;
    });

    expect(status).toBe(400);
    expectOneSafeLine(lines);
  });

  it("next-auth's own update (POST /api/auth/session) keeps the session and logs exactly one JSON line, value cut", async () => {
    const csrf = await callRoute(nextAuthRoute, { url: '/api/auth/csrf', params: { nextauth: ['csrf'] }, jar });
    const { csrfToken } = csrf.body as { csrfToken: string };
    let body: unknown;
    const lines = await captureLogLines(async () => {
      const response = await callRoute(nextAuthRoute, { url: '/api/auth/session', method: 'POST', params: { nextauth: ['session'] }, body: { csrfToken, data: { [longKey]: 1 } }, jar });
      body = response.body;
    });

    expect(body).toMatchObject({ user: { email: 'alice@example.com' } });
    expectOneSafeLine(lines);
  });
});

describe('an unhandled error in a route', () => {
  it('answers a generic 500 and logs exactly one JSON line with the method, the URL and the error', async () => {
    const route = { default: defineRoute({ GET: () => Promise.reject(new Error(`failed on ${FORGED}`)) }) };
    let response: Awaited<ReturnType<typeof callRoute>> | undefined;

    const lines = await captureLogLines(async () => {
      response = await callRoute(route, { url: `/api/broken?q=${encodeURIComponent(FORGED)}` });
    });

    expect(response?.status).toBe(500);
    expect(response?.body).toEqual({ error: 'Internal server error' });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/[\r\n]/);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      level: 'error',
      event: 'api.unhandled-error',
      method: 'GET',
      url: `/api/broken?q=${encodeURIComponent(FORGED)}`,
      error: { name: 'Error', message: `failed on ${FORGED}` },
    });
  });
});
