import type { InferInsertModel, InferSelectModel, Table } from 'drizzle-orm';
import { describe, expectTypeOf, it } from 'vitest';
import type * as pg from '../../src/db/pg/schema.js';
import type * as sqlite from '../../src/db/schema.js';

/**
 * The row types drizzle infers are the same on both engines, for every table: a repository written against one schema
 * reads and writes the other's rows unchanged. Checked by `tsc` (`npm run typecheck`, which includes this file); the
 * run itself only confirms the file compiles.
 */

type TableNames<S> = { [K in keyof S]: S[K] extends Table ? K : never }[keyof S];
type Selects<S, N extends keyof S> = { [K in N]: S[K] extends Table ? InferSelectModel<S[K]> : never };
type Inserts<S, N extends keyof S> = { [K in N]: S[K] extends Table ? InferInsertModel<S[K]> : never };
type SqliteTables = TableNames<typeof sqlite>;

describe('row types: Postgres schema = SQLite schema', () => {
  it('has the same tables (by export name)', () => {
    expectTypeOf<TableNames<typeof pg>>().toEqualTypeOf<SqliteTables>();
  });

  // A difference names its table and column ("The types of 'partners.domain' are incompatible").
  it('infers the same select and insert types for every table', () => {
    expectTypeOf<Selects<typeof pg, SqliteTables>>().toEqualTypeOf<Selects<typeof sqlite, SqliteTables>>();
    expectTypeOf<Inserts<typeof pg, SqliteTables>>().toEqualTypeOf<Inserts<typeof sqlite, SqliteTables>>();
  });
});
