/**
 * The WAL checkpoint worker, as the built app runs it (dist/: the worker thread loads compiled JavaScript).
 */
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Checkpointer from '../../src/db/checkpointer.js';
import type * as Client from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';

const dist = join(import.meta.dirname, '..', '..', 'dist', 'db');
const { startCheckpointer } = (await import(join(dist, 'checkpointer.js'))) as typeof Checkpointer;
const { openDatabase } = (await import(join(dist, 'client.js'))) as typeof Client;

const dir = mkdtempSync(join(tmpdir(), 'checkpointer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('startCheckpointer', () => {
  it('checkpoints the log from its own thread while the main connection never does, and hands back on stop', async () => {
    const path = join(dir, 'a.db');
    const database = openDatabase(path);
    const { sqlite } = database;
    const checkpointer = startCheckpointer(sqlite, createLogger('error'), 50);
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(0);

    sqlite.exec('create table t (x blob)');
    const insert = sqlite.prepare('insert into t values (randomblob(4000))');
    for (let i = 0; i < 3000; i += 1) insert.run();
    // Well past the 1,000 pages at which the main connection would have checkpointed by itself.
    expect(statSync(`${path}-wal`).size).toBeGreaterThan(4_000_000 * 2);
    // The worker copied the log into the database file (without it the file would hold only the schema). Its
    // timer fires every 50 ms; on a loaded machine a pass over 12 MB can take seconds, so wait for it, within bounds.
    const deadline = Date.now() + 15_000;
    while (statSync(path).size <= 3000 * 4000 && Date.now() < deadline) await sleep(25);
    expect(statSync(path).size).toBeGreaterThan(3000 * 4000);

    await checkpointer.stop();
    expect(sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    database.close();
  });

  it('gives checkpointing back to the main connection if the worker dies', async () => {
    const path = join(dir, 'b.db');
    const database = openDatabase(path);
    const logs: string[] = [];
    const logger = createLogger('error', {
      write: (line: string) => {
        logs.push(line);
        return true;
      },
    } as unknown as NodeJS.WritableStream);
    const failing = join(dir, 'failing-worker.mjs');
    writeFileSync(failing, "throw new Error('disk gone');\n");
    const checkpointer = startCheckpointer(database.sqlite, logger, 50, pathToFileURL(failing));
    // The worker fails as it loads; on a loaded machine starting a thread can take a while, so wait, within bounds.
    const deadline = Date.now() + 15_000;
    while (database.sqlite.pragma('wal_autocheckpoint', { simple: true }) !== 1000 && Date.now() < deadline)
      await sleep(25);
    expect(database.sqlite.pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
    expect(logs.join('')).toMatch(/checkpoint worker (failed|exited)/);
    await checkpointer.stop();
    database.close();
  });
});
