import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The installed better-sqlite3 binary survives V8 collecting its statements wherever V8 collects them. A build of
 * better-sqlite3 12 against Node.js 24.19+ headers aborts the process the first time a statement is finalized in a
 * garbage collection with no JavaScript context entered ("Assertion failed: (env) != nullptr" in
 * node::RemoveEnvironmentCleanupHook, from Statement::~Statement): on Node.js 24 it must be built against the headers
 * scripts/native-headers.sh names. In its own process, so an abort fails this test instead of the test worker.
 */
describe('the better-sqlite3 build', () => {
  it('survives statements garbage-collected between event-loop turns', () => {
    const script = `
      const Database = require(process.argv[1]);
      const db = new Database(':memory:');
      db.exec('CREATE TABLE t (a)');
      let turns = 0;
      function turn() {
        // Statements dropped at once, and garbage for V8 to collect them with, over many turns of the event loop.
        for (let i = 0; i < 2000; i++) db.prepare('SELECT a FROM t WHERE a = ?').all(i);
        const garbage = [];
        for (let i = 0; i < 20000; i++) garbage.push({ i, text: 'x'.repeat(50) });
        if (++turns < 100) setTimeout(turn, 1);
        else {
          db.close();
          process.stdout.write('done');
        }
      }
      turn();`;
    const result = spawnSync(process.execPath, ['-e', script, betterSqlite3], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(result.stderr.match(/Assertion failed.*|Error.*/)?.[0] ?? '', `Node.js ${process.version}`).toBe(
      '',
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('done');
  });
});
