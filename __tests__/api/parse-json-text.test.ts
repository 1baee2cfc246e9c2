import fc from 'fast-check';
import { exceedsJsonDepth, parseJsonText } from '@/lib/api/parse-json-text';

const arrays = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('exceedsJsonDepth', () => {
  it.each([
    ['32 arrays', arrays(32), false],
    ['33 arrays', arrays(33), true],
    ['objects and arrays mixed, 33 deep', `${'{"a":['.repeat(16)}{}${']}'.repeat(16)}`, true],
    ['siblings, each 2 deep', `[${'[],'.repeat(100)}[]]`, false],
    ['brackets inside a string', `["${'['.repeat(100)}"]`, false],
    ['an escaped quote that does not end the string', `["\\"${'{'.repeat(100)}"]`, false],
    ['an escaped backslash that does end the string', `["\\\\",${arrays(32)}]`, true],
    ['an unclosed string', `"${'['.repeat(100)}`, false],
    ['an escaped backslash, then an escaped quote', `["\\\\\\"${'['.repeat(100)}"]`, false],
  ])('%s', (_label, text, expected) => {
    expect(exceedsJsonDepth(text, 32)).toBe(expected);
  });

  it('agrees with the depth of the parsed value, for any JSON', () => {
    /** Arrays and objects nested in a value, by recursion: fine for fast-check's shallow values. */
    const nestingOf = (value: unknown): number =>
      typeof value === 'object' && value !== null ? 1 + Math.max(0, ...Object.values(value).map(nestingOf)) : 0;
    const valueArb = fc.jsonValue({ maxDepth: 8 });

    fc.assert(
      fc.property(valueArb, fc.integer({ min: 0, max: 8 }), (value, maxDepth) => {
        expect(exceedsJsonDepth(JSON.stringify(value), maxDepth)).toBe(nestingOf(value) > maxDepth);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it('counts a million unclosed brackets as too deep', () => {
    expect(exceedsJsonDepth(`${'['.repeat(1_000_000)}`, 32)).toBe(true);
  });
});

describe('parseJsonText', () => {
  it('parses JSON within the depth', () => {
    expect(parseJsonText('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
  });

  it('refuses a text nested too deep with 400 and maxDepth, before parsing it', () => {
    expect(() => parseJsonText(arrays(5), 4)).toThrow(expect.objectContaining({ status: 400, details: { maxDepth: 4 } }));
  });

  it('refuses text that is not JSON with 400', () => {
    expect(() => parseJsonText('{"a":')).toThrow(expect.objectContaining({ status: 400, message: 'Request body is not valid JSON' }));
  });
});
