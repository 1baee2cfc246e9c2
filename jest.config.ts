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
  // The toolkit by its package name, as the app imports it, from its source (next build and tsc
  // resolve it the same way, through tsconfig's paths); the fixture's build installs the packed tarball.
  moduleNameMapper: {
    '^@/(.*)$': '<rootDir>/$1',
    '^next-auth-server-session$': '<rootDir>/packages/next-auth-server-session/src/index.ts',
    '^next-auth-server-session/(client|testing)$': '<rootDir>/packages/next-auth-server-session/src/$1.ts',
  },
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
      // The fixture's own tests run here (the toolkit by its package name, mapped to the source above).
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
