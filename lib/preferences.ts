import { z } from 'zod';

export const THEMES = ['light', 'dark', 'system'] as const;
export const LOCALES = ['en-US', 'en-GB', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP'] as const;

export const preferencesSchema = z.strictObject({
  theme: z.enum(THEMES),
  locale: z.enum(LOCALES),
});

export type Preferences = z.infer<typeof preferencesSchema>;

export const DEFAULT_PREFERENCES: Preferences = { theme: 'system', locale: 'en-US' };

/**
 * Reads stored preferences JSON. Unknown or invalid keys fall back to defaults instead of
 * failing: a preference is never worth a broken sign-in.
 */
export function parseStoredPreferences(json: string): Preferences {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { ...DEFAULT_PREFERENCES };
  }
  const record = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const theme = preferencesSchema.shape.theme.safeParse(record.theme);
  const locale = preferencesSchema.shape.locale.safeParse(record.locale);
  return {
    theme: theme.success ? theme.data : DEFAULT_PREFERENCES.theme,
    locale: locale.success ? locale.data : DEFAULT_PREFERENCES.locale,
  };
}
