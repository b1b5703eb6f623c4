import type { TestProject } from 'vitest/node';
import { buildDist } from './support/buildDist.js';
import { stageAppForNobody } from './support/unprivileged.js';

/**
 * Builds dist/ once before the test files that start the built app (the entry point, the export CLI, the checkpoint
 * worker, the crash drill): building it in each of them would let one test read files another is rewriting. Then
 * stages it for the tests that run it as an unprivileged user (test/support/unprivileged.ts). The build is esbuild's
 * (test/support/buildDist.ts); the types are checked by `npm run typecheck`.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  await buildDist();
  // The tests that run the built app as another user share one copy it can read, when the checkout is private.
  const app = stageAppForNobody();
  project.provide('unprivilegedApp', { root: app.root, node: app.node });
  return app.dispose;
}
