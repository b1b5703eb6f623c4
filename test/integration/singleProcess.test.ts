import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnApp } from '../support/appProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';

/**
 * One app process per database file, enforced (src/db/lock.ts), with the built entry point as `npm start` runs it:
 * a second process on the same file refuses to start before it touches Slack or the outbox, and a killed holder
 * leaves no stale lock behind.
 */
describe('one process per database file (dist/main.js)', () => {
  let slack: FakeSlack;
  let dir: string;
  let databasePath: string;
  const started: AppProcess[] = [];

  const start = (path = databasePath) => {
    const app = spawnApp({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      DATABASE_PATH: path,
      // Nothing due in the sweep during the test; the outbox looks often, so a second worker would show at once.
      SWEEP_SCHEDULE: '0 0 1 1 *',
      OUTBOX_POLL_INTERVAL_MS: '50',
    });
    started.push(app);
    return app;
  };

  beforeAll(async () => {
    slack = await FakeSlack.start();
    // Real path: the message names the real file (macOS's tmpdir is behind a symbolic link).
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'handoff-single-')));
    databasePath = join(dir, 'handoff.db');
  });
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop('SIGKILL')));
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts a second process on the file and expects it refused, naming the file and the holder's pid. */
  async function expectRefused(holder: AppProcess, path = databasePath): Promise<void> {
    const callsBefore = slack.calls.length;
    const began = Date.now();
    const second = start(path);
    const code = await Promise.race([
      second.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);
    expect(code, second.out() + second.err()).toBe(1);
    // Promptly (the bound leaves room for a loaded machine's start-up; test/unit/db/lock.test.ts times the refusal).
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(second.err()).toContain(
      `Another process is using the database ${databasePath} (pid ${holder.child.pid} on host `,
    );
    expect(second.err()).toContain('Stop that process before starting this one, or set DATABASE_PATH');
    expect(second.err()).not.toMatch(/\n\s+at /);
    // Refused before it opened the database or called Slack.
    expect(second.out()).not.toContain('database ready');
    expect(slack.calls.length).toBe(callsBefore);
  }

  it('refuses a second process on the same file at once with a clear message; the first keeps working', async () => {
    const first = start();
    await first.healthy();

    await expectRefused(first);
    expect(JSON.parse(readFileSync(`${databasePath}.lock.json`, 'utf8'))).toMatchObject({
      pid: first.child.pid,
    });
    // The same file under another spelling of its path is the same lock.
    await expectRefused(first, `${dir}/./handoff.db`);

    expect(first.exitCode()).toBeUndefined();
    const health = await fetch(`${first.url()}/healthz`);
    expect(health.status).toBe(200);

    // A clean stop gives the lock and the holder file up; the next start takes it.
    expect(await first.stop('SIGTERM')).toBe(0);
    expect(existsSync(`${databasePath}.lock.json`)).toBe(false);
    const next = start();
    await next.healthy();
    await expectRefused(next);
    expect(await next.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('leaves no stale lock when the holder is killed (SIGKILL): the next start runs, and holds the lock in turn', async () => {
    const first = start();
    await first.healthy();
    await first.stop('SIGKILL');

    // The kernel dropped the killed process's lock; its holder file, left behind, is rewritten by the next holder.
    const next = start();
    await next.healthy();
    expect((await fetch(`${next.url()}/healthz`)).status).toBe(200);
    await expectRefused(next);
    expect(await next.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it('lets processes on different database files run side by side', async () => {
    const one = start(join(dir, 'one.db'));
    const other = start(join(dir, 'other.db'));
    await Promise.all([one.healthy(), other.healthy()]);
    expect(await one.stop('SIGTERM')).toBe(0);
    expect(await other.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
