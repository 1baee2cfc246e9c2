import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** The toolkit's two public entries; app code reaches nothing deeper. */
const TOOLKIT_ENTRIES_ONLY = {
  patterns: [
    {
      group: ['@/lib/session/*', '!@/lib/session/client', '**/lib/session/*', '!**/lib/session/client', '../session/*', '!../session/client'],
      message: "Import the session toolkit through its entries: '@/lib/session' (server) or '@/lib/session/client' (browser).",
    },
    { group: ['**/session/testing'], message: "lib/session/testing is the toolkit's test kit: test code only." },
  ],
};

/** The toolkit is lifted into other apps as it is: it imports nothing of this app's. */
const TOOLKIT_STANDS_ALONE = {
  patterns: [{ group: ['@/*', '../*'], message: 'lib/session imports no app code (lib/auth, lib/db, lib/env, lib/api, components).' }],
};

const config = [
  ...nextVitals,
  ...nextTs,
  // CommonJS files (next.config.js, the jest reporter) are loaded by tools with require().
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['lib/**/*.{ts,tsx}', 'pages/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', TOOLKIT_ENTRIES_ONLY] } },
  { files: ['lib/session/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', TOOLKIT_STANDS_ALONE] } },
  {
    ignores: ['.next/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'next-env.d.ts', '__tests__/fixtures/*/lib/session/**', '__tests__/fixtures/*/.next/**', 'bench/stock-app/.next/**'],
  },
];

export default config;
