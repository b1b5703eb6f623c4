import { sql } from 'drizzle-orm';
import { isPostgres } from '../../src/db/engine.js';
import type { Harness } from './harness.js';

/**
 * A write the database itself refuses (as a corrupt row or a full disk would), on either engine: a trigger on `table`
 * that aborts every `on` of a row (only the row with id `id`, when given) with `message`. The app sees the engine's
 * own error, raised inside its statement. `allow` drops it again.
 */
export interface Refusal {
  allow(): Promise<void>;
}

export async function refuseWrites(
  h: Pick<Harness, 'database'>,
  opts: { name: string; table: string; on: 'INSERT' | 'UPDATE'; id?: number; message: string },
): Promise<Refusal> {
  const { name, table, on, id, message } = opts;
  // Names and the message go into DDL (which takes no parameters): only plain words are accepted.
  for (const word of [name, table, message])
    if (!/^[A-Za-z_][A-Za-z0-9_ ]*$/.test(word)) throw new Error(`not a plain word: ${word}`);
  const row = on === 'UPDATE' ? 'OLD' : 'NEW';
  const when = id === undefined ? '' : `WHEN (${row}.id = ${Number(id)})`;
  const db = h.database.db;
  if (!isPostgres(db)) {
    h.database.sqlite.exec(
      `CREATE TRIGGER ${name} BEFORE ${on} ON ${table} ${when} BEGIN SELECT RAISE(ABORT, '${message}'); END`,
    );
    return { allow: async () => void h.database.sqlite.exec(`DROP TRIGGER ${name}`) };
  }
  // drizzle's Postgres database runs raw SQL with `execute` (the harness types it as SQLite's, which has `run`).
  const pg = db as unknown as { execute(query: ReturnType<typeof sql.raw>): Promise<unknown> };
  await pg.execute(
    sql.raw(
      `CREATE FUNCTION ${name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '${message}'; END $$`,
    ),
  );
  await pg.execute(
    sql.raw(
      `CREATE TRIGGER ${name} BEFORE ${on} ON ${table} FOR EACH ROW ${when} EXECUTE FUNCTION ${name}()`,
    ),
  );
  return {
    async allow() {
      await pg.execute(sql.raw(`DROP TRIGGER ${name} ON ${table}`));
      await pg.execute(sql.raw(`DROP FUNCTION ${name}()`));
    },
  };
}
