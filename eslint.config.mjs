import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

/** The toolkit package's public entries; app code reaches nothing deeper. */
const TOOLKIT_ENTRIES_ONLY = {
  patterns: [
    {
      group: ['**/packages/**', 'next-auth-server-session/*', '!next-auth-server-session/client'],
      message: "Import the session toolkit by its package name: 'next-auth-server-session' (server) or 'next-auth-server-session/client' (browser).",
    },
    { group: ['next-auth-server-session/testing'], message: "next-auth-server-session/testing is the toolkit's test kit: test code only." },
  ],
};

/** The toolkit is a package teams install: it imports nothing of this app's. */
const TOOLKIT_STANDS_ALONE = {
  patterns: [{ group: ['@/*', '../*'], message: 'The toolkit package imports no app code (lib/auth, lib/db, lib/env, lib/api, components).' }],
};

/** The examples in docs/ are what a team copies: they import what a team installs, nothing of this app's. */
const DOCS_EXAMPLES_STAND_ALONE = {
  patterns: [...TOOLKIT_ENTRIES_ONLY.patterns, { group: ['@/*', '../*'], message: "A docs example imports only installed packages (and its sibling examples), never this app's code." }],
};

const config = [
  ...nextVitals,
  ...nextTs,
  // CommonJS files (next.config.js, the jest reporter) are loaded by tools with require().
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { files: ['lib/**/*.{ts,tsx}', 'pages/**/*.{ts,tsx}', 'components/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', TOOLKIT_ENTRIES_ONLY] } },
  { files: ['packages/*/src/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', TOOLKIT_STANDS_ALONE] } },
  { files: ['docs/**/*.{ts,tsx}'], rules: { 'no-restricted-imports': ['error', DOCS_EXAMPLES_STAND_ALONE] } },
  {
    ignores: ['.next/**', '**/node_modules/**', 'coverage/**', 'test-results/**', 'next-env.d.ts', 'packages/*/dist/**', '__tests__/fixtures/*/.next/**', 'bench/stock-app/.next/**'],
  },
];

export default config;
