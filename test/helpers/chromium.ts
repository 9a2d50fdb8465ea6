import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (installed by scripts/prepare-test-env.js), or CHROMIUM_PATH. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Flags for a headless Chromium on a machine without network or GPU (the background-networking flag matters). */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * `describe` for browser suites. Without a browser a developer's run skips them with a message; in CI (CI=true) a
 * missing browser fails the suite, because `npm test` installs one and a silent skip would hide that it did not.
 */
export function describeWithBrowser(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM_PATH)) return describe(name, fn);
  if (process.env.CI) {
    describe(name, () => {
      test('a browser is installed', () => {
        throw new Error(`Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH, or run scripts/prepare-test-env.js as root)`);
      });
    });
    return;
  }
  console.warn(`${name}: skipped, Chromium not found at ${CHROMIUM_PATH} (set CHROMIUM_PATH or apt-get install -y chromium)`);
  describe.skip(name, fn);
}
