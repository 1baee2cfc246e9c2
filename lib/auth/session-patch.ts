import { z } from 'zod';
import { preferencesSchema } from '../preferences';

/**
 * What a client may change in its session: the merge policy, in one place. It guards our
 * routes and next-auth's own `POST /api/auth/session` update (client-controlled) alike.
 * Privileged claims (sub, id, email, role, sessionVersion, iat, exp, jti, cart) are not
 * here: a patch naming them is refused, and they are re-read from the store.
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const sessionPatchSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, { error: 'Name cannot be empty' })
    .max(80, { error: 'Name is at most 80 characters' })
    // A lone surrogate is not text: SQLite would store it as invalid UTF-8 and read back U+FFFD.
    .refine((name) => !LONE_SURROGATE.test(name), { error: 'Name must be valid Unicode text' })
    .refine((name) => !/\p{Cc}/u.test(name), { error: 'Name cannot contain control characters' })
    .optional(),
  preferences: preferencesSchema.partial().optional(),
});

export type SessionPatch = z.infer<typeof sessionPatchSchema>;

export interface PatchIssue {
  path: string;
  message: string;
}

export type PatchResult = { ok: true; patch: SessionPatch } | { ok: false; issues: PatchIssue[] };

const POLLUTION_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function findPollutionKeys(value: unknown, path: string[] = [], depth = 0): string[] {
  if (typeof value !== 'object' || value === null || depth > 8) return [];
  return Object.keys(value).flatMap((key) => {
    const here = [...path, key];
    const nested = findPollutionKeys((value as Record<string, unknown>)[key], here, depth + 1);
    return POLLUTION_KEYS.has(key) ? [here.join('.'), ...nested] : nested;
  });
}

/**
 * Patches this policy made: the toolkit's `validatePatch` parses a patch and hands the result
 * to the jwt callback, which parses what it is given (next-auth's update path gives it raw
 * client data); a patch made here is not parsed twice. Only this module adds to it, and
 * what it adds is frozen, so a patch cannot change between its check and its use.
 */
const parsedPatches = new WeakSet<object>();

/** `undefined`/`null` mean "no change, re-sync from the store". */
export function parseSessionPatch(input: unknown): PatchResult {
  if (input === undefined || input === null) return { ok: true, patch: {} };
  if (typeof input === 'object' && parsedPatches.has(input)) return { ok: true, patch: input as SessionPatch };
  const polluted = findPollutionKeys(input);
  if (polluted.length > 0) {
    return { ok: false, issues: polluted.map((path) => ({ path, message: `Key not allowed: ${path}` })) };
  }
  const result = sessionPatchSchema.safeParse(input);
  if (result.success) {
    if (result.data.preferences) Object.freeze(result.data.preferences);
    parsedPatches.add(Object.freeze(result.data));
    return { ok: true, patch: result.data };
  }
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.join('.'),
      message:
        issue.code === 'unrecognized_keys'
          ? `Not writable from the client: ${issue.keys.join(', ')}`
          : issue.message,
    })),
  };
}

export function isEmptyPatch(patch: SessionPatch): boolean {
  return patch.name === undefined && (patch.preferences === undefined || Object.keys(patch.preferences).length === 0);
}
