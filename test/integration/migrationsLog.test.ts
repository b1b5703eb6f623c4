import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MIGRATIONS_FOLDER, openDatabase } from '../../src/db/client.js';
import { databaseReadyMessage, readJournal } from '../../src/db/migrationsCheck.js';
import { APP_VERSION } from '../../src/version.js';
import { spawnApp } from '../support/appProcess.js';
import { waitFor } from '../support/harness.js';

/** Issue 50 item 15: the start says which version runs and which migrations it applied, so an upgrade's log says what it changed. */
describe('the migrations applied at start', () => {
  let dir: string;
  let path: string;
  const tags = () => readJournal(MIGRATIONS_FOLDER).map((entry) => entry.tag);

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'migrations-log-'));
    path = join(dir, 'handoff.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('are every migration on a new file, then none on the same file opened again, and the start says which', () => {
    const first = openDatabase(path);
    expect(first.migrations).toEqual({ applied: tags(), known: tags().length });
    first.close();
    const again = openDatabase(path);
    expect(again.migrations).toEqual({ applied: [], known: tags().length });
    again.close();
    // The "database ready" line of a start that applied none (the one that applied them all is below).
    expect(databaseReadyMessage(again.migrations)).toBe(
      `database ready: all ${tags().length} of this version's migrations were already applied`,
    );
  });

  it('are logged by `npm start` (dist/main.js) with the version from package.json', async () => {
    const version = (
      JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    expect(APP_VERSION).toBe(version);
    const env = {
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      // Nothing answers here: the start stops (or waits for Slack) after the database is ready, which is all this reads.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      DATABASE_PATH: path,
      PORT: '0',
    };
    const ready = async () => {
      const app = spawnApp(env);
      try {
        await waitFor(() => app.out().includes('database ready'), 60_000, 'the database ready line');
        const line = app
          .out()
          .split('\n')
          .find((l) => l.includes('database ready'));
        return JSON.parse(line ?? '{}') as { version?: string; migrationsApplied?: string[]; msg?: string };
      } finally {
        await app.stop('SIGKILL');
      }
    };
    const first = await ready();
    expect(first.version).toBe(version);
    expect(first.migrationsApplied).toEqual(tags());
    expect(first.msg).toContain(`applied ${tags().length} of this version's ${tags().length} migrations`);
    expect(first.msg).toContain(tags().at(-1));
    expect(first.msg).toBe(databaseReadyMessage({ applied: tags(), known: tags().length }));
    // A start of the built app: loading it takes seconds on a loaded two-core machine.
  }, 150_000);
});
