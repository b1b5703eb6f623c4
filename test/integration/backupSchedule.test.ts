import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';

const JOB = 'database-backup';
const DAY = 86_400_000;

/** Handoffs in a backup file, by account: read as `npm run export` reads (no -wal or -shm left beside it). */
function accountsIn(file: string): string[] {
  const copy = openDatabaseReadOnly(file);
  try {
    const rows = copy.sqlite.prepare('select account_name as a from handoffs order by id').all() as {
      a: string;
    }[];
    return rows.map((row) => row.a);
  } finally {
    copy.close();
  }
}

const logged = (h: Harness, msg: RegExp) => h.logs.filter((line) => msg.test(String(line.msg)));

/**
 * BACKUP_DIR: the app's scheduler takes a daily backup through the code of `npm run backup`, keeps BACKUP_KEEP of
 * them, and logs a failure as an error. Time is the harness's TestClock; the job is run with scheduler.runNow.
 */
describe('scheduled backups (BACKUP_DIR, BACKUP_KEEP, BACKUP_AT)', () => {
  let dir: string;
  let backups: string;
  let h: Harness | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-backup-schedule-'));
    backups = join(dir, 'backups');
    mkdirSync(backups);
  });
  afterEach(async () => {
    await h?.stop();
    h = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = (env: Record<string, string>, now = '2026-11-23T08:30:00Z') =>
    startHarness({
      now,
      env: { DEFAULT_TIMEZONE: 'America/New_York', BACKUP_DIR: backups, ...env },
    });

  it('runs daily at BACKUP_AT in DEFAULT_TIMEZONE (03:30 by default); is off without BACKUP_DIR', async () => {
    h = await start({});
    expect(h.app.scheduler.jobNames).toContain(JOB);
    // 03:30 in New York is 08:30 UTC in November.
    expect(h.app.scheduler.lastSlot(JOB, new Date('2026-11-23T14:00:00Z'), DAY)).toEqual(
      new Date('2026-11-23T08:30:00Z'),
    );
    await h.stop();
    h = await start({ BACKUP_AT: '22:05' });
    expect(h.app.scheduler.lastSlot(JOB, new Date('2026-11-23T14:00:00Z'), DAY)).toEqual(
      new Date('2026-11-23T03:05:00Z'),
    );
    // Off without BACKUP_DIR.
    await h.stop();
    h = await startHarness({ env: {} });
    expect(h.app.scheduler.jobNames).not.toContain(JOB);
  });

  it('writes handoff-YYYYMMDD-HHMM.db, checked, and keeps the newest BACKUP_KEEP of its own files', async () => {
    h = await start({ BACKUP_KEEP: '2' });
    // Files that are not the schedule's own are never deleted.
    writeFileSync(join(backups, 'handoff-before-upgrade.db'), 'mine');
    writeFileSync(join(backups, 'notes.txt'), 'mine');
    await sendHandoff(h, { accountName: 'First Freight', accountDomain: 'firstfreight.com' });
    await quiet(h);

    await h.app.scheduler.runNow(JOB);
    const first = join(backups, 'handoff-20261123-0330.db');
    expect(accountsIn(first)).toEqual(['First Freight']);
    expect(logged(h, /^scheduled backup written, integrity ok$/)).toHaveLength(1);

    // The next days, at the same hour: one more handoff each day, then the backup.
    for (const [day, account] of [
      ['2026-11-24', 'Second Freight'],
      ['2026-11-25', 'Third Freight'],
    ] as const) {
      h.clock.set(`${day}T08:30:00Z`);
      await sendHandoff(h, {
        accountName: account,
        accountDomain: `${account.split(' ')[0]?.toLowerCase()}freight.com`,
      });
      await quiet(h);
      await h.app.scheduler.runNow(JOB);
    }
    expect(readdirSync(backups).sort()).toEqual([
      'handoff-20261124-0330.db',
      'handoff-20261125-0330.db',
      'handoff-before-upgrade.db',
      'notes.txt',
    ]);
    expect(accountsIn(join(backups, 'handoff-20261125-0330.db'))).toEqual([
      'First Freight',
      'Second Freight',
      'Third Freight',
    ]);
    const last = logged(h, /^scheduled backup written/).at(-1);
    expect(last?.removed).toEqual(['handoff-20261123-0330.db']);

    // The same slot again (a second run in the same minute): the file is there, nothing is written or deleted.
    await h.app.scheduler.runNow(JOB);
    expect(readdirSync(backups)).toHaveLength(4);
    expect(logged(h, /already/)).toHaveLength(1);
  });

  it('logs a failed backup as an error with its reason, writes nothing and deletes no older backup', async () => {
    h = await start({ BACKUP_KEEP: '1' });
    await h.app.scheduler.runNow(JOB);
    expect(readdirSync(backups)).toEqual(['handoff-20261123-0330.db']);

    // The folder goes away under the running app (an unmounted disk): the next day's backup cannot be written.
    rmSync(backups, { recursive: true });
    h.clock.advance(DAY);
    await h.app.scheduler.runNow(JOB);
    const failures = h.logs.filter((line) => line.level === 50 && /backup/.test(String(line.msg)));
    expect(failures).toHaveLength(1);
    // The folder is named as what to fix, not the database.
    const file = join(backups, 'handoff-20261124-0330.db');
    expect(failures[0]?.msg).toBe(
      `scheduled backup failed: Could not write the backup ${file}: the folder ${backups} does not exist. Check that ${backups} exists, has room and that this user may write it; the database at ${h.config.databasePath} was not touched.`,
    );
    expect(failures[0]?.file).toBe(join(backups, 'handoff-20261124-0330.db'));

    // Back: the next backup is written, and only then is the oldest deleted.
    mkdirSync(backups);
    writeFileSync(join(backups, 'handoff-20261120-0330.db'), 'an older one');
    h.clock.advance(DAY);
    await h.app.scheduler.runNow(JOB);
    expect(readdirSync(backups)).toEqual(['handoff-20261125-0330.db']);
  });
});

describe('scheduled backup settings are checked at start', () => {
  const base = { SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: 'secret' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-backup-settings-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads BACKUP_DIR, BACKUP_KEEP (default 7) and BACKUP_AT (default 03:30), in DEFAULT_TIMEZONE; names a BACKUP_DIR that is missing or not a folder, and BACKUP_KEEP or BACKUP_AT without it', () => {
    expect(loadConfig({ ...base, BACKUP_DIR: dir, DEFAULT_TIMEZONE: 'Europe/Paris' }).backups).toEqual({
      dir,
      keep: 7,
      at: '03:30',
      timeZone: 'Europe/Paris',
    });
    expect(loadConfig(base).backups).toBeUndefined();
    const missing = join(dir, 'nope');
    expect(problems({ BACKUP_DIR: missing })).toEqual([
      `BACKUP_DIR ${missing} cannot be used (ENOENT): create the folder, or unset BACKUP_DIR to turn scheduled backups off`,
    ]);
    const file = join(dir, 'file');
    writeFileSync(file, '');
    expect(problems({ BACKUP_DIR: file })).toEqual([
      `BACKUP_DIR ${file} is not a folder: name the folder the backups go to`,
    ]);
    expect(problems({ BACKUP_KEEP: '3', BACKUP_AT: '02:00' })).toEqual([
      'BACKUP_KEEP is set but BACKUP_DIR is not: set BACKUP_DIR to turn scheduled backups on, or unset BACKUP_KEEP',
      'BACKUP_AT is set but BACKUP_DIR is not: set BACKUP_DIR to turn scheduled backups on, or unset BACKUP_AT',
    ]);
    expect(problems({ BACKUP_DIR: dir, BACKUP_KEEP: '0', BACKUP_AT: '3:30' })).toEqual([
      'BACKUP_KEEP must be at least 1',
      'BACKUP_AT must be a time of day like 09:00',
    ]);
  });

  // Root may write any folder: only another user sees the refusal.
  it.skipIf(process.getuid?.() === 0)('names a BACKUP_DIR the user cannot write', () => {
    chmodSync(dir, 0o555);
    try {
      expect(problems({ BACKUP_DIR: dir })).toEqual([
        `BACKUP_DIR ${dir} is not writable by the user running the app: change its owner or permissions, or choose another folder`,
      ]);
    } finally {
      chmodSync(dir, 0o755);
    }
  });
});
