import nextVitals from 'eslint-config-next/core-web-vitals';
import nextTs from 'eslint-config-next/typescript';

const config = [
  ...nextVitals,
  ...nextTs,
  // CommonJS files (next.config.js, the jest reporter) are loaded by tools with require().
  { files: ['**/*.js'], rules: { '@typescript-eslint/no-require-imports': 'off' } },
  { ignores: ['.next/**', 'node_modules/**', 'coverage/**', 'test-results/**', 'next-env.d.ts'] },
];

export default config;
