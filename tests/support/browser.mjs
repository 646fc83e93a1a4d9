// Headless Debian Chromium driven by playwright-core. Under CI=true a missing browser fails the
// test; elsewhere the test is skipped with a message saying how to install it.
import fs from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-default-apps'];

/** Returns a launched browser, or null when it is not installed and not under CI. */
export async function launch(t) {
  if (!fs.existsSync(CHROMIUM)) {
    const msg = `${CHROMIUM} is missing: install Debian's chromium (scripts/setup.sh test does)`;
    if (process.env.CI === 'true') throw new Error(msg);
    t.skip(msg);
    return null;
  }
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
