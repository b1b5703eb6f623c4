import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ERASE_USAGE, eraseRequest } from '../../src/cliErase.js';
import { openDatabase } from '../../src/db/client.js';
import { tablesOf } from '../../src/db/engine.js';
import { runBuilt } from '../support/builtCli.js';
import { sentHandoffRow } from '../support/handoffRow.js';

/**
 * `npm run erase` (issue 57 item 2) as an operator runs it: the built command (dist/, built once for the tests by
 * test/globalSetup.ts), in a folder without a .env, on a real SQLite database. The list changes nothing; --apply
 * erases; a person with an open deal is refused with exit 1; a wrong command line is exit 2.
 */
describe('npm run erase', () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-erase-'));
    path = join(dir, 'data', 'handoff.db');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) =>
    runBuilt('erase', args, {
      cwd: dir,
      env: { SLACK_BOT_TOKEN: 'xoxb-erase', SLACK_SIGNING_SECRET: 'erase-secret', DATABASE_PATH: path },
    });

  async function seed(status: 'declined' | 'sent', contacts = ['Ada Lovelace']) {
    const database = openDatabase(path);
    const at = new Date('2026-11-20T10:00:00Z');
    await database.db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffs)
        .values(
          contacts.map((partnerContactName, i) =>
            sentHandoffRow(at, { sourceViewId: `V0ERASE${i}`, status, partnerContactName, aeUserId: 'U0AE' }),
          ),
        ),
    );
    database.close();
  }

  const contacts = () => {
    const database = openDatabase(path);
    const rows = database.sqlite.prepare('select partner_contact_name as c from handoffs').all();
    database.close();
    return rows;
  };

  it('lists first and changes nothing; with --apply erases and reports what it could not reach', async () => {
    await seed('declined');
    const listed = run('--person', 'Ada Lovelace');
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('Erasure of a person named by a name: 1 row(s) name them.');
    expect(listed.stdout).toContain('  handoffs: 1 row(s), in partner_contact_name');
    expect(listed.stdout).toContain('Nothing changed. Run again with --apply to erase.');
    expect(contacts()).toEqual([{ c: 'Ada Lovelace' }]);

    const applied = run('--person', 'Ada Lovelace', '--apply');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/Erased: 1 row\(s\) rewritten or deleted/);
    expect(applied.stdout).toContain('Backups: the app makes none (BACKUP_DIR unset)');
    expect(contacts()).toEqual([{ c: '(erased)' }]);
    const database = openDatabase(path);
    expect(database.sqlite.prepare('select requested_by, named_by from erasures').all()).toEqual([
      { requested_by: 'cli', named_by: 'name' },
    ]);
    database.close();
  });

  it('refuses a name that is two people’s, listing them, and changes nothing (issue 77 item 4)', async () => {
    await seed('declined', ['Ada Lovelace', 'Ada King']);
    const refused = run('--person', 'ada', '--apply');
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain(
      '“ada” names more than one person: Ada King (partner contact); Ada Lovelace (partner contact).',
    );
    expect(refused.stderr.endsWith(`.\n${ERASE_USAGE}`)).toBe(true);
    expect(contacts()).toEqual([{ c: 'Ada Lovelace' }, { c: 'Ada King' }]);
  });

  it('refuses an AE who still holds an open deal (exit 1)', async () => {
    await seed('sent');
    const refused = run('--person', 'U0AE', '--apply');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toContain('They are the AE, owner or author of open handoffs #1');
    expect(refused.stderr).toContain('Not erased');
  });
});

/** A wrong command line: the message, then the usage and exit code 2 (as for the name of two people above). */
describe('npm run erase reads its command line', () => {
  it.each([
    [['--someone', 'x'], "Unknown option '--someone'"],
    [[], 'Name the person with --person.'],
    [['--person', ' ', '--apply'], 'Name the person with --person.'],
  ])('refuses %j', (argv, message) => {
    expect(eraseRequest(argv)).toMatchObject({ kind: 'usage', message: expect.stringContaining(message) });
  });
});
