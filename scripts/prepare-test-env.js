#!/usr/bin/env node
// Installs what the test suite needs from the machine itself: Debian's chromium for the browser tests and Debian's
// postgresql for the storage tests (jest starts a throw-away cluster from its binaries: test/global-postgres.js;
// no service is started here). Everything else (SMTP server, engine) is started by the tests on loopback.
'use strict';
const { execSync } = require('node:child_process');
const fs = require('node:fs');

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function sh(cmd) {
  execSync(cmd, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
let updated = false;
// Another apt run on the machine (a second CI job, unattended upgrades) holds the dpkg lock for a while: wait for it
// instead of failing the whole test run.
const APT = 'apt-get -o DPkg::Lock::Timeout=900';
function aptInstall(packages) {
  if (!updated) { sh(`${APT} update -qq`); updated = true; }
  sh(`${APT} install -y -qq ${packages}`);
}

if (!fs.existsSync(CHROMIUM)) {
  if (!isRoot) {
    console.error(`Chromium not found at ${CHROMIUM}. Install Debian's package: sudo apt-get install -y chromium`);
    process.exit(1);
  }
  console.log('Installing Debian chromium for the browser tests (apt-get)...');
  aptInstall('chromium chromium-driver');
}

const hasPostgres = () => fs.existsSync('/usr/lib/postgresql')
  && fs.readdirSync('/usr/lib/postgresql').some((v) => fs.existsSync(`/usr/lib/postgresql/${v}/bin/initdb`));
if (!hasPostgres()) {
  if (!isRoot) {
    console.error('PostgreSQL binaries not found under /usr/lib/postgresql. Install Debian\'s package: sudo apt-get install -y postgresql');
    process.exit(1);
  }
  console.log('Installing Debian postgresql for the storage tests (apt-get; the tests start their own cluster)...');
  // Only its binaries are used; the tests never touch the package's own cluster.
  aptInstall('postgresql');
}
