import { and, Column, eq, getTableName, is, isNotNull, isNull, lte, Table } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import type { AnyTx } from '../client.js';
import { changed, tablesByName, tablesOf } from '../engine.js';
import type { AnyInstallation } from '../owned.js';
import * as sqliteSchema from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited. Both work
// across installations: the callers pass an executor of none (`AnyInstallation`), and these name the installation.

/**
 * The tables that hold an installation's rows, in an order that deletes each before the tables it references (their
 * foreign keys are `restrict`): read once from the schema, so a new table is deleted with the rest without a line
 * here. The two engines have the same keys (test/postgres/ checks their parity).
 */
const DELETION_ORDER: readonly string[] = (() => {
  const tables = (Object.values(sqliteSchema) as unknown[]).filter((value): value is SQLiteTable =>
    is(value, Table),
  );
  const parentsOf: Record<string, string[]> = {};
  for (const table of tables) {
    const name = getTableName(table);
    const parents = getTableConfig(table).foreignKeys.map((fk) => getTableName(fk.reference().foreignTable));
    parentsOf[name] = parents.filter((parent) => parent !== name);
  }
  const order: string[] = [];
  let left = Object.keys(parentsOf);
  while (left.length > 0) {
    // A table no remaining table references goes next.
    const next = left.filter((name) => !left.some((other) => parentsOf[other]?.includes(name)));
    if (next.length === 0) throw new Error('the foreign keys form a cycle');
    order.push(...next.sort());
    left = left.filter((name) => !next.includes(name));
  }
  return order;
})();

/** The installations Slack said were uninstalled at or before `before`, not installed again, their data still kept. */
export async function uninstalledBefore(exec: AnyInstallation, before: Date): Promise<number[]> {
  const { installations: i } = tablesOf(exec);
  const rows = await exec
    .select({ id: i.id })
    .from(i)
    .where(and(isNotNull(i.uninstalledAt), lte(i.uninstalledAt, before), isNull(i.dataDeletedAt)))
    .orderBy(i.id);
  return rows.map((row) => row.id);
}

/**
 * Deletes every row of an uninstalled installation, in every table, and keeps its `installations` row with no person
 * in it (its installer, its tokens), marked `data_deleted_at`. The mark comes first: the touch log's trigger lets an
 * installation's events be deleted only once it is set (migration 0053, pg 0032). Undefined, and nothing deleted,
 * when the installation is in force again or its data is already gone. Returns the rows deleted, by table.
 */
export async function deleteInstallationData(
  tx: AnyTx,
  installationId: number,
  at: Date,
): Promise<Record<string, number> | undefined> {
  const t = tablesOf(tx);
  const i = t.installations;
  const marked = await tx
    .update(i)
    .set({ dataDeletedAt: at, installerUserId: null, sealed: null, botTokenExpiresAt: null })
    .where(and(eq(i.id, installationId), isNotNull(i.uninstalledAt), isNull(i.dataDeletedAt)))
    .returning({ id: i.id });
  if (marked.length === 0) return undefined;
  const byName = tablesByName(tx);
  const deleted: Record<string, number> = {};
  for (const name of DELETION_ORDER) {
    const table = byName[name];
    const column = (table as unknown as { installationId?: Column } | undefined)?.installationId;
    if (!table || !is(column, Column)) continue;
    const gone = changed(await tx.delete(table).where(eq(column, installationId)));
    if (gone > 0) deleted[name] = gone;
  }
  return deleted;
}
