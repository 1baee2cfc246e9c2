import { LOCALES, type Preferences } from './preferences';

type Locale = Preferences['locale'];

/** Browsers send a handful of ranges; past this many the rest of the header is ignored. */
const MAX_RANGES = 16;

/** A language tag (RFC 5646's shape, loosely: letters, then `-`-separated subtags), lower-cased. */
const LANGUAGE_TAG = /^[a-z]{1,8}(-[a-z0-9]{1,8})*$/;

interface LanguageRange {
  tag: string;
  quality: number;
  position: number;
}

function parseRange(entry: string, position: number): LanguageRange {
  const [tag = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
  const q = params.find((param) => param.startsWith('q='));
  return { tag, quality: q === undefined ? 1 : Number(q.slice(2)), position };
}

const isUsable = ({ tag, quality }: LanguageRange) => LANGUAGE_TAG.test(tag) && quality > 0 && quality <= 1;

/**
 * An Accept-Language header's ranges, best first (RFC 9110 12.5.4); malformed and refused
 * (`q=0`) ones are skipped. Hand-written: none of our dependencies parses this header, and
 * its grammar is a few lines.
 */
function parseAcceptLanguage(header: string): string[] {
  return header
    .split(',', MAX_RANGES)
    .map(parseRange)
    .filter(isUsable)
    .sort((a, b) => b.quality - a.quality || a.position - b.position)
    .map(({ tag }) => tag);
}

/** The app's locale for a tag: the same tag, or else the first locale of the same language. */
function matchLocale(tag: string): Locale | undefined {
  const language = tag.split('-')[0];
  return LOCALES.find((locale) => locale.toLowerCase() === tag) ?? LOCALES.find((locale) => locale.toLowerCase().split('-')[0] === language);
}

/**
 * The first locale the browser asks for (Accept-Language) that the app has, or null.
 * @example
 * pickBrowserLocale('de-AT,de;q=0.9,en;q=0.8'); // 'de-DE'
 */
export function pickBrowserLocale(acceptLanguage: string | undefined): Locale | null {
  for (const tag of parseAcceptLanguage(acceptLanguage ?? '')) {
    const locale = matchLocale(tag);
    if (locale) return locale;
  }
  return null;
}

/**
 * The browser's locale (as `pickBrowserLocale`) when it is not the user's already, else null:
 * what /welcome offers. Only offered: the user's locale changes when they take the offer,
 * so a locale chosen on purpose (en-US included) is never overwritten by a visit.
 * @example
 * suggestBrowserLocale('de-DE,de;q=0.9', 'en-US'); // 'de-DE'
 * suggestBrowserLocale('de-DE,de;q=0.9', 'de-DE'); // null
 */
export function suggestBrowserLocale(acceptLanguage: string | undefined, currentLocale: Locale): Locale | null {
  const locale = pickBrowserLocale(acceptLanguage);
  return locale === currentLocale ? null : locale;
}

/**
 * A locale as its own speakers name its language, with the tag: 'Deutsch (de-DE)'. Made on
 * the server and passed in props: a browser's Intl data may name it differently, and the
 * page must hydrate to the same text.
 */
export function describeLocale(locale: Locale): string {
  const [language = locale] = locale.split('-');
  const name = new Intl.DisplayNames([locale], { type: 'language' }).of(language) ?? language;
  return `${name.charAt(0).toLocaleUpperCase(locale)}${name.slice(1)} (${locale})`;
}
