/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    // isolatedModules (transpile only) keeps the transform fast; `tsc --noEmit` type-checks separately.
    '^.+\\.[tj]s$': [
      'ts-jest',
      {
        tsconfig: {
          isolatedModules: true,
          allowJs: true,
          module: 'commonjs',
          moduleResolution: 'node10',
          verbatimModuleSyntax: false,
        },
      },
    ],
  },
  // @actions/core 3 ships ESM only: let ts-jest turn it into CommonJS for the tests.
  transformIgnorePatterns: ['/node_modules/(?!(@actions)/)'],
  moduleNameMapper: {},
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  collectCoverageFrom: ['core/**/*.ts'],
  coverageThreshold: { './core/': { lines: 85, branches: 75 } },
};
