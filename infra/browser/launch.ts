import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, ensureChromium } from './install.ts';

/**
 * Debian's Chromium driven by playwright-core (which never downloads a browser of its
 * own): headless, no sandbox (root in CI), and none of Chromium's background calls home.
 */
export async function launchChromium(log?: (line: string) => void): Promise<Browser> {
  return chromium.launch({ executablePath: ensureChromium(log), headless: true, args: CHROMIUM_ARGS });
}
