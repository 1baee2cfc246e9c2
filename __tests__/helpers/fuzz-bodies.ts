import fc from 'fast-check';

/**
 * Request bodies as small recipes (so a counterexample prints readably), turned into bytes
 * at send time. They mix the routes' valid shapes, valid JSON of wrong shapes, privileged
 * and prototype-pollution keys, deep nesting, huge strings and bytes that are not JSON.
 */

export type BodySpec =
  | { kind: 'none' }
  | { kind: 'json'; value: unknown }
  | { kind: 'text'; text: string }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'deep'; depth: number; shape: 'array' | 'object' | 'data' }
  | { kind: 'huge'; length: number; shape: 'name' | 'key' | 'string' };

export const THEMES = ['light', 'dark', 'system'] as const;
export const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP'] as const;

const PRIVILEGED_KEYS = ['role', 'sub', 'id', 'email', 'sessionVersion', 'authTime', 'iat', 'exp', 'jti', 'cart', 'user', 'disabled'];
const POLLUTION_KEYS = ['__proto__', 'constructor', 'prototype'] as const;

export const nameArb = fc.oneof(
  fc.string({ maxLength: 90 }),
  fc.string({ unit: 'grapheme', maxLength: 85 }),
  fc.constantFrom('', ' ', '\t\n', '  Alice  ', 'x'.repeat(80), 'x'.repeat(81), ` ${'y'.repeat(80)} `, '\u0000', '\u00a0', '\ud800', 'Ålice', '<script>alert(1)</script>', '😀'.repeat(40), '😀'.repeat(41)),
);

const themeArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...THEMES) }, fc.constantFrom<unknown>('neon', '', 'DARK', null, 1, ['dark']));
const localeArb = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...LOCALES) }, fc.constantFrom<unknown>('en', 'EN-US', '', null, {}));

const preferencesArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ theme: themeArb, locale: localeArb }, { requiredKeys: [] }) },
  fc.record({ theme: themeArb, extra: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] }),
  fc.jsonValue({ maxDepth: 2 }),
);

/** The session patch `{ name?, preferences? }`, valid most of the time. */
export const patchArb = fc.record({ name: nameArb, preferences: preferencesArb }, { requiredKeys: [] });

const privilegedValueArb = fc.oneof(fc.constant<unknown>('admin'), fc.constantFrom<unknown>(0, 999, 'admin@example.com', null, { count: 0, totalCents: 0 }), fc.jsonValue({ maxDepth: 2 }));

/** Claims a client must never set, alone or beside an otherwise valid patch. */
export const privilegedArb = fc.dictionary(fc.constantFrom(...PRIVILEGED_KEYS), privilegedValueArb, { minKeys: 1, maxKeys: 3 });

const patchWithPrivilegedArb = fc.tuple(patchArb, privilegedArb).map(([patch, privileged]) => ({ ...patch, ...privileged }));

/** What a patch slot holds: mostly a patch, sometimes privileged keys, sometimes anything at all. */
export const patchSlotArb = fc.oneof(
  { weight: 5, arbitrary: patchArb },
  { weight: 2, arbitrary: patchWithPrivilegedArb },
  { weight: 1, arbitrary: fc.record({ user: privilegedArb }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(null, {}, [], '', 0, true) },
);

const productIdArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 240 }) },
  fc.integer({ min: -3, max: 300 }),
  fc.constantFrom<unknown>(0, 241, 2_147_483_647, 2_147_483_648, 1.5, -0, '3', ' 4 ', '', '0x10', '1e2', null, true, [5], {}, 'abc'),
);

const quantityArb = fc.oneof(
  { weight: 5, arbitrary: fc.integer({ min: 1, max: 5 }) },
  fc.integer({ min: -2, max: 101 }),
  fc.constantFrom<unknown>(99, 1.5, '2', null, true, [1], 1e20),
);

export const cartBodyArb = fc.record({ productId: productIdArb, quantity: quantityArb }, { requiredKeys: ['productId'] });
export const quantityBodyArb = fc.record({ quantity: fc.oneof(fc.integer({ min: 0, max: 5 }), quantityArb) }, { requiredKeys: [] });
export const refreshBodyArb = fc.oneof(
  { weight: 5, arbitrary: fc.record({ data: patchSlotArb }, { requiredKeys: [] }) },
  fc.record({ data: patchSlotArb, extra: fc.jsonValue({ maxDepth: 1 }) }),
);

/** A patch object with a pollution key at its top or under `preferences`, as JSON text (JSON.stringify cannot write an own `__proto__`). */
export const pollutedPatchTextArb = fc
  .record({
    key: fc.constantFrom(...POLLUTION_KEYS),
    inner: fc.oneof(privilegedArb, fc.constant({ prototype: { role: 'admin' } }), fc.constant({ theme: 'dark' })),
    underPreferences: fc.boolean(),
    withName: fc.boolean(),
  })
  .map(({ key, inner, underPreferences, withName }) => {
    const polluted = `{"${key}":${JSON.stringify(inner)}}`;
    const name = withName ? '"name":"Mallory",' : '';
    return underPreferences ? `{${name}"preferences":${polluted}}` : `{${name}${polluted.slice(1)}`;
  });

const pollutionTextArb = fc.oneof(
  pollutedPatchTextArb,
  pollutedPatchTextArb.map((patch) => `{"data":${patch}}`),
  fc.constantFrom(...POLLUTION_KEYS).map((key) => `{"productId":1,"quantity":1,"${key}":{"quantity":99}}`),
  fc.constantFrom(...POLLUTION_KEYS).map((key) => `{"${key}":{"data":{"role":"admin"}}}`),
);

const anyJsonBodyArb = fc.oneof(
  { weight: 4, arbitrary: refreshBodyArb },
  { weight: 3, arbitrary: patchSlotArb },
  { weight: 3, arbitrary: cartBodyArb },
  { weight: 2, arbitrary: quantityBodyArb },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
  { weight: 1, arbitrary: fc.object({ maxDepth: 2, values: [fc.jsonValue({ maxDepth: 1 })] }) },
);

const textBodyArb = fc.oneof(
  pollutionTextArb,
  fc.tuple(anyJsonBodyArb, fc.nat()).map(([value, cut]) => {
    const text = JSON.stringify(value) ?? '';
    return text.slice(0, cut % (text.length + 1));
  }),
  anyJsonBodyArb.map((value) => `\ufeff${JSON.stringify(value)}`),
  anyJsonBodyArb.map((value) => `${JSON.stringify(value)} trailing`),
  fc.constantFrom('null', '[]', '""', '1e999', '-0', '{"data":{"name":"a"},"data":{"role":"admin"}}', '{"name":"a","name":{"x":1}}', ' \n ', 'data=%7B%7D', '{"data":{"name":"\\u0000"}}'),
  fc.string({ maxLength: 200 }),
);

export const bodySpecArb: fc.Arbitrary<BodySpec> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<BodySpec>({ kind: 'none' }) },
  { weight: 10, arbitrary: anyJsonBodyArb.map((value): BodySpec => ({ kind: 'json', value })) },
  { weight: 4, arbitrary: textBodyArb.map((text): BodySpec => ({ kind: 'text', text })) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes): BodySpec => ({ kind: 'bytes', bytes })) },
  {
    weight: 1,
    arbitrary: fc
      .record({ depth: fc.oneof(fc.integer({ min: 9, max: 200 }), fc.integer({ min: 200, max: 9000 })), shape: fc.constantFrom('array', 'object', 'data') })
      .map((spec): BodySpec => ({ kind: 'deep', ...spec })),
  },
  {
    weight: 1,
    arbitrary: fc
      .record({ length: fc.oneof(fc.integer({ min: 81, max: 2000 }), fc.integer({ min: 15_000, max: 20_000 })), shape: fc.constantFrom('name', 'key', 'string') })
      .map((spec): BodySpec => ({ kind: 'huge', ...spec })),
  },
);

function deepText(depth: number, shape: 'array' | 'object' | 'data'): string {
  if (shape === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (shape === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `${'{"data":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}

function hugeText(length: number, shape: 'name' | 'key' | 'string'): string {
  const filler = 'x'.repeat(length);
  if (shape === 'name') return JSON.stringify({ data: { name: filler } });
  if (shape === 'key') return `{"${filler}":1}`;
  return JSON.stringify(filler);
}

/** The bytes to send, or undefined for no body. */
export function bodyBytes(spec: BodySpec): Buffer | undefined {
  switch (spec.kind) {
    case 'none':
      return undefined;
    case 'json':
      return Buffer.from(JSON.stringify(spec.value) ?? 'null', 'utf8');
    case 'text':
      return Buffer.from(spec.text, 'utf8');
    case 'bytes':
      return Buffer.from(spec.bytes);
    case 'deep':
      return Buffer.from(deepText(spec.depth, spec.shape), 'utf8');
    case 'huge':
      return Buffer.from(hugeText(spec.length, spec.shape), 'utf8');
  }
}
