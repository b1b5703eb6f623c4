import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresReadOnly } from '../../src/db/pg/readOnly.js';
import { openPostgresDatabase } from '../../src/db/pg/store.js';
import { saveCrmConnection } from '../../src/db/repositories/crm.js';
import { type DoctorReport, runDoctor } from '../../src/doctor/run.js';
import { commandFolder } from '../support/appProcess.js';
import { ROOT } from '../support/buildDist.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { freePort } from '../support/ports.js';
import { createDatabase } from '../support/postgres.js';
import { generatedSource, type SourceFile } from './moveSource.js';

/**
 * The operator's commands with DATABASE_URL (issue 34): `npm run export` reads Postgres in one read-only snapshot and
 * writes the same CSV as from the SQLite file it was moved from; `npm run doctor` checks the server, the migrations and
 * who is connected without writing; `npm run backup` says to use pg_dump. The built commands (dist/, built by this
 * project's globalSetup), as an admin runs them.
 */
/** Runs in `cwd`, by default an empty folder of its own: never in the checkout, where a developer's .env may be. */
const command = (name: string, args: string[], env: Record<string, string>, cwd?: string) => {
  const folder = cwd ? undefined : commandFolder();
  const { DATABASE_URL: _url, DATABASE_PATH: _path, ...rest } = process.env;
  try {
    return spawnSync(process.execPath, [join(ROOT, 'dist', `${name}.js`), ...args], {
      cwd: cwd ?? folder?.dir,
      env: { ...rest, ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });
  } finally {
    folder?.dispose();
  }
};

const databaseFindings = (report: DoctorReport) =>
  report.results.find((r) => r.title === 'Database')?.findings.map((f) => `${f.status} ${f.text}`);

describe('export, doctor and backup on Postgres', () => {
  let source: SourceFile;
  let url: string;
  beforeAll(async () => {
    source = await generatedSource(60);
    url = await createDatabase('tools_on_pg');
    const moved = command('migrateToPostgres', ['handoff.db'], { DATABASE_URL: url }, source.dir);
    expect(moved.status, moved.stderr).toBe(0);
  }, 120_000);
  afterAll(() => source?.remove());

  it('npm run export writes the same CSV from Postgres as from the SQLite file it was moved from', () => {
    const args = ['--since', '2020-01-01'];
    const fromSqlite = command('export', args, { DATABASE_PATH: source.path });
    const fromPostgres = command('export', args, { DATABASE_URL: url });
    expect(fromSqlite.status, fromSqlite.stderr).toBe(0);
    expect(fromPostgres.status, fromPostgres.stderr).toBe(0);
    expect(fromPostgres.stdout.split('\n').length).toBeGreaterThan(10);
    expect(fromPostgres.stdout).toBe(fromSqlite.stdout);
  });

  it('npm run export refuses an unreachable server in one line', async () => {
    const nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/handoff`;
    const result = command('export', [], { DATABASE_URL: nowhere });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`Could not reach the Postgres database ${nowhere}`);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('npm run doctor -- --privacy names the server and database without credentials, and the workspaces’ own CRMs', async () => {
    const database = await openPostgresDatabase(url, { max: 1 });
    try {
      await firstInstallationOf(database.db).transaction((tx) =>
        saveCrmConnection(tx, {
          system: 'hubspot',
          sealed: 'sealed-credentials',
          connectedBy: 'U0ADMIN',
          connectedAt: new Date('2026-11-20T10:00:00Z'),
        }),
      );
    } finally {
      await database.close();
    }
    const given = new URL(url);
    const privacy = command('doctor', ['--privacy'], {
      DATABASE_URL: url,
      SLACK_BOT_TOKEN: 'xoxb-privacy',
      SLACK_SIGNING_SECRET: 'privacy-secret',
    });
    expect(privacy.status, privacy.stderr).toBe(0);
    expect(privacy.stdout).toContain(
      `Postgres database ${given.pathname.slice(1)} on ${given.hostname}${given.port ? `:${given.port}` : ''}.`,
    );
    if (given.password) expect(privacy.stdout).not.toContain(given.password);
    expect(privacy.stdout).toMatch(
      /- HubSpot: a note on the linked deal .* 1 workspace\(s\) connected their own/,
    );
    expect(privacy.stdout).toContain('Backups: the app makes none on Postgres');
  });

  it('npm run backup points to pg_dump instead of copying a SQLite file', () => {
    const result = command('backup', ['/tmp/never.db'], { DATABASE_URL: url });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('Back it up with pg_dump');
  });

  describe('npm run doctor', () => {
    let slack: FakeSlack;
    beforeAll(async () => {
      slack = await FakeSlack.start();
    });
    afterAll(async () => slack?.stop());
    const doctor = (databaseUrl: string) =>
      runDoctor({
        env: {
          SLACK_BOT_TOKEN: slack.token,
          SLACK_SIGNING_SECRET: 'secret',
          SLACK_API_URL: slack.apiUrl,
          DATABASE_URL: databaseUrl,
        },
        clock: systemClock,
      });

    it('passes a migrated database, saying how many app connections are open, on connections that cannot write', async () => {
      const app = await openPostgresDatabase(url, { max: 1 });
      try {
        // One connection of "the app" open while the doctor looks.
        await app.pool.query('select 1');
        const report = await doctor(url);
        expect(databaseFindings(report)).toEqual([
          `pass ${url}: reachable, writable, and every migration of this version applied (1 connection of the app open now).`,
        ]);
        // The later checks read through it (the partner directory's channels), not skipped.
        const partners = report.results.find((r) => r.title === 'Partner channels (the partner directory)');
        expect(partners?.findings[0]?.status).not.toBe('skip');
      } finally {
        await app.close();
      }
      const opened = await openPostgresReadOnly(url);
      try {
        await expect(opened.pool.query('delete from health_probe')).rejects.toThrow(/read-only transaction/);
      } finally {
        await opened.close();
      }
    });

    it('warns on a new empty database and fails on an unreachable server, each with what to do', async () => {
      const empty = await createDatabase('tools_empty');
      const fresh = await doctor(empty);
      expect(databaseFindings(fresh)?.[0]).toMatch(
        /^warn .*has \d+ of this version's \d+ migrations not applied/,
      );
      const nowhere = `postgres://postgres@127.0.0.1:${await freePort()}/handoff`;
      const down = await doctor(nowhere);
      expect(down.exitCode).toBe(1);
      expect(databaseFindings(down)?.[0]).toMatch(
        new RegExp(
          `^fail Could not reach the Postgres database ${nowhere.replaceAll('.', '\\.')}: .*ECONNREFUSED`,
        ),
      );
    });
  });
});
