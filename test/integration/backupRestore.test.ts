import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, backupFailureReason } from '../../src/db/backup.js';
import { openDatabase } from '../../src/db/client.js';
import { handoffs } from '../../src/db/schema.js';
import { folderSnapshot, runBuilt, runBuiltAsync } from '../support/builtCli.js';
import { sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { accept } from '../support/partnerFlow.js';

const LINE = /^Backed up (.+) to (.+): (\d+) bytes, integrity ok, at (\d{4}-\d\d-\d\dT[\d:.]+Z)\n$/;

/** A handoff of its own account (no duplicate warning on the review). */
const load = (i: number) => ({
  accountName: `Load ${i} Freight`,
  accountDomain: `load${i}freight.com`,
  crmOpportunity: `OPP-${9000 + i}`,
});

/**
 * `npm run backup` (dist/backup.js, built once by test/globalSetup.ts) beside the real app: a copy taken while
 * handoffs are being sent restores to an app that serves from it, and the live database is not written.
 */
describe('npm run backup copies the live database while the app runs', () => {
  let dir: string;
  let h: Harness;
  const stops: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-backup-'));
    mkdirSync(join(dir, 'live'));
    mkdirSync(join(dir, 'backups'));
    h = await startHarness({ databasePath: join(dir, 'live', 'handoff.db') });
    stops.push(async () => {
      await h.stop();
      await h.slack.stop();
    });
  });
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // In the test's folder: no .env of the repository is read.
  const backup = () => ({ cwd: dir, env: { DATABASE_PATH: join(dir, 'live', 'handoff.db') } });
  const backupSync = (target: string, extra: string[] = []) =>
    runBuilt('backup', [target, ...extra], backup());

  it('takes a backup under load that restores to an app serving the same handoffs', async () => {
    const first = await sendHandoff(h, load(0));
    const target = join(dir, 'backups', 'handoff-backup.db');

    // Handoffs are sent for as long as the backup runs (and at least once while it does).
    let running = true;
    let sentDuring = 0;
    const sending = (async () => {
      for (let i = 1; running || sentDuring === 0; i += 1) {
        const { answer } = await submitAndSend(h, load(i));
        expect(answer).toEqual({ response_action: 'clear' });
        if (running) sentDuring += 1;
      }
    })();
    const result = await runBuiltAsync('backup', [target], backup()).finally(() => {
      running = false;
    });
    await sending;
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const line = LINE.exec(result.stdout);
    expect(line, result.stdout).not.toBeNull();
    expect(line?.[2]).toBe(target);
    expect(Number(line?.[3])).toBe(statSync(target).size);
    expect(sentDuring).toBeGreaterThan(0);
    // Only the backup itself is left in its folder (no partial copy, -wal or -shm).
    expect(readdirSync(join(dir, 'backups'))).toEqual(['handoff-backup.db']);
    await quiet(h);

    // The copy is the live database as of one commit: handoffs 1..k, each as the live one has it.
    const copy = new Database(target, { readonly: true });
    const copied = copy.prepare('select id, account_name as account from handoffs order by id').all() as {
      id: number;
      account: string;
    }[];
    copy.close();
    const live = h.database.db.select().from(handoffs).all();
    expect(copied.length).toBeGreaterThanOrEqual(1);
    expect(copied).toEqual(
      live.slice(0, copied.length).map((row) => ({ id: row.id, account: row.accountName })),
    );

    // Restore: stop the app, copy the backup to DATABASE_PATH, start. Same workspace (fake Slack), new database path.
    stops.pop();
    await h.stop({ keepDatabase: true });
    mkdirSync(join(dir, 'restored'));
    const restoredPath = join(dir, 'restored', 'handoff.db');
    copyFileSync(target, restoredPath);
    const restored = await startHarness({ slack: h.slack, databasePath: restoredPath });
    stops.push(async () => {
      await restored.stop();
      await h.slack.stop();
    });

    // The restored app serves from the backup: the AE accepts the handoff sent before it, and new ones follow on.
    await accept(restored, first.handoff.id);
    await quiet(restored);
    const accepted = restored.database.db
      .select()
      .from(handoffs)
      .where(eq(handoffs.id, first.handoff.id))
      .get();
    expect(accepted?.status).toBe('accepted');
    const next = await sendHandoff(restored, load(1000));
    expect(next.handoff.id).toBe((copied[copied.length - 1]?.id ?? 0) + 1);
  });

  it('leaves the live database and its -wal as they were, adds no file beside them, and replaces a copy only with --force', async () => {
    await sendHandoff(h, load(0));
    await quiet(h);
    const folder = join(dir, 'live');
    const before = folderSnapshot(folder);
    expect(Object.keys(before)).toContain('handoff.db-wal');

    const target = join(dir, 'backups', 'copy.db');
    const result = backupSync(target);
    expect(result.status, result.stderr).toBe(0);
    const after = folderSnapshot(folder);
    // The -shm is the readers' and writers' shared memory: a reader may write it, as every connection does.
    expect(Object.keys(after)).toEqual(Object.keys(before));
    expect(after['handoff.db']).toBe(before['handoff.db']);
    expect(after['handoff.db-wal']).toBe(before['handoff.db-wal']);

    const refused = backupSync(target);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toBe(
      `${target} already exists: choose another file, or add --force to replace it.\n`,
    );
    const forced = backupSync(target, ['--force']);
    expect(forced.status, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(LINE);
    expect(readdirSync(join(dir, 'backups'))).toEqual(['copy.db']);
    // Three runs of the built command, one after another: seconds each on a loaded two-core machine. The database
    // itself as the target is refused by the same check (dataFiles.test.ts).
  }, 60_000);
});

describe('npm run backup checks the copy', () => {
  it('refuses with one line and writes no file when the copy fails PRAGMA integrity_check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'handoff-backup-corrupt-'));
    try {
      // A migrated database whose handoffs table's first page claims 65,535 cells: readable, but damaged.
      const path = join(dir, 'handoff.db');
      const database = openDatabase(path);
      const { rootpage } = database.sqlite
        .prepare("select rootpage from sqlite_master where name = 'handoffs'")
        .get() as { rootpage: number };
      const pageSize = database.sqlite.pragma('page_size', { simple: true }) as number;
      database.close();
      const fd = openSync(path, 'r+');
      writeSync(fd, Buffer.from([0xff, 0xff]), 0, 2, (rootpage - 1) * pageSize + 3);
      closeSync(fd);

      // What `npm run backup` prints, with exit code 1 (as for the refusal above).
      const target = join(dir, 'copy.db');
      const reason = await backupDatabase(path, target).then(
        () => 'written',
        (error: unknown) => backupFailureReason(path, error),
      );
      expect(reason).toBe(
        `The copy for ${target} failed SQLite's integrity check: database disk image is malformed (SQLITE_CORRUPT). No backup was written; the database at ${path} may be damaged.`,
      );
      expect(readdirSync(dir)).toEqual(['handoff.db']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
