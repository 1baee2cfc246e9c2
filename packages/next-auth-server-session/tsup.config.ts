import { defineConfig } from 'tsup';

/**
 * ESM (`.js`) and CommonJS (`.cjs`), each with its own declarations (`.d.ts`, `.d.cts`), as
 * iron-session ships. The browser entry is built apart so its files start with "use client".
 */
const shared = {
  format: ['esm', 'cjs'] as ('esm' | 'cjs')[],
  dts: true,
  target: 'es2022',
  platform: 'node' as const,
  splitting: false,
  sourcemap: false,
  tsconfig: 'tsconfig.build.json',
  external: ['next', 'next-auth', 'react', 'swr', 'cookie', 'jose', 'on-headers'],
};

export default defineConfig([
  { ...shared, entry: { index: 'src/index.ts', testing: 'src/testing.ts' } },
  { ...shared, entry: { client: 'src/client.ts' }, platform: 'browser', banner: { js: '"use client";' } },
]);
