import { getTableColumns, getTableName, is } from 'drizzle-orm';
import { PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA } from '../../../src/db/personalData.js';
import * as pgSchema from '../../../src/db/pg/schema.js';
import * as sqliteSchema from '../../../src/db/schema.js';

/** Each schema's tables by name, with their columns' names. */
function tablesOf(schema: Record<string, unknown>, kind: typeof SQLiteTable | typeof PgTable) {
  const tables = new Map<string, string[]>();
  for (const value of Object.values(schema))
    if (is(value, kind))
      tables.set(
        getTableName(value as never),
        Object.values(getTableColumns(value as never)).map((c) => (c as { name: string }).name),
      );
  return tables;
}

describe('the inventory of personal data: every table of both schemas, every column named real', () => {
  for (const [engine, tables] of [
    ['SQLite', tablesOf(sqliteSchema, SQLiteTable)],
    ['Postgres', tablesOf(pgSchema, PgTable)],
  ] as const) {
    it(`names every table of the ${engine} schema, and no other`, () => {
      expect(tables.size).toBeGreaterThan(30);
      expect(Object.keys(PERSONAL_DATA).sort()).toEqual([...tables.keys()].sort());
    });

    it(`names only columns the ${engine} tables have`, () => {
      for (const [name, entry] of Object.entries(PERSONAL_DATA))
        for (const column of entry.personal) expect(tables.get(name), `${name}.${column}`).toContain(column);
    });
  }

  it('gives every table with a personal column a primary key (an erasure rewrites one row at a time); a table keeping nothing about a person has none', () => {
    let checked = 0;
    for (const value of Object.values(sqliteSchema) as unknown[]) {
      if (!is(value, SQLiteTable)) continue;
      const name = getTableName(value);
      const single = Object.values(getTableColumns(value)).filter((c) => c.primary);
      const composite = getTableConfig(value).primaryKeys[0]?.columns ?? [];
      if ((PERSONAL_DATA[name]?.personal.length ?? 0) === 0) continue;
      expect(single.length + composite.length, name).toBeGreaterThan(0);
      checked += 1;
    }
    expect(checked).toBeGreaterThan(25);
    for (const [name, entry] of Object.entries(PERSONAL_DATA))
      if (entry.keeping === 'none') expect(entry.personal, name).toEqual([]);
  });

  it('counts the people and their words where they are: the packet, the touch log, the outbox, the program', () => {
    expect(PERSONAL_DATA.handoffs?.personal).toEqual(
      expect.arrayContaining([
        'author_user_id',
        'ae_user_id',
        'partner_contact_name',
        'why_partner',
        'risk_note',
      ]),
    );
    expect(PERSONAL_DATA.handoff_events?.personal).toEqual(['actor_user_id', 'ae_user_id', 'detail']);
    expect(PERSONAL_DATA.outbox?.keeping).toBe('outbox');
    expect(PERSONAL_DATA.program_log?.personal).toContain('body');
  });
});
