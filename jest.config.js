/**
 * Jest runs the TypeScript sources through swc (type-checking is tsc's job, run before jest).
 * The suites that start real servers wait on them more than they compute, so more workers than
 * cores run them side by side (`npm run test:unit`, all compute, uses one per core); the global
 * setup puts the pinned programs first on PATH.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
    ],
  },
  globalSetup: '<rootDir>/test/support/programs-setup.ts',
  testSequencer: '<rootDir>/test/support/sequencer.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  maxWorkers: 4,
  testTimeout: 60000,
};
