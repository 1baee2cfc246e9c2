/**
 * The Next.js versions the toolkit package is proven on: the package README's "Tested with"
 * table and its peer ranges say exactly this (`__tests__/docs/snippets.test.ts` checks both).
 * `npm` resolves each range to its newest release (the README says "the newest release of each line").
 */
export interface CompatTarget {
  /** Shown in CI's output and used for the app's folder. */
  label: string;
  next: string;
  react: string;
  nextAuth: string;
  /** cookies-next 6 declares next >= 15: its interop test runs only there, and npm checks peers only there. */
  cookiesNextTested: boolean;
}

export const COMPAT_MATRIX: readonly CompatTarget[] = [
  // The oldest line also runs the floor of the next-auth peer range (4.24.0 ships a broken next-auth/css: next build fails); the others its newest 4.24.
  { label: 'next-13.5', next: '13.5', react: '^18.2.0', nextAuth: '4.24.5', cookiesNextTested: false },
  { label: 'next-14.2', next: '14.2', react: '^18.2.0', nextAuth: '~4.24.15', cookiesNextTested: false },
  { label: 'next-15', next: '15', react: '^19.0.0', nextAuth: '~4.24.15', cookiesNextTested: true },
  { label: 'next-16', next: '16', react: '^19.0.0', nextAuth: '~4.24.15', cookiesNextTested: true },
];

/** The other packages of the matrix's apps. */
export const COMPAT_SHARED = {
  swr: '^2.3.0',
  cookiesNext: '^6.1.1',
  typescript: '~5.9.3',
  typesNode: '^20.19.0',
} as const;
