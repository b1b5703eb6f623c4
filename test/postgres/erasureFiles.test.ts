import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pgSchema from '../../src/db/pg/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { openPostgres, type PgDatabase } from './engines.js';

/**
 * What an erasure's report says of Postgres (erasure/unreachable.ts, docs/privacy.md), checked in a real server's
 * files (issue 77 item 4): a rewritten row's old version stays in the table's files after VACUUM, and is gone after
 * VACUUM FULL of the table; the WAL still holds it then.
 */
const NAME = 'Priya Partnerova';
let database: PgDatabase;
beforeAll(async () => {
  database = await openPostgres('erasure_files');
});
afterAll(() => database?.close());

const query = async <T>(text: string, values: unknown[] = []) =>
  (await database.pool.query(text, values)).rows as T[];

/** The bytes of a table's files: its heap, its TOAST table and its indexes, after a checkpoint wrote them. */
async function tableFiles(table: string): Promise<string> {
  await query('CHECKPOINT');
  const [{ dir } = { dir: '' }] = await query<{ dir: string }>(
    "select current_setting('data_directory') as dir",
  );
  const paths = await query<{ path: string | null }>(
    `select pg_relation_filepath(oid) as path from pg_class
      where oid = $1::regclass
         or oid = (select reltoastrelid from pg_class where oid = $1::regclass)
         or oid in (select indexrelid from pg_index where indrelid = $1::regclass)`,
    [table],
  );
  return paths
    .flatMap(({ path }) => (path ? [readFileSync(join(dir, path)).toString('latin1')] : []))
    .join('');
}

/**
 * Whether a segment of the write-ahead log holds `text`: each 16 MB segment searched on its own (a server that has
 * run other tests keeps many, more than one string can hold).
 */
async function walHolds(text: string): Promise<boolean> {
  const [{ dir } = { dir: '' }] = await query<{ dir: string }>(
    "select current_setting('data_directory') as dir",
  );
  const wal = join(dir, 'pg_wal');
  const bytes = Buffer.from(text, 'latin1');
  return readdirSync(wal)
    .filter((name) => /^[0-9A-F]{24}$/.test(name))
    .some((name) => readFileSync(join(wal, name)).includes(bytes));
}

describe('an erased name in Postgres’ files', () => {
  it('can stay in the table after VACUUM, is gone after VACUUM FULL, and stays in the WAL written before', async () => {
    const at = new Date('2026-11-20T10:00:00Z');
    await database.db.insert(pgSchema.handoffs).values(sentHandoffRow(at, { sourceViewId: 'V0KEPT' }));
    const [row] = await database.db
      .insert(pgSchema.handoffs)
      .values(sentHandoffRow(at, { sourceViewId: 'V0GONE', partnerContactName: NAME }))
      .returning({ id: pgSchema.handoffs.id });
    // VACUUM compacts a page by moving its live rows, and leaves the freed space as it was: a deleted row's bytes (as
    // an erasure deletes a present state), or a rewritten row's old version where no live row moved over it.
    await database.db.delete(pgSchema.handoffs).where(eq(pgSchema.handoffs.id, row?.id ?? 0));
    await query('VACUUM handoffs');
    expect(await tableFiles('handoffs')).toContain(NAME);
    await query('VACUUM FULL handoffs');
    expect(await tableFiles('handoffs')).not.toContain(NAME);
    expect(await walHolds(NAME)).toBe(true);
  });
});
