import type { Config } from 'jest';

const tsJest: Config['transform'] = {
  '^.+\\.tsx?$': [
    'ts-jest',
    {
      // tsconfig's isolatedModules makes ts-jest transpile only; type checking is `npm run typecheck`'s job.
      tsconfig: { module: 'commonjs', moduleResolution: 'node10', jsx: 'react-jsx', esModuleInterop: true, isolatedModules: true },
    },
  ],
};

const shared: Config = {
  transform: tsJest,
  moduleNameMapper: { '^@/(.*)$': '<rootDir>/$1' },
  testEnvironment: 'node',
};

const config: Config = {
  projects: [
    {
      ...shared,
      displayName: 'server',
      testMatch: ['<rootDir>/__tests__/**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/__tests__/app/', '<rootDir>/__tests__/e2e/', '<rootDir>/__tests__/fixtures/'],
      setupFiles: ['<rootDir>/__tests__/helpers/test-env.ts'],
    },
    {
      ...shared,
      displayName: 'browser',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/__tests__/browser/**/*.test.tsx'],
      moduleNameMapper: { ...shared.moduleNameMapper, '\\.css$': '<rootDir>/__tests__/helpers/style-stub.ts' },
    },
    {
      ...shared,
      displayName: 'app',
      // The fixture's own tests run here: this project's setup copies lib/session into it.
      testMatch: ['<rootDir>/__tests__/app/**/*.test.ts', '<rootDir>/__tests__/fixtures/*/__tests__/**/*.test.ts'],
      globalSetup: '<rootDir>/support/build-app.ts',
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/support/build-app.ts',
    },
  ],
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/scripts/jest-summary-reporter.js'],
};

export default config;
