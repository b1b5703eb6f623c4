import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { logCollector, type Sandbox, startSandbox } from '../../sandbox/sandbox.js';

/**
 * A sandbox (its app, fake Slack and fake Salesforce) on a fresh SQLite file for the tests of one file: started before
 * them, stopped and removed after. Its log is collected, not printed. `world.sandbox` is set once started.
 * `manifest` writes the manifest the sandbox reads into its folder and says where.
 */
export function sandboxWorld(
  name: string,
  opts: { startAt?: Date; manifest?: (dir: string) => string } = {},
): { sandbox: Sandbox; logs: string[] } {
  const world = { sandbox: undefined as unknown as Sandbox, logs: [] as string[] };
  let dir: string | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `sandbox-${name}-`));
    world.sandbox = await startSandbox({
      port: 0,
      databasePath: join(dir, 'sandbox.db'),
      logSink: logCollector(world.logs),
      ...(opts.startAt ? { startAt: opts.startAt } : {}),
      ...(opts.manifest ? { manifestFile: opts.manifest(dir) } : {}),
    });
  }, 30_000);
  afterAll(async () => {
    await world.sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return world;
}

/** A JSON POST to the sandbox's own API, as the page sends it: the status and the parsed answer ({} if none). */
export async function postToSandbox(
  sandbox: Sandbox,
  path: string,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${sandbox.url}api/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json().catch(() => ({}))) as Record<string, unknown>,
  };
}
