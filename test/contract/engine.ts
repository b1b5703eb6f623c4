import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { FIRST_INSTALLATION } from '../../src/db/columns.js';
import { firstInstallationOf, ownedBy } from '../../src/db/owned.js';
import type { Db, Tx } from '../../src/db/types.js';
import { migratedCopy } from '../support/scratchDb.js';

/**
 * An engine the repository contracts run on (issue 34): each contract (test/contract/*.contract.ts) is one set of tests
 * over the repository functions, run on SQLite by `npm test` (test/unit/db/contract.test.ts) and on a throwaway
 * Postgres server by `npm run test:pg` (test/postgres/contract.test.ts). Each test opens a new, migrated database.
 */
export interface Engine {
  name: 'sqlite' | 'postgres';
  /** Each test's database has a neighbour installation (`besideNeighbour`). */
  neighbour?: boolean;
  open(): Promise<{ db: Db; close(): Promise<void> }>;
}

/** A migrated SQLite file (a copy of one migrated once) in a folder of its own, removed by `close()`. */
export const sqliteEngine: Engine = {
  name: 'sqlite',
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'contract-'));
    const database = openDatabase(migratedCopy(join(dir, 'handoff.db')));
    return {
      db: firstInstallationOf(database.db),
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

/** What a contract's tests share: the test's database, the engine, a moment and times after it. */
export interface ContractContext {
  /** Stands for the database of the test running (each test's own, from `eachTestOn`). */
  db: Db;
  engine: Engine;
  at: Date;
  plus(ms: number): Date;
  /** `fn(tx, ...args)` in a transaction of its own on the test's database, as the app writes. */
  write<A extends unknown[], R>(fn: (tx: Tx, ...args: A) => Promise<R> | R, ...args: A): Promise<R>;
}

export type Contract = (engine: Engine) => void;

/** A contract: its tests in `describe('<title> (<engine>)')`, each on a new database of the engine. */
export function contract(title: string, body: (c: ContractContext) => void): Contract {
  return (engine) =>
    describe(`${title} (${engine.name})`, () => {
      let current: Db | undefined;
      eachTestOn(engine, (opened) => {
        current = opened;
      });
      const open = (): Db => {
        if (current === undefined) throw new Error('no database outside a test');
        return current;
      };
      const db = new Proxy({} as Db, {
        get: (_, key) => {
          const value: unknown = Reflect.get(open(), key);
          return typeof value === 'function' ? value.bind(open()) : value;
        },
        has: (_, key) => Reflect.has(open(), key),
      });
      const at = new Date('2026-11-23T15:04:05.678Z');
      body({
        db,
        engine,
        at,
        plus: (ms) => new Date(at.getTime() + ms),
        write: (fn, ...args) => db.transaction((tx) => fn(tx, ...args)),
      });
    });
}

/**
 * The engine with a neighbour on the same database (issue 55): each test's database is the first installation's
 * (`ownedBy(db, 1)`, as the app's would be), and every transaction the test runs is run first for a second
 * installation, committed, with the same keys (channels, partners, people). So each contract's reads and writes are
 * tried with another installation's twin rows beside them: a query that is not kept to its installation reads or
 * changes the neighbour's and fails the contract. The neighbour's run may fail where the body expects its own rows
 * (its result is dropped); it runs first so that what the body keeps from a transaction is its own run's.
 */
export function besideNeighbour(engine: Engine): Engine {
  return {
    name: engine.name,
    neighbour: true,
    async open() {
      const { db, close } = await engine.open();
      const own = ownedBy(db, FIRST_INSTALLATION);
      const neighbour = ownedBy(db, NEIGHBOUR);
      const transaction = async <T>(fn: (tx: Tx) => Promise<T> | T): Promise<T> => {
        await neighbour.transaction(fn).catch(() => undefined);
        return own.transaction(fn);
      };
      return {
        db: new Proxy(own, {
          get: (target, key) => (key === 'transaction' ? transaction : Reflect.get(target, key, target)),
        }),
        close,
      };
    },
  };
}

/** The neighbour installation of `besideNeighbour`. */
export const NEIGHBOUR = FIRST_INSTALLATION + 1;
