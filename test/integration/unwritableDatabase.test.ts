import { spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/client.js';
import { asRoot, NOBODY, type UnprivilegedApp, unprivilegedApp } from '../support/unprivileged.js';

/** The built app as the unprivileged user can run it (a copy when the checkout is in a private folder). */
let app: UnprivilegedApp;
/** The folder the app runs in (the test's own, readable by that user). */
let runIn: string;
/** How long a start may take before it is killed: only a hung start reaches it. */
const DEADLINE_MS = 90_000;
/** Each case waits for the app's exit, however long a loaded machine takes to load it (up to DEADLINE_MS). */
const waitsForTheStart = { timeout: DEADLINE_MS + 30_000 };

/**
 * `node dist/main.js` as the unprivileged user; resolves with its exit code and stderr once it exits. It is killed
 * (SIGKILL, so the code is null) as soon as it logs that the database is ready, which a start refused at the database
 * never does, or, should it hang, after `DEADLINE_MS`: the built app's start can take many seconds on a loaded machine.
 */
function startAsNobody(
  databasePath: string,
): Promise<{ code: number | null; stderr: string; signal: string | null }> {
  // In the test's folder (readable by that user), not the checkout: a developer's .env there is not read.
  const child = spawn(app.node, [join(app.root, 'dist', 'main.js')], {
    cwd: runIn,
    uid: NOBODY,
    gid: NOBODY,
    env: {
      PATH: process.env.PATH ?? '',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_SIGNING_SECRET: 'secret',
      // Nothing listens there: the app must stop before it talks to Slack.
      SLACK_API_URL: 'http://127.0.0.1:9/api/',
      PORT: '0',
      DATABASE_PATH: databasePath,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  let stdout = '';
  child.stdout.on('data', (d) => {
    stdout += String(d);
    // Past the database: the start did not refuse it.
    if (stdout.includes('database ready')) child.kill('SIGKILL');
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), DEADLINE_MS);
  return new Promise((resolve) =>
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, stderr, signal });
    }),
  );
}

/**
 * The start refuses a database it cannot write, with a message that says which file and what to check, instead of
 * starting and then losing every click (a read-only file) or dying of SIGBUS without a word (a read-only -shm).
 * Real files made read-only for the user the app runs as.
 */
describe.runIf(asRoot)('a database the app cannot write stops the start', waitsForTheStart, () => {
  let dir: string;
  beforeAll(() => {
    app = unprivilegedApp();
    dir = mkdtempSync(join(tmpdir(), 'handoff-unwritable-'));
    chmodSync(dir, 0o755);
    runIn = dir;
  }, 120_000);
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    app?.dispose();
  }, 60_000);

  /** A migrated database in its own directory, all owned by the unprivileged user. */
  function preparedDatabase(name: string): string {
    const sub = join(dir, name);
    const path = join(sub, 'handoff.db');
    openDatabase(path).close();
    for (const file of [sub, path]) chownSync(file, NOBODY, NOBODY);
    return path;
  }

  it('a read-only database file', async () => {
    const path = preparedDatabase('readonly-file');
    chmodSync(path, 0o444);
    const result = await startAsNobody(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`The database at ${path} cannot be written`);
    expect(result.stderr).toContain('writable by the user running the app');
  });

  it('a read-only -shm file (SQLite would die of SIGBUS)', async () => {
    const path = preparedDatabase('readonly-shm');
    // As a restore or a copy by another user leaves it: the shared-memory file is there and read-only.
    writeFileSync(`${path}-shm`, Buffer.alloc(32_768));
    chownSync(`${path}-shm`, NOBODY, NOBODY);
    chmodSync(`${path}-shm`, 0o444);
    const result = await startAsNobody(path);
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${path}-shm is not writable`);
  });

  it('a directory it cannot create files in', async () => {
    const sub = join(dir, 'readonly-dir');
    const path = join(sub, 'handoff.db');
    openDatabase(path).close();
    chownSync(path, NOBODY, NOBODY);
    chmodSync(sub, 0o555);
    const result = await startAsNobody(path);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${sub} is not writable`);
  });
});
