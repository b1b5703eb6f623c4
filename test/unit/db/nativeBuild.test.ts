import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');

/**
 * The installed better-sqlite3 binary survives V8 collecting its statements wherever V8 collects them. better-sqlite3
 * 12 derived its statements from node::ObjectWrap, and a build of it against Node.js 24.19+ headers aborted the
 * process the first time a statement was finalized in a garbage collection with no JavaScript context entered
 * ("Assertion failed: (env) != nullptr" in node::RemoveEnvironmentCleanupHook). better-sqlite3 13 is built on
 * Node-API and ships its binaries in the npm package; this keeps the check that the one in use does not abort. In
 * its own process, so an abort fails this test instead of the test worker.
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
      timeout: 90_000,
    });
    expect(result.stderr.match(/Assertion failed.*|Error.*/)?.[0] ?? '', `Node.js ${process.version}`).toBe(
      '',
    );
    expect(result.signal).toBeNull();
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('done');
    // About 5 s on a quiet machine; its own limit, above the spawned process's, so a loaded machine does not fail it.
  }, 100_000);
});
