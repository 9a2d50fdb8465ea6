// Jest globalSetup/globalTeardown: one throw-away PostgreSQL cluster for the whole run (test/helpers/postgres.ts).
// Without PostgreSQL installed the run goes on; tests that need it fail with VK_TEST_PG_ERROR's explanation.
'use strict';
require('tsx/cjs');

module.exports = async function globalSetup() {
  if (process.env.VK_TEST_PG_URL) return; // an outer process (or the developer) gave one
  const { startTestCluster } = require('./helpers/postgres.ts');
  try {
    const cluster = await startTestCluster();
    process.env.VK_TEST_PG_URL = cluster.url;
    globalThis.__vkPgCluster = cluster;
  } catch (e) {
    process.env.VK_TEST_PG_ERROR = `The test PostgreSQL could not be started: ${e.message}`;
  }
};
