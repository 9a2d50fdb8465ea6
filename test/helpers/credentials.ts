import crypto from 'node:crypto';

/**
 * Gives this process (and every child it spawns, through the environment) one set of engine credentials, as in
 * production (docs/production.md): the official client sends CAMUNDA_BASIC_AUTH_* with CAMUNDA_AUTH_STRATEGY=BASIC,
 * engines started as child processes (engine/main.ts) require the same pair as ENGINE_BASIC_AUTH_*. Clock control
 * is switched on, because tests, benchmarks and the crash test move time. Values already set (test:cluster
 * against a real cluster) are kept. Used by test/setup-env.js, the benchmarks and the crash test.
 */
export function useLocalEngineCredentials(env: NodeJS.ProcessEnv = process.env): void {
  env.CAMUNDA_AUTH_STRATEGY ??= 'BASIC';
  env.CAMUNDA_BASIC_AUTH_USERNAME ??= 'vk-test';
  env.CAMUNDA_BASIC_AUTH_PASSWORD ??= `vk-test-${crypto.randomBytes(12).toString('hex')}`;
  env.ENGINE_BASIC_AUTH_USERNAME ??= env.CAMUNDA_BASIC_AUTH_USERNAME;
  env.ENGINE_BASIC_AUTH_PASSWORD ??= env.CAMUNDA_BASIC_AUTH_PASSWORD;
  env.ENGINE_CLOCK_CONTROL ??= 'true';
}
