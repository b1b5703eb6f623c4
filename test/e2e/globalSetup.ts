import { chromium } from 'playwright-core';
import type { TestProject } from 'vitest/node';
import { CHROMIUM_OPTIONS } from '../support/sandboxPage.js';

/**
 * One Chromium for the run's browser tests (issue 78): started once, each test file connects to it
 * (test/support/sandboxPage.ts `launchChromium`) and opens pages of its own, instead of starting a browser per file.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await chromium.launchServer(CHROMIUM_OPTIONS);
  project.provide('chromiumEndpoint', server.wsEndpoint());
  return () => server.close();
}
