import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { backupDatabase, backupFailureReason } from '../../src/db/backup.js';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { lockDatabase } from '../../src/db/lock.js';
import { lockPathOf } from '../../src/db/lockFiles.js';
import { createPrivateTemporary, writePrivateFile } from '../../src/db/privateFiles.js';
import { runBuilt, withUmask } from '../support/builtCli.js';
import { asRoot, NOBODY, type UnprivilegedApp, unprivilegedApp } from '../support/unprivileged.js';

const modeOf = (path: string) => (statSync(path).mode & 0o777).toString(8);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the files holding the data are the service user’s alone, whatever the umask', () => {
  it('a new database (also the one npm start creates: the lock makes the file first), its -wal, -shm and a backup are 0600 and its new folders 0700, with umask 000; an existing database keeps its mode', async () => {
    const path = join(dir, 'nested', 'data', 'handoff.db');
    const database = await withUmask(0, () => openDatabase(path));
    try {
      expect(existsSync(`${path}-wal`)).toBe(true);
      expect(existsSync(`${path}-shm`)).toBe(true);
      expect([path, `${path}-wal`, `${path}-shm`].map(modeOf)).toEqual(['600', '600', '600']);
      expect([join(dir, 'nested'), join(dir, 'nested', 'data')].map(modeOf)).toEqual(['700', '700']);
    } finally {
      database.close();
    }
    const started = join(dir, 'started', 'handoff.db');
    const lock = await withUmask(0, () => lockDatabase(started));
    try {
      expect(modeOf(started)).toBe('600');
      expect(modeOf(join(dir, 'started'))).toBe('700');
    } finally {
      lock.release();
    }
    const target = join(dir, 'copy.db');
    await withUmask(0, () => backupDatabase(path, target));
    expect(modeOf(target)).toBe('600');
    chmodSync(path, 0o640);
    openDatabase(path).close();
    expect(modeOf(path)).toBe('640');
  });

  // `npm run export --out` writes through it: exportCsv.test.ts runs the built command with umask 000.
  it('a touch log written to a file is a new file 0600, with umask 000 (an existing one keeps its mode)', async () => {
    const out = join(dir, 'touch-log.csv');
    await withUmask(0, () => writePrivateFile(out, 'handoff_id\r\n'));
    expect(modeOf(out)).toBe('600');
    chmodSync(out, 0o640);
    await withUmask(0, () => writePrivateFile(out, 'handoff_id,account\r\n'));
    expect(modeOf(out)).toBe('640');
    expect(readFileSync(out, 'utf8')).toBe('handoff_id,account\r\n');
  });
});

describe('the backup’s temporary file', () => {
  let source: string;
  beforeEach(() => {
    source = join(dir, 'live', 'handoff.db');
    openDatabase(source).close();
    mkdirSync(join(dir, 'shared'), { mode: 0o777 });
  });

  it('is never a link planted under the old predictable name: nothing is written where it points', async () => {
    const target = join(dir, 'shared', 'copy.db');
    const elsewhere = join(dir, 'attacker.db');
    // The name the backup used to write (.<name>.partial-<pid>), planted before it runs.
    symlinkSync(elsewhere, join(dir, 'shared', `.copy.db.partial-${process.pid}`));
    const { bytes } = await withUmask(0, () => backupDatabase(source, target));
    expect(bytes).toBeGreaterThan(0);
    expect(existsSync(elsewhere)).toBe(false);
    expect(modeOf(target)).toBe('600');
    // Only the backup and the planted link: no temporary file left behind.
    expect(readdirSync(join(dir, 'shared')).sort()).toEqual([`.copy.db.partial-${process.pid}`, 'copy.db']);
  });

  it('has a name nobody can guess, made 0600 with O_EXCL|O_NOFOLLOW, and a swap of it is seen', async () => {
    const target = join(dir, 'shared', 'copy.db');
    const [one, two] = await withUmask(0, () => [
      createPrivateTemporary(target),
      createPrivateTemporary(target),
    ]);
    for (const made of [one, two]) {
      expect(made?.path).toMatch(new RegExp(`^${dir}/shared/\\.copy\\.db\\.partial-[\\w-]{12}$`));
      expect(modeOf(made?.path as string)).toBe('600');
      expect(made?.unchanged()).toBe(true);
    }
    expect(one?.path).not.toBe(two?.path);
    // Replaced by a link after it was made (a folder others can write): seen, so the backup keeps nothing.
    rmSync(one?.path as string);
    symlinkSync(join(dir, 'attacker.db'), one?.path as string);
    expect(one?.unchanged()).toBe(false);
  });
});

describe('a backup never writes over the database or one of its files', () => {
  let source: string;
  let live: AppDatabase;
  beforeEach(() => {
    source = join(dir, 'handoff.db');
    live = openDatabase(source);
    // A write the -wal holds and the file does not yet.
    live.sqlite.exec(
      'create table if not exists probe_item28 (n integer); insert into probe_item28 values (1)',
    );
  });
  afterEach(() => live.close());

  const refusal = async (target: string) => {
    try {
      await backupDatabase(source, target, { force: true });
    } catch (error) {
      return backupFailureReason(source, error);
    }
    return 'written';
  };

  it('refuses its -wal, -shm, -journal and lock file, by name, by a link and by a hard link, even with --force (not a name that only starts like them)', async () => {
    const wal = `${source}-wal`;
    const walBefore = readFileSync(wal);
    writeFileSync(`${source}-journal`, '');
    writeFileSync(lockPathOf(source), '');
    symlinkSync(wal, join(dir, 'wal-link.db'));
    linkSync(wal, join(dir, 'wal-hardlink.db'));
    symlinkSync(dir, join(dir, 'same-folder'));
    const cases: [string, string][] = [
      [wal, "the database's -wal file"],
      [`${source}-shm`, "the database's -shm file"],
      [`${source}-journal`, "the database's -journal file"],
      [lockPathOf(source), "the database's lock file"],
      [join(dir, 'wal-link.db'), "the database's -wal file"],
      [join(dir, 'wal-hardlink.db'), "the database's -wal file"],
      [join(dir, 'same-folder', 'handoff.db-wal'), "the database's -wal file"],
    ];
    for (const [target, what] of cases) {
      expect(await refusal(target), target).toBe(
        `${target} is ${what} (${source}): writing over it would damage the database. Choose another file.`,
      );
    }
    expect(await refusal(source)).toBe(`${source} is the database itself: choose another file.`);
    expect(await refusal(join(dir, 'same-folder', 'handoff.db'))).toBe(
      `${join(dir, 'same-folder', 'handoff.db')} is the database itself: choose another file.`,
    );
    expect(readFileSync(wal).equals(walBefore)).toBe(true);
    expect(live.sqlite.prepare('select count(*) as n from probe_item28').get()).toEqual({ n: 1 });
    // A file whose name only starts like the database's is written.
    expect(await refusal(`${source}-wal-copy.db`)).toBe('written');
  });
});

/** A backup into a folder the user may not write names that folder, not the database. */
describe.runIf(asRoot)('a backup into a folder the user cannot write', () => {
  let app: UnprivilegedApp;
  beforeAll(() => {
    app = unprivilegedApp();
  }, 120_000);
  afterAll(() => app?.dispose());

  it('says the folder is not writable and that the database was not touched', () => {
    chmodSync(dir, 0o755);
    const live = join(dir, 'live');
    const source = join(live, 'handoff.db');
    openDatabase(source).close();
    for (const file of [live, source]) chownSync(file, NOBODY, NOBODY);
    const closed = join(dir, 'closed');
    mkdirSync(closed, { mode: 0o755 });
    const target = join(closed, 'copy.db');
    const result = runBuilt('backup', [target], { cwd: dir, env: { DATABASE_PATH: source }, nobody: app });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      new RegExp(
        `^Could not write the backup ${target}: EACCES: permission denied, open '${closed}/\\.copy\\.db\\.partial-[\\w-]+'\\. Check that ${closed} exists, has room and that this user may write it; the database at ${source} was not touched\\.\\n$`,
      ),
    );
    expect(result.stderr).not.toContain('Could not back up the database');
    expect(readdirSync(closed)).toEqual([]);
  }, 120_000);
});
