// Quiet the SDK's info-level logging (one "worker.start" line per job worker) so test output shows what matters;
// set CAMUNDA_LOG_LEVEL=info (or debug) to see it again.
process.env.CAMUNDA_LOG_LEVEL ??= 'warn';
// Every engine a test starts requires credentials, as in production; one random secret per jest worker
// (test/helpers/credentials.ts), inherited by child processes through the environment.
require('./helpers/credentials').useLocalEngineCredentials();
