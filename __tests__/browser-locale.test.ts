import { describeLocale, pickBrowserLocale, suggestBrowserLocale } from '@/lib/browser-locale';

describe('pickBrowserLocale', () => {
  it("takes the browser's first language the app has, exactly as the app spells it", () => {
    expect(pickBrowserLocale('de-DE,de;q=0.9,en;q=0.8')).toBe('de-DE');
    expect(pickBrowserLocale('ja-jp')).toBe('ja-JP');
  });

  it('falls back from a region the app lacks to its language', () => {
    expect(pickBrowserLocale('de-AT')).toBe('de-DE');
    expect(pickBrowserLocale('fr')).toBe('fr-FR');
  });

  it('orders by quality, then by the order the browser sent', () => {
    expect(pickBrowserLocale('it;q=1, de-DE;q=0.5, fr-FR;q=0.8')).toBe('fr-FR');
    expect(pickBrowserLocale('es-ES;q=0.7, ja-JP;q=0.7')).toBe('es-ES');
  });

  it('answers null when the browser asks for nothing the app has, or says nothing', () => {
    expect(pickBrowserLocale('it-IT,pt;q=0.9')).toBeNull();
    expect(pickBrowserLocale('*')).toBeNull();
    expect(pickBrowserLocale('')).toBeNull();
    expect(pickBrowserLocale(undefined)).toBeNull();
  });

  it('skips refused (q=0) and malformed entries instead of failing', () => {
    expect(pickBrowserLocale('de-DE;q=0, fr-FR')).toBe('fr-FR');
    expect(pickBrowserLocale('de-DE;q=abc, <script>, ja-JP;q=2, es')).toBe('es-ES');
  });

  it('reads only the first entries of an oversized header', () => {
    expect(pickBrowserLocale(`${'it,'.repeat(10_000)}de-DE`)).toBeNull();
  });
});

describe('suggestBrowserLocale', () => {
  it("offers the browser's locale when it is not the user's", () => {
    expect(suggestBrowserLocale('de-DE,de;q=0.9,en;q=0.8', 'en-US')).toBe('de-DE');
    expect(suggestBrowserLocale('de-DE,de;q=0.9', 'fr-FR')).toBe('de-DE');
  });

  it("offers nothing when the user's locale is the browser's already", () => {
    expect(suggestBrowserLocale('de-AT,de;q=0.9', 'de-DE')).toBeNull();
  });

  it('offers nothing when the browser asks for nothing the app has', () => {
    expect(suggestBrowserLocale('it-IT', 'en-US')).toBeNull();
    expect(suggestBrowserLocale(undefined, 'en-US')).toBeNull();
  });
});

describe('describeLocale', () => {
  it('names the language as its own speakers do, with the tag', () => {
    expect(describeLocale('de-DE')).toBe('Deutsch (de-DE)');
    expect(describeLocale('fr-FR')).toBe('Français (fr-FR)');
    expect(describeLocale('ja-JP')).toBe('日本語 (ja-JP)');
    expect(describeLocale('en-GB')).toBe('English (en-GB)');
  });
});
