import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase } from '../../src/db/pg/store.js';
import { runConfigCli } from '../../src/program/cli.js';
import { commandFolder } from '../support/appProcess.js';
import { createDatabase } from '../support/postgres.js';

/**
 * `npm run config` with DATABASE_URL (issue 53): the same import and export as on the SQLite file
 * (test/integration/programConfigCli.test.ts), on Postgres: read on read-only connections, written with --apply.
 */
describe('npm run config on Postgres', () => {
  let url: string;
  let folder: ReturnType<typeof commandFolder>;
  beforeAll(async () => {
    url = await createDatabase('program_config');
    // Migrated as the app does at its start.
    await (await openPostgresDatabase(url)).close();
    folder = commandFolder();
  });
  afterAll(() => folder?.dispose());

  async function config(...argv: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runConfigCli(argv, {
      env: { DATABASE_URL: url },
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    });
    return { code, stdout, stderr };
  }

  it('imports a file with --apply, writes nothing without it, and exports it back', async () => {
    const program = {
      pools: { emea: { users: ['U0AE1', 'U0AE2'] } },
      policies: { quiet: [{ at: 'due', action: 'notify', to: ['owner'] }] },
      closures: ['2026-12-24'],
    };
    const text = `${JSON.stringify(program, null, 2)}\n`;
    const path = join(folder.dir, 'program.json');
    writeFileSync(path, text);
    expect(await config('export')).toMatchObject({ code: 0, stdout: '{}\n' });
    const dry = await config('import', path);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('  pool emea: added (2 members)\n');
    expect(dry.stdout).toContain('Nothing written: run again with --apply');
    expect((await config('export')).stdout).toBe('{}\n');
    const applied = await config('import', path, '--apply');
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('Wrote 3 parts');
    expect((await config('export')).stdout).toBe(text);
  });

  it('refuses a file with a problem, naming its place', async () => {
    const path = join(folder.dir, 'broken.json');
    writeFileSync(path, JSON.stringify({ pools: { emea: { users: ['bob'] } } }));
    const run = await config('import', path, '--apply');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('  - pools.emea.users[0]: "bob" is not a Slack user id');
  });
});
