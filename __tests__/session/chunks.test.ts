import { CHUNK_SIZE_CHARS, chunkIndexOf, countChunks, findSessionCookieNames, joinChunks, splitIntoChunks } from '@/packages/next-auth-server-session/src/chunks';

const NAME = 'next-auth.session-token';

/** A value with a distinct character per position, so a misplaced slice cannot go unnoticed. */
function valueOfLength(length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  return Array.from({ length }, (_, index) => alphabet[index % alphabet.length]).join('');
}

describe('splitIntoChunks', () => {
  it('uses a chunk size of 3933 characters (4096 minus 163 for attributes)', () => {
    expect(CHUNK_SIZE_CHARS).toBe(3933);
  });

  it('keeps a short value under the bare cookie name', () => {
    expect(splitIntoChunks(NAME, 'abc')).toEqual([{ name: NAME, value: 'abc' }]);
  });

  it('keeps a value of exactly one chunk size under the bare cookie name', () => {
    const value = valueOfLength(CHUNK_SIZE_CHARS);

    expect(splitIntoChunks(NAME, value)).toEqual([{ name: NAME, value }]);
  });

  it('splits a value one character over the chunk size into name.0 and name.1', () => {
    const value = valueOfLength(CHUNK_SIZE_CHARS + 1);

    const chunks = splitIntoChunks(NAME, value);

    expect(chunks.map((chunk) => chunk.name)).toEqual([`${NAME}.0`, `${NAME}.1`]);
    expect(chunks.map((chunk) => chunk.value.length)).toEqual([CHUNK_SIZE_CHARS, 1]);
  });

  it('splits a long value into full chunks of CHUNK_SIZE_CHARS and a remainder', () => {
    const value = valueOfLength(CHUNK_SIZE_CHARS * 2 + 100);

    const chunks = splitIntoChunks(NAME, value);

    expect(chunks.map((chunk) => chunk.name)).toEqual([`${NAME}.0`, `${NAME}.1`, `${NAME}.2`]);
    expect(chunks.map((chunk) => chunk.value.length)).toEqual([CHUNK_SIZE_CHARS, CHUNK_SIZE_CHARS, 100]);
    expect(chunks[1]?.value).toBe(value.slice(CHUNK_SIZE_CHARS, CHUNK_SIZE_CHARS * 2));
  });

  it('counts the chunks a value needs, at least one', () => {
    expect(countChunks('')).toBe(1);
    expect(countChunks(valueOfLength(CHUNK_SIZE_CHARS))).toBe(1);
    expect(countChunks(valueOfLength(CHUNK_SIZE_CHARS * 3 + 1))).toBe(4);
  });
});

describe('joinChunks', () => {
  it('reassembles chunks made by splitIntoChunks exactly', () => {
    const value = valueOfLength(CHUNK_SIZE_CHARS * 3 + 17);
    const cookies = Object.fromEntries(splitIntoChunks(NAME, value).map((chunk) => [chunk.name, chunk.value]));

    expect(joinChunks(cookies, NAME)).toBe(value);
  });

  it('reads the bare cookie when there are no chunks', () => {
    expect(joinChunks({ [NAME]: 'bare-token' }, NAME)).toBe('bare-token');
  });

  it('prefers complete .0..n chunks over a leftover bare cookie', () => {
    const cookies = { [NAME]: 'stale-bare-token', [`${NAME}.0`]: 'first-', [`${NAME}.1`]: 'second' };

    expect(joinChunks(cookies, NAME)).toBe('first-second');
  });

  it('falls back to the bare cookie when the chunks do not start at .0', () => {
    const cookies = { [NAME]: 'bare-token', [`${NAME}.1`]: 'orphan' };

    expect(joinChunks(cookies, NAME)).toBe('bare-token');
  });

  it('returns undefined when no session cookie is present', () => {
    expect(joinChunks({ other: 'value' }, NAME)).toBeUndefined();
  });

  it('returns undefined for an empty bare cookie', () => {
    expect(joinChunks({ [NAME]: '' }, NAME)).toBeUndefined();
  });

  it('ignores chunks of a differently named cookie', () => {
    const cookies = { [`__Secure-${NAME}.0`]: 'secure-chunk', [NAME]: 'plain-token' };

    expect(joinChunks(cookies, NAME)).toBe('plain-token');
  });
});

describe('findSessionCookieNames', () => {
  it('lists the bare cookie and its numbered chunks', () => {
    const cookies = { [NAME]: 'a', [`${NAME}.0`]: 'b', [`${NAME}.1`]: 'c', [`${NAME}.12`]: 'd' };

    expect(findSessionCookieNames(cookies, NAME).sort()).toEqual([NAME, `${NAME}.0`, `${NAME}.1`, `${NAME}.12`]);
  });

  it('ignores unrelated cookies', () => {
    const cookies = { theme: 'dark', 'next-auth.csrf-token': 'x', 'next-auth.callback-url': 'y', [NAME]: 'a' };

    expect(findSessionCookieNames(cookies, NAME)).toEqual([NAME]);
  });

  it('lists every other cookie next-auth would join into the token (.abc, -x, a bare suffix), so the next write expires them', () => {
    const strays = [`${NAME}.abc`, `${NAME}.1a`, `${NAME}.`, `${NAME}-x`, `${NAME}-1`, `${NAME}_0`, `${NAME}0`];
    const cookies = Object.fromEntries(strays.map((name) => [name, 'x']));

    expect(findSessionCookieNames(cookies, NAME).sort()).toEqual([...strays].sort());
  });

  it('lists names with brackets or colons too (a Set-Cookie can carry them), and skips only what none could', () => {
    const cookies = { [`${NAME}(1)`]: 'a', [`${NAME}[0]`]: 'b', [`${NAME}:old`]: 'c', [`${NAME} x`]: 'd', [`${NAME}é`]: 'e' };

    expect(findSessionCookieNames(cookies, NAME).sort()).toEqual([`${NAME}(1)`, `${NAME}:old`, `${NAME}[0]`]);
  });

  it('still reads only the intact variants: a stray cookie never becomes part of the token', () => {
    expect(joinChunks({ [NAME]: 'token', [`${NAME}.bak`]: 'junk', [`${NAME}-x`]: 'junk' }, NAME)).toBe('token');
  });

  it('ignores the secure-prefixed cookie when looking for the plain name', () => {
    expect(findSessionCookieNames({ [`__Secure-${NAME}`]: 'a', [`__Secure-${NAME}.0`]: 'b' }, NAME)).toEqual([]);
  });
});

describe('chunkIndexOf', () => {
  it.each([
    ['next-auth.session-token.0', 0],
    ['next-auth.session-token.12', 12],
    ['next-auth.session-token', -1],
    ['next-auth.session-token.007', -1],
    ['next-auth.session-token.bak', -1],
    ['next-auth.session-token-1', -1],
    ['other.0', -1],
  ])('reads %s as chunk %d', (name, index) => {
    expect(chunkIndexOf('next-auth.session-token', name)).toBe(index);
  });
});
