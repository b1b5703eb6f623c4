import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import type { AppStorage } from '../../src/db/storage.js';
import { migratedDatabaseOn } from './postgres.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /**
     * The engine the harness starts the app on: 'postgres' in the `integration-pg` project (vitest.pg.config.ts), whose
     * globalSetup starts a throwaway server; SQLite otherwise.
     */
    harnessEngine?: 'sqlite' | 'postgres';
  }
}

/** The engine this test file's apps run on (see ProvidedContext.harnessEngine). */
export function harnessEngine(): 'sqlite' | 'postgres' {
  return inject('harnessEngine') ?? 'sqlite';
}

/** A new database on the run's Postgres server, migrated (a template's copy), for one harness (its URL). */
export function newPostgresDatabase(): Promise<string> {
  return migratedDatabaseOn(inject('postgresUrl'), `h_${randomUUID().replaceAll('-', '').slice(0, 20)}`);
}

/**
 * The harness's `database` on either engine: on Postgres there is no SQLite connection, and a test that reaches for
 * it is told it runs on SQLite only (rather than failing on `undefined` somewhere later).
 */
export function harnessDatabase(storage: AppStorage & { database?: AppDatabase }): AppDatabase {
  if (storage.engine === 'sqlite' && storage.database) return storage.database;
  const refuse = () => {
    throw new Error('this test reads SQLite itself: it runs on SQLite only (leave it out of integration-pg)');
  };
  return {
    db: storage.db,
    get sqlite(): never {
      return refuse();
    },
    migrations: storage.migrations,
    close: () => void storage.close(),
  };
}
