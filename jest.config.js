// ESM-only dependencies (feelin, bpmn-moddle and their deps) are transformed to CommonJS for Jest;
// at run time Node 20's require(esm) loads them directly.
const esmPackages = [
  'feelin', 'lezer-feel', 'temporal-utils', '@lezer', 'temporal-polyfill', 'bpmn-moddle', 'dmn-moddle', 'moddle', 'moddle-xml', 'min-dash', 'saxen',
  'openid-client', 'oauth4webapi', 'jose',
  // bpmnlint-plugin-camunda-compat and @camunda/form-linting (deploy/lint.ts, used by the web modeler)
  '@bpmn-io', '@codemirror', '@camunda/form-linting', 'semver-compare', 'bpmnlint-plugin-camunda-compat',
];
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj|cj)sx?$': ['@swc/jest', { jsc: { target: 'es2022' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(${esmPackages.join('|')})/)`],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  testMatch: ['**/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/data/'],
  testTimeout: 30000,
  setupFiles: ['<rootDir>/test/setup-env.js'],
  // One throw-away PostgreSQL cluster per run, for the suites that use it (test/helpers/postgres.ts).
  globalSetup: '<rootDir>/test/global-postgres.js',
  globalTeardown: '<rootDir>/test/global-postgres-teardown.js',
};
