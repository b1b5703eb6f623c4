import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { type Browser, chromium, type Page } from 'playwright-core';
import { sandboxUsers } from '../../sandbox/cast.js';
import { logCollector, type Sandbox, startSandbox } from '../../sandbox/sandbox.js';

/**
 * The sandbox and Chromium for the packet walk, started as the browser tests start them (test/e2e/*.e2e.test.ts,
 * test/support/sandboxPage.ts): a sandbox on a free port with a scratch database, Debian's Chromium, a page as Pat.
 */

/**
 * The sandbox clock's start: Monday 23 November 2026, 10:00 in New York. Fixed so every run walks the same days:
 * the Northwind example's partner move (4 December) is then 11 days out, within the two weeks a strong offer needs.
 */
export const WALK_START = DateTime.fromISO('2026-11-23T10:00', { zone: 'America/New_York' });

export interface WalkWorld {
  sandbox: Sandbox;
  browser: Browser;
  page: Page;
  /** The app's log lines (shown when a walk fails). */
  logs: string[];
  /** Errors the page threw (a walk with any is not trusted). */
  pageErrors: string[];
  stop(): Promise<void>;
}

/** Headless Chromium (CHROMIUM_PATH, or Debian's), without its own sandbox (containers lack user namespaces). */
function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox'],
  });
}

/** A fresh sandbox (its own database), Chromium, and the page as Pat, ready. */
export async function startWalkWorld(): Promise<WalkWorld> {
  const dir = mkdtempSync(join(tmpdir(), 'packet-walk-'));
  const logs: string[] = [];
  const sandbox = await startSandbox({
    port: 0,
    databasePath: join(dir, 'sandbox.db'),
    logSink: logCollector(logs),
    startAt: WALK_START.toJSDate(),
  });
  const browser = await launch();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(`${sandbox.url}?as=${sandboxUsers.author.id}`);
  await page.locator('#who option').first().waitFor({ state: 'attached' });
  return {
    sandbox,
    browser,
    page,
    logs,
    pageErrors,
    async stop() {
      await browser.close();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
