import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium } from 'playwright-core';

/**
 * Headless Debian Chromium for the browser tests. On a fresh machine it installs the package
 * first (scripts/install-chromium.sh): playwright's own download cannot reach its CDN here.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function ensureChromium(): void {
  if (existsSync(CHROMIUM_PATH)) return;
  const script = new URL('../../scripts/install-chromium.sh', import.meta.url).pathname;
  execFileSync('bash', [script], { stdio: 'inherit' });
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`${script} ran but ${CHROMIUM_PATH} is still missing`);
}

/** A browser with a fresh profile, so no state of an earlier run leaks into the test. */
export async function launchChromium(): Promise<BrowserContext> {
  const profile = mkdtempSync(join(tmpdir(), 'drctl-chromium-'));
  return chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ARGS,
    viewport: { width: 1100, height: 900 },
  });
}
