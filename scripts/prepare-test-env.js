#!/usr/bin/env node
// Installs what the test suite needs from the machine itself: Debian's chromium for the browser tests.
// Everything else (SMTP server, engine) is started by the tests on loopback.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function sh(cmd) {
  execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

if (!fs.existsSync(CHROMIUM)) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) {
    console.error(`Chromium not found at ${CHROMIUM}. Install Debian's package: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  console.log('Installing Debian chromium for the browser tests (apt-get)...');
  sh('apt-get update -qq');
  sh('apt-get install -y -qq chromium chromium-driver');
}
