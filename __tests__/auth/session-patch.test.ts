import { type PatchResult, parseSessionPatch } from '@/lib/auth/session-patch';

function issuesOf(result: PatchResult): { path: string; message: string }[] {
  return result.ok ? [] : result.issues;
}

describe('parseSessionPatch: accepted patches', () => {
  it('accepts a name', () => {
    expect(parseSessionPatch({ name: 'Alice B.' })).toEqual({ ok: true, patch: { name: 'Alice B.' } });
  });

  it('trims the name', () => {
    expect(parseSessionPatch({ name: '  Alice  ' })).toEqual({ ok: true, patch: { name: 'Alice' } });
  });

  it('accepts a partial preferences object', () => {
    expect(parseSessionPatch({ preferences: { theme: 'dark' } })).toEqual({ ok: true, patch: { preferences: { theme: 'dark' } } });
  });

  it('treats undefined as an empty patch', () => {
    expect(parseSessionPatch(undefined)).toEqual({ ok: true, patch: {} });
  });

  it('treats null as an empty patch', () => {
    expect(parseSessionPatch(null)).toEqual({ ok: true, patch: {} });
  });
});

describe('parseSessionPatch: privileged claims', () => {
  it.each([
    ['role', 'admin'],
    ['sub', 'someone-else'],
    ['email', 'mallory@example.com'],
    ['sessionVersion', 99],
    ['cart', { count: 0, totalCents: 0 }],
    ['iat', 0],
    ['exp', 4_102_444_800],
  ])('refuses %s at the top level and names it in the issue', (key, value) => {
    const result = parseSessionPatch({ name: 'Alice', [key]: value });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: '', message: `Not writable from the client: ${key}` }]);
  });

  it('refuses a role nested under user', () => {
    const result = parseSessionPatch({ user: { role: 'admin' } });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: '', message: 'Not writable from the client: user' }]);
  });

  it('refuses a role slipped into preferences', () => {
    const result = parseSessionPatch({ preferences: { theme: 'dark', role: 'admin' } });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: 'preferences', message: 'Not writable from the client: role' }]);
  });
});

describe('parseSessionPatch: prototype pollution', () => {
  it('refuses an own __proto__ key from JSON.parse', () => {
    const result = parseSessionPatch(JSON.parse('{"__proto__":{"role":"admin"}}'));

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: '__proto__', message: 'Key not allowed: __proto__' }]);
  });

  it('refuses a constructor key', () => {
    const result = parseSessionPatch({ constructor: {} });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: 'constructor', message: 'Key not allowed: constructor' }]);
  });

  it('refuses a __proto__ key nested in preferences', () => {
    const result = parseSessionPatch({ preferences: JSON.parse('{"__proto__":{}}') });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: 'preferences.__proto__', message: 'Key not allowed: preferences.__proto__' }]);
  });

  it('does not pollute Object.prototype while parsing', () => {
    parseSessionPatch(JSON.parse('{"__proto__":{"polluted":"yes"}}'));

    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parseSessionPatch: invalid values', () => {
  it("refuses the theme 'neon'", () => {
    const result = parseSessionPatch({ preferences: { theme: 'neon' } });

    expect(result.ok).toBe(false);
    expect(issuesOf(result).map((issue) => issue.path)).toEqual(['preferences.theme']);
  });

  it('refuses an empty name', () => {
    const result = parseSessionPatch({ name: '' });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: 'name', message: 'Name cannot be empty' }]);
  });

  it('refuses a name of only spaces', () => {
    const result = parseSessionPatch({ name: '   ' });

    expect(issuesOf(result)).toEqual([{ path: 'name', message: 'Name cannot be empty' }]);
  });

  it('accepts an 80-character name', () => {
    const name = 'a'.repeat(80);

    expect(parseSessionPatch({ name })).toEqual({ ok: true, patch: { name } });
  });

  it('refuses an 81-character name', () => {
    const result = parseSessionPatch({ name: 'a'.repeat(81) });

    expect(result.ok).toBe(false);
    expect(issuesOf(result)).toEqual([{ path: 'name', message: 'Name is at most 80 characters' }]);
  });

  it('refuses a name that is not a string', () => {
    const result = parseSessionPatch({ name: 42 });

    expect(result.ok).toBe(false);
    expect(issuesOf(result).map((issue) => issue.path)).toEqual(['name']);
  });
});

describe('names that are not text', () => {
  it.each([
    ['a lone high surrogate', 'Alice \ud800'],
    ['a lone low surrogate', '\udc00Alice'],
    ['a control character', 'Alice\u0000'],
  ])('refuses %s', (_label, name) => {
    expect(parseSessionPatch({ name }).ok).toBe(false);
  });

  it('accepts a name with an emoji (a proper surrogate pair)', () => {
    expect(parseSessionPatch({ name: 'Alice 😀' })).toEqual({ ok: true, patch: { name: 'Alice 😀' } });
  });
});

describe('parseSessionPatch: a patch it made itself', () => {
  it('hands it back as it is when given it again (the jwt callback after validatePatch)', () => {
    const first = parseSessionPatch({ name: '  Alice  ', preferences: { theme: 'dark' } });
    if (!first.ok) throw new Error('expected the patch to be accepted');

    const again = parseSessionPatch(first.patch);

    expect(again).toEqual({ ok: true, patch: { name: 'Alice', preferences: { theme: 'dark' } } });
    expect(again.ok && again.patch).toBe(first.patch);
  });

  it('freezes it, so nothing can be added between its check and its use', () => {
    const result = parseSessionPatch({ name: 'Alice', preferences: { theme: 'dark' } });
    if (!result.ok) throw new Error('expected the patch to be accepted');

    expect(() => Object.assign(result.patch, { role: 'admin' })).toThrow(TypeError);
    expect(() => Object.assign(result.patch.preferences ?? {}, { locale: 'fr-FR' })).toThrow(TypeError);
  });

  it('still checks a copy of it: an equal object made elsewhere is parsed afresh', () => {
    const result = parseSessionPatch({ name: 'Alice' });
    if (!result.ok) throw new Error('expected the patch to be accepted');

    expect(parseSessionPatch({ ...result.patch, role: 'admin' }).ok).toBe(false);
  });
});
