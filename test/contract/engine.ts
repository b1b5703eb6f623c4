import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import type { Db } from '../../src/db/types.js';

/**
 * An engine the repository contracts run on (issue 34): each contract (test/contract/*.contract.ts) is one set of tests
 * over the repository functions, run on SQLite by `npm test` (test/unit/db/contract.test.ts) and on a throwaway
 * Postgres server by `npm run test:pg` (test/postgres/contract.test.ts). Each test opens a new, migrated database.
 */
export interface Engine {
  name: 'sqlite' | 'postgres';
  open(): Promise<{ db: Db; close(): Promise<void> }>;
}

/** A migrated SQLite file in a folder of its own, removed by `close()`: the app's own openDatabase. */
export const sqliteEngine: Engine = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    const database = openDatabase(join(dir, 'handoff.db'));
    return {
      db: database.db,
      close: async () => {
        database.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A new database for each test of the calling `describe`, handed to `use` before the test and closed after it. */
export function eachTestOn(engine: Engine, use: (db: Db) => void): void {
  let close: (() => Promise<void>) | undefined;
  beforeEach(async () => {
    const opened = await engine.open();
    close = opened.close;
    use(opened.db);
  });
  afterEach(async () => {
    await close?.();
    close = undefined;
  });
}
