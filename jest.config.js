/** Jest runs TypeScript through ts-jest in transpile-only mode; `npm run typecheck` (part of `npm test`) does the type checking once for the whole tree. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  testTimeout: 60000,
  maxWorkers: 2,
};
