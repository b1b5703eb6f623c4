import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { saveCrmConnection } from '../../src/db/repositories/crm.js';
import { privacyStatement, readOwnCrms } from '../../src/doctor/privacy.js';
import { runBuilt } from '../support/builtCli.js';

/**
 * `npm run doctor -- --privacy` (issue 57 item 4) as an admin runs it: the built command (dist/, built once for the
 * tests by test/globalSetup.ts), in a folder without a .env, on a real database the app made. It reads the database
 * without changing it.
 */
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-privacy-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const run = (env: Record<string, string>) => runBuilt('doctor', ['--privacy'], { cwd: dir, env });

it('doctor --privacy prints the statement of the live settings: the file, its tables, the workspaces’ own CRM, no AI', async () => {
  const path = join(dir, 'data', 'handoff.db');
  const database = openDatabase(path);
  await firstInstallationOf(database.db).transaction((tx) =>
    saveCrmConnection(tx, {
      system: 'salesforce',
      sealed: 'sealed-credentials',
      connectedBy: 'U0ADMIN',
      connectedAt: new Date('2026-11-20T10:00:00Z'),
    }),
  );
  database.close();
  const files = () =>
    readdirSync(join(dir, 'data')).map((name) => [name, statSync(join(dir, 'data', name)).mtimeMs]);
  const before = files();

  const result = run({
    SLACK_BOT_TOKEN: 'xoxb-privacy',
    SLACK_SIGNING_SECRET: 'privacy-secret',
    DATABASE_PATH: path,
    OUTBOX_RETENTION_DAYS: '21',
  });
  expect(result.stderr).toBe('');
  expect(result.status).toBe(0);
  expect(result.stdout).toMatch(/^Privacy statement of this deployment/);
  expect(result.stdout).toContain(`SQLite file ${path} (with ${path}-wal and ${path}-shm beside it)`);
  expect(result.stdout).toContain('Deleted 21 days after they were queued');
  expect(result.stdout).toMatch(/- Salesforce: a completed Task .* 1 workspace\(s\) connected their own/);
  expect(result.stdout).not.toContain('HubSpot');
  expect(result.stdout).toContain('AI: no AI model');
  expect(result.stdout).not.toMatch(/xoxb-privacy|privacy-secret|sealed-credentials/);
  // Read only: no file beside the database was made or written.
  expect(files()).toEqual(before);
});

it('doctor --privacy, with no database yet, says no workspace connected a CRM, and makes no file (in-process, as --privacy does)', async () => {
  const config = loadConfig({
    SLACK_BOT_TOKEN: 'xoxb-privacy',
    SLACK_SIGNING_SECRET: 'privacy-secret',
    DATABASE_PATH: join(dir, 'none.db'),
  });
  expect(privacyStatement({ config, ...(await readOwnCrms(config)) })).toContain(
    'No CRM: none in the settings, and no workspace connected its own.',
  );
  expect(readdirSync(dir)).toEqual([]);
});

it('doctor --privacy, with settings the app refuses, exits 1 saying why', () => {
  const refused = run({ SLACK_BOT_TOKEN: 'xoxb-privacy' });
  expect(refused.status).toBe(1);
  expect(refused.stdout).toBe('');
  expect(refused.stderr).toContain('The settings have problems, so no statement can be made from them:');
  expect(refused.stderr).toContain('SLACK_SIGNING_SECRET');
});
