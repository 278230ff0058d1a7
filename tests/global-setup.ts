import { ensureChromium } from './e2e/chromium.ts';

/**
 * Runs once before any test file, in one process: the browser tests need Debian's Chromium, and
 * two test files installing it at the same time would fight over apt's lock.
 */
export default function setup(): void {
  ensureChromium();
}
