import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import type { AppDatabase, Db } from '../../src/db/client.js';
import { ownedBy } from '../../src/db/owned.js';
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

/** The app's database as the harness's installation sees it (its SQLite connection too, on SQLite). */
export type HarnessDatabase = Omit<AppDatabase, 'db'> & { db: Db };

/**
 * The harness's `database` on either engine: on Postgres there is no SQLite connection, and a test that reaches for
 * it is told it runs on SQLite only (rather than failing on `undefined` somewhere later).
 */
export function harnessDatabase(
  storage: AppStorage & { database?: AppDatabase },
  installation: () => number,
): HarnessDatabase {
  // Its installation's view (db/owned.ts), as it is at each use: the repositories a test calls name it; a query the
  // test writes itself still reads every installation's rows.
  const view = { db: ownedBy(storage.db, installation()) };
  const db = () => {
    const id = installation();
    if (view.db.installationId !== id) view.db = ownedBy(storage.db, id);
    return view.db;
  };
  if (storage.engine === 'sqlite' && storage.database) {
    const { database } = storage;
    return {
      sqlite: database.sqlite,
      migrations: database.migrations,
      close: () => database.close(),
      get db() {
        return db();
      },
    };
  }
  const refuse = () => {
    throw new Error('this test reads SQLite itself: it runs on SQLite only (leave it out of integration-pg)');
  };
  return {
    get db() {
      return db();
    },
    get sqlite(): never {
      return refuse();
    },
    migrations: storage.migrations,
    close: () => void storage.close(),
  };
}
