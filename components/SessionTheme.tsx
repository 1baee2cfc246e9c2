import { useSession } from 'next-auth/react';
import { useTheme } from './use-theme';

/** Follows the signed-in user's theme preference, so a change in any tab restyles this one. */
export function SessionTheme() {
  const { data: session } = useSession();
  useTheme(session?.user.preferences.theme);
  return null;
}
