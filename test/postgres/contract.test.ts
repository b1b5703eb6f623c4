import { inject } from 'vitest';
import { firstInstallationOf } from '../../src/db/owned.js';
import { openPostgresDatabase } from '../../src/db/pg/store.js';
import type { Engine } from '../contract/engine.js';
import { runContracts } from '../contract/index.js';
import { migratedDatabaseOn } from '../support/postgres.js';

// The repository contracts on Postgres (the same tests run on SQLite in npm test: test/unit/db/contract.test.ts),
// each test on a new database of the run's server (a copy of one the app migrated), through the app's own Postgres
// store (src/db/pg/store.ts).
let databases = 0;
const postgresEngine: Engine = {
  name: 'postgres',
  async open() {
    databases += 1;
    const url = await migratedDatabaseOn(inject('postgresUrl'), `contract_${databases}`);
    const { db, close } = await openPostgresDatabase(url, { max: 4 });
    return { db: firstInstallationOf(db), close };
  },
};

// Each contract alone, and beside a neighbour installation on the same database (test/contract/engine.ts).
runContracts(postgresEngine);
