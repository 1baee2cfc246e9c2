import { useEffect } from 'react';
import type { Preferences } from '@/lib/preferences';

/** Applies the session's theme to <html data-theme>; "system" follows the OS setting. */
export function useTheme(theme: Preferences['theme'] | undefined): void {
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'light' || theme === 'dark') {
      root.dataset.theme = theme;
      return;
    }
    const query = window.matchMedia?.('(prefers-color-scheme: dark)');
    const apply = () => {
      root.dataset.theme = query?.matches ? 'dark' : 'light';
    };
    apply();
    query?.addEventListener?.('change', apply);
    return () => query?.removeEventListener?.('change', apply);
  }, [theme]);
}
