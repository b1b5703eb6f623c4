import { readFileSync } from 'node:fs';
import {
  generateDrizzleJson,
  generateMigration,
  generateSQLiteDrizzleJson,
  generateSQLiteMigration,
} from 'drizzle-kit/api';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../../../src/db/pg/schema.js';
import * as sqliteSchema from '../../../src/db/schema.js';

/** The snapshot drizzle-kit wrote with a folder's last migration: the schema as its migrations leave it. */
function lastSnapshot(folder: string): Record<string, unknown> {
  const journal = JSON.parse(readFileSync(`${folder}/meta/_journal.json`, 'utf8')) as {
    entries: { idx: number }[];
  };
  const last = journal.entries.at(-1)?.idx ?? 0;
  const file = `${folder}/meta/${String(last).padStart(4, '0')}_snapshot.json`;
  return JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
}

/**
 * Each engine's declared schema is what its migrations make, as `npm run db:generate` and `db:generate:pg` see it:
 * a column, index or key declared without its migration (or a Postgres twin rule that makes a different column,
 * src/db/pg/twin.ts) would be a migration drizzle-kit still has to write.
 */
describe('the schemas and their migrations', () => {
  it('SQLite: nothing left to migrate', async () => {
    const before = lastSnapshot('migrations');
    const now = await generateSQLiteDrizzleJson(sqliteSchema, before.id as string);
    expect(await generateSQLiteMigration(before as never, now)).toEqual([]);
  });

  it('Postgres: nothing left to migrate', async () => {
    const before = lastSnapshot('migrations-pg');
    const now = generateDrizzleJson(pgSchema, before.id as string);
    expect(await generateMigration(before as never, now)).toEqual([]);
  });
});
