import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERASE_USAGE, eraseRequest } from '../../src/cliErase.js';
import { openDatabase } from '../../src/db/client.js';
import { tablesOf } from '../../src/db/engine.js';
import { runBuilt } from '../support/builtCli.js';
import { sentHandoffRow } from '../support/handoffRow.js';

/**
 * `npm run erase` as an operator runs it: the built command (dist/, built once for the tests by
 * test/globalSetup.ts), in a folder without a .env, on a real SQLite database. The list changes nothing; --apply
 * erases; a person with an open deal is refused with exit 1; a wrong command line is exit 2.
 */
/** The built `npm run erase` in `dir` (no .env there), on the SQLite database at `path`. */
const erase = (dir: string, path: string, args: string[]) =>
  runBuilt('erase', args, {
    cwd: dir,
    env: { SLACK_BOT_TOKEN: 'xoxb-erase', SLACK_SIGNING_SECRET: 'erase-secret', DATABASE_PATH: path },
  });

describe('npm run erase', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-erase-'));
    path = join(dir, 'data', 'handoff.db');
    // Two closed handoffs whose partner contacts share a first name, and one still waiting for its AE, U0AE.
    const database = openDatabase(path);
    const at = new Date('2026-11-20T10:00:00Z');
    const row = (i: number, status: 'declined' | 'sent', partnerContactName: string) =>
      sentHandoffRow(at, { sourceViewId: `V0ERASE${i}`, status, partnerContactName, aeUserId: 'U0AE' });
    await database.db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffs)
        .values([
          row(0, 'declined', 'Ada Lovelace'),
          row(1, 'declined', 'Ada King'),
          row(2, 'sent', 'Grace Hopper'),
        ]),
    );
    database.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => erase(dir, path, args);

  const contacts = () => {
    const database = openDatabase(path);
    const rows = database.sqlite.prepare('select partner_contact_name as c from handoffs').all();
    database.close();
    return rows;
  };

  // In this order: the refusals change nothing, then the erasure.
  it('refuses a name that is two people’s, listing them (exit 2), and an AE who still holds an open deal (exit 1); changes nothing', () => {
    const ambiguous = run('--person', 'ada', '--apply');
    expect(ambiguous.status).toBe(2);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toContain(
      '“ada” names more than one person: Ada King (partner contact); Ada Lovelace (partner contact).',
    );
    expect(ambiguous.stderr.endsWith(`.\n${ERASE_USAGE}`)).toBe(true);

    const open = run('--person', 'U0AE', '--apply');
    expect(open.status).toBe(1);
    expect(open.stdout).toContain('They are the AE, owner or author of open handoffs #3');
    expect(open.stderr).toContain('Not erased');
    expect(contacts()).toEqual([{ c: 'Ada Lovelace' }, { c: 'Ada King' }, { c: 'Grace Hopper' }]);
  });

  it('lists first and changes nothing; with --apply erases and reports what it could not reach', () => {
    const listed = run('--person', 'Ada Lovelace');
    expect(listed.stderr).toBe('');
    expect(listed.status).toBe(0);
    expect(listed.stdout).toContain('Erasure of a person named by a name: 1 row(s) name them.');
    expect(listed.stdout).toContain('  handoffs: 1 row(s), in partner_contact_name');
    expect(listed.stdout).toContain('Nothing changed. Run again with --apply to erase.');
    expect(contacts()).toEqual([{ c: 'Ada Lovelace' }, { c: 'Ada King' }, { c: 'Grace Hopper' }]);

    const applied = run('--person', 'Ada Lovelace', '--apply');
    expect(applied.status).toBe(0);
    expect(applied.stdout).toMatch(/Erased: 1 row\(s\) rewritten or deleted/);
    expect(applied.stdout).toContain('Backups: the app makes none (BACKUP_DIR unset)');
    expect(contacts()).toEqual([{ c: '(erased)' }, { c: 'Ada King' }, { c: 'Grace Hopper' }]);
    const database = openDatabase(path);
    expect(database.sqlite.prepare('select requested_by, named_by from erasures').all()).toEqual([
      { requested_by: 'cli', named_by: 'name' },
    ]);
    database.close();
  });
});

/**
 * A database several installations share (an OAuth deployment): the command erases in the one `--installation`
 * names, never guessing, and nothing of another installation is read or changed, even a person of the same name.
 */
describe('npm run erase on a database of two installations', () => {
  let dir: string;
  let path: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-erase-two-'));
    path = join(dir, 'data', 'handoff.db');
    const database = openDatabase(path);
    const at = new Date('2026-11-20T10:00:00Z');
    const { installations, handoffs } = tablesOf(database.db);
    for (const key of ['T0ACME', 'T0BETA'])
      await database.db.transaction((tx) =>
        tx
          .insert(installations)
          .values({ installKey: key, teamId: key, source: 'oauth', installedAt: at, updatedAt: at }),
      );
    const row = (installationId: number) =>
      sentHandoffRow(at, {
        sourceViewId: `V0TWO${installationId}`,
        status: 'declined',
        partnerContactName: 'Ada Lovelace',
        installationId,
      });
    await database.db.transaction((tx) => tx.insert(handoffs).values([row(1), row(2)]));
    database.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const run = (...args: string[]) => erase(dir, path, args);
  const rows = () => {
    const database = openDatabase(path);
    const found = database.sqlite
      .prepare(
        'select installation_id as i, partner_contact_name as c from handoffs order by installation_id',
      )
      .all();
    const erasures = database.sqlite.prepare('select installation_id as i from erasures').all();
    database.close();
    return { found, erasures };
  };

  it('asks which installation, then erases in that one only', () => {
    const guess = run('--person', 'Ada Lovelace', '--apply');
    expect(guess.status).toBe(2);
    expect(guess.stderr).toContain(
      'This database serves 2 installations (T0ACME, T0BETA): name one with --installation.',
    );
    expect(rows().erasures).toEqual([]);

    const beta = run('--person', 'Ada Lovelace', '--apply', '--installation', 'T0BETA');
    expect(beta.stderr).toBe('');
    expect(beta.status).toBe(0);
    expect(beta.stdout).toContain('Erasure of a person named by a name: 1 row(s) name them.');
    expect(rows()).toEqual({
      found: [
        { i: 1, c: 'Ada Lovelace' },
        { i: 2, c: '(erased)' },
      ],
      erasures: [{ i: 2 }],
    });
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
