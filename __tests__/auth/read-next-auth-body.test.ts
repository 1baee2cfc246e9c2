import { Readable } from 'node:stream';
import type { NextApiRequest } from 'next';
import { parseBody } from 'next/dist/server/api-utils/node/parse-body';
import { readNextAuthBody } from '@/lib/auth/read-next-auth-body';

/** A request whose body is `body`, as the route would receive it (a fresh stream per reader). */
function requestOf(body: string | Buffer, contentType?: string): NextApiRequest {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  const headers: Record<string, string> = { 'content-length': String(bytes.length) };
  if (contentType !== undefined) headers['content-type'] = contentType;
  return Object.assign(Readable.from([bytes]), { headers }) as unknown as NextApiRequest;
}

/** What next-auth would have got from Next's own parser (the reader's model). */
const parsedByNext = (body: string | Buffer, contentType?: string) => parseBody(requestOf(body, contentType) as never, '16kb');

describe('readNextAuthBody: the body next-auth is handed, as Next would parse it', () => {
  it.each<[string, string | Buffer, string | undefined]>([
    ['a form sign-in', 'csrfToken=abc&email=a%40b.c&password=p%26q&json=true', 'application/x-www-form-urlencoded'],
    ['a form with a repeated key', 'a=1&a=2&b=', 'application/x-www-form-urlencoded; charset=UTF-8'],
    ['a JSON update', '{"csrfToken":"abc","data":{"name":"Ålice"}}', 'application/json'],
    ['an empty JSON body', '', 'application/json'],
    ['JSON-LD', '{"a":[1,2]}', 'application/ld+json'],
    ['text', 'hello', 'text/plain'],
    ['a body without a content type', 'a=1', undefined],
    ['a malformed content type', 'a=1', 'application/x-www-form-urlencoded; charset'],
    ['an empty body without a content type', '', undefined],
    ['a latin-1 form', Buffer.from('name=%C5lice&raw=\xc5', 'latin1'), 'application/x-www-form-urlencoded; charset=iso-8859-1'],
  ])('parses %s as Next does', async (_label, body, contentType) => {
    const expected = await parsedByNext(body, contentType);

    expect(await readNextAuthBody(requestOf(body, contentType))).toEqual(expected);
  });

  it('answers 400 { error } for invalid JSON, where Next answers in plain text', async () => {
    await expect(readNextAuthBody(requestOf('{"a":', 'application/json'))).rejects.toMatchObject({ status: 400, message: expect.any(String) });
  });

  it('answers 415 for a charset it cannot decode', async () => {
    await expect(readNextAuthBody(requestOf('a=1', 'application/x-www-form-urlencoded; charset=x-unknown'))).rejects.toMatchObject({ status: 415 });
  });
});
