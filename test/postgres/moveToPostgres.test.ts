import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { TargetNotEmptyError } from '../../src/db/pg/moveErrors.js';
import { tablePairs } from '../../src/db/pg/moveTables.js';
import { type MoveReport, moveToPostgres } from '../../src/db/pg/moveToPostgres.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import { openDatabaseReadOnly } from '../../src/db/readOnly.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { createDatabase } from '../support/postgres.js';
import { PG_MIGRATIONS_FOLDER } from './engines.js';
import {
  allRowsDiffer,
  GENERATED_AT,
  generatedSource,
  pgCounts,
  type SourceFile,
  sqliteCounts,
  triggerStates,
} from './moveSource.js';

/**
 * `npm run migrate-to-postgres` (src/db/pg/moveToPostgres.ts) on a database filled by the bench's generator, into a
 * database owned by a role that is not a superuser (as a production database's owner is): every row arrives, the
 * copy's own checks pass, ids continue after the copied ones, the triggers fire again, a second run is refused and
 * changes nothing, and a source the app writes during the copy is copied as of one moment.
 */

const TRIGGERS_ON = {
  'handoff_events.handoff_events_first_accepts': 'O',
  'handoff_events.handoff_events_metric_facts': 'O',
  'handoff_events.handoff_events_no_delete': 'O',
  'handoff_events.handoff_events_no_truncate': 'O',
  'handoff_events.handoff_events_no_update': 'O',
  'handoff_events.handoff_events_people_only_erased': 'O',
  'outbox.outbox_bell': 'O',
};

describe('moving a database filled by the bench generator to Postgres', () => {
  let source: SourceFile;
  let url: string;
  let pool: pg.Pool;
  let report: MoveReport;
  beforeAll(async () => {
    source = await generatedSource(3000);
    url = await createDatabase('move_generated', 'mover');
    report = await moveToPostgres({ sourcePath: source.path, targetUrl: url });
    pool = new pg.Pool({ connectionString: url, max: 2 });
  }, 60_000);
  afterAll(async () => {
    await pool?.end();
    source?.remove();
  });

  it('copies every table, every row reading back through drizzle as the same object', async () => {
    const counts = sqliteCounts(source.path);
    // Every table of the schema holds rows in the source, so each is really copied (derived tables included).
    expect(Object.entries(counts).filter(([, rows]) => rows === 0)).toEqual([]);
    expect(counts.handoffs).toBe(3001);
    expect(counts.handoff_events).toBeGreaterThan(6000);
    expect(counts.metric_facts).toBeGreaterThan(6000);
    expect(await pgCounts(pool)).toEqual(counts);
    expect(await allRowsDiffer(source.path, pool)).toEqual([]);
    // The SQLite file was only read.
    expect(existsSync(`${source.path}-wal`)).toBe(false);
  });

  it("reports what it checked: each table's counts on both sides, samples, the triggers, the migrations", () => {
    const counts = sqliteCounts(source.path);
    expect(report.target).toMatch(/^postgres:\/\/mover@127\.0\.0\.1:\d+\/move_generated$/);
    const known = (
      JSON.parse(readFileSync(join(PG_MIGRATIONS_FOLDER, 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      }
    ).entries.length;
    expect(report.migrations).toEqual({ applied: known, known });
    expect(report.tables.map((t) => t.table).sort()).toEqual(
      tablePairs()
        .map((p) => p.name)
        .sort(),
    );
    for (const table of report.tables) {
      const rows = counts[table.table];
      expect(table).toEqual({
        table: table.table,
        sqlite: rows,
        copied: rows,
        postgres: rows,
        sampled: table.sampled,
      });
      expect(table.sampled).toBe(Math.min(rows ?? 0, 10));
    }
    // Foreign keys: the partner directory before what points at it, handoffs before their events and messages.
    const order = report.tables.map((t) => t.table);
    for (const [parent, child] of [
      ['partners', 'partner_aliases'],
      ['partners', 'partner_channels'],
      ['handoffs', 'handoff_events'],
      ['handoffs', 'outbox'],
      ['handoffs', 'surfaces'],
    ] as const)
      expect(order.indexOf(parent)).toBeLessThan(order.indexOf(child));
    expect(report.triggers).toEqual(Object.keys(TRIGGERS_ON));
  });

  it('refuses a second run, saying what the target holds, and changes nothing', async () => {
    const before = {
      counts: await pgCounts(pool),
      migrations: (await pool.query('select * from drizzle.__drizzle_migrations order by id')).rows,
      sequence: (await pool.query('select last_value, is_called from handoffs_id_seq')).rows,
      triggers: await triggerStates(pool),
    };
    const second = moveToPostgres({ sourcePath: source.path, targetUrl: url });
    await expect(second).rejects.toThrow(TargetNotEmptyError);
    const tables = tablePairs().length;
    await expect(second).rejects.toThrow(
      new RegExp(
        `already holds data \\(\\d+ rows in ${tables} tables: .*chart_files 1 row, .*handoffs 3001 rows, .*\\), so nothing was copied`,
      ),
    );
    expect({
      counts: await pgCounts(pool),
      migrations: (await pool.query('select * from drizzle.__drizzle_migrations order by id')).rows,
      sequence: (await pool.query('select last_value, is_called from handoffs_id_seq')).rows,
      triggers: await triggerStates(pool),
    }).toEqual(before);
  });

  it('continues ids after the copied ones, and the triggers fire again', async () => {
    // The move ran as the tables' owner, not a superuser.
    const who = await pool.query(
      `select current_user as user, (select rolsuper from pg_roles where rolname = current_user) as superuser,
        (select tableowner from pg_tables where tablename = 'handoff_events') as owner`,
    );
    expect(who.rows).toEqual([{ user: 'mover', superuser: false, owner: 'mover' }]);
    expect(await triggerStates(pool)).toEqual(TRIGGERS_ON);
    const db = drizzle(pool, { schema: pgSchema });
    const [handoff] = await db
      .insert(pgSchema.handoffs)
      .values(sentHandoffRow(GENERATED_AT, { sourceViewId: 'VAFTERMOVE', partnerKey: 'partner firm 1' }))
      .returning();
    expect(handoff?.id).toBe(3002);
    const maxEvent = sqlite('select max(id) from handoff_events');
    const [event] = await db
      .insert(pgSchema.handoffEvents)
      .values({
        handoffId: 3002,
        type: 'accepted',
        fromStatus: 'sent',
        toStatus: 'accepted',
        aeUserId: 'U0NEWAE',
        assignment: 1,
        cycle: 1,
        at: GENERATED_AT,
        businessHours: 2.5,
      })
      .returning();
    expect(event?.id).toBe(maxEvent + 1);
    // Drafts: SQLite's AUTOINCREMENT high-water mark is 2 (draft 2 was deleted), so the next one is 3, not 2.
    const [draft] = await db
      .insert(pgSchema.drafts)
      .values({
        sourceViewId: 'VNEWDRAFT',
        authorUserId: 'U0A',
        teamId: 'T0INTERNAL',
        content: {},
        createdAt: GENERATED_AT,
        updatedAt: GENERATED_AT,
      })
      .returning();
    expect(draft?.id).toBe(3);
    // The derived tables get the new accept (the triggers fire), and the touch log refuses to be rewritten again.
    const derived = await pool.query(
      `select (select count(*)::int from metric_facts where event_id = $1) as facts,
        (select count(*)::int from first_accepts where ae_user_id = 'U0NEWAE') as accepts`,
      [event?.id],
    );
    expect(derived.rows).toEqual([{ facts: 1, accepts: 3 }]);
    await expect(pool.query('update handoff_events set cycle = 2 where id = 1')).rejects.toThrow(
      /handoff_events is append-only/,
    );
  });

  function sqlite(query: string): number {
    const database = openDatabaseReadOnly(source.path);
    try {
      return Number(database.sqlite.prepare(query).pluck().get());
    } finally {
      database.close();
    }
  }
});

describe('moving a database the app is writing', () => {
  let source: SourceFile;
  afterAll(() => source?.remove());

  it('copies one moment of it: what is written during the copy is not copied, and the checks agree', async () => {
    source = await generatedSource(300);
    const url = await createDatabase('move_live', 'mover');
    // The app's own connection, open (its -wal beside the file) and writing while the copy runs.
    const app = openDatabase(source.path);
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      expect(existsSync(`${source.path}-wal`)).toBe(true);
      const before = sqliteCounts(source.path);
      let written = 0;
      const report = await moveToPostgres({
        sourcePath: source.path,
        targetUrl: url,
        // After each batch, the app sends another handoff: its row, its event (and the triggers' rows), a message.
        progress: async () => {
          written += 1;
          const view = `VLIVE${written}`;
          await app.db.transaction((tx) => {
            const handoff = tx
              .insert(sqliteSchema.handoffs)
              .values(sentHandoffRow(GENERATED_AT, { sourceViewId: view }))
              .returning()
              .get();
            tx.insert(sqliteSchema.handoffEvents)
              .values({
                handoffId: handoff.id,
                type: 'sent',
                toStatus: 'sent',
                aeUserId: 'U0AE',
                assignment: 1,
                cycle: 1,
                at: GENERATED_AT,
              })
              .run();
          });
        },
      });
      expect(written).toBeGreaterThan(20);
      const after = sqliteCounts(source.path);
      expect(after.handoffs).toBe((before.handoffs ?? 0) + written);
      expect(after.metric_facts).toBe((before.metric_facts ?? 0) + written);
      // Postgres holds the file as it was when the copy began, and the copy's own checks found no difference.
      expect(await pgCounts(pool)).toEqual(before);
      expect(Object.fromEntries(report.tables.map((t) => [t.table, t.sqlite]))).toEqual(before);
    } finally {
      app.close();
      await pool.end();
    }
  });
});
