import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnApp } from '../support/appProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
// The unprivileged user the app runs as in the tests that need one (root may write any file).
import { asRoot, NOBODY, type UnprivilegedApp, unprivilegedApp } from '../support/unprivileged.js';

/** Whether `chattr +i` works here (root, a file system with the immutable attribute); some CI machines have neither. */
function chattrWorks(): boolean {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-chattr-'));
  const file = join(dir, 'probe');
  writeFileSync(file, '');
  const set = spawnSync('chattr', ['+i', file]);
  if (set.status === 0) spawnSync('chattr', ['-i', file]);
  rmSync(dir, { recursive: true, force: true });
  return set.status === 0;
}
const canChattr = chattrWorks();

/**
 * One app process per database file, enforced (src/db/lock.ts), with the built entry point as `npm start` runs it:
 * a second process on the same file refuses to start before it touches Slack or the outbox, and a killed holder
 * leaves no stale lock behind.
 */
describe('one process per database file (dist/main.js)', () => {
  let slack: FakeSlack;
  let dir: string;
  /** The built app as the unprivileged user can run it (a copy when the checkout is in a private folder). */
  let nobodyApp: UnprivilegedApp;
  let databasePath: string;
  const started: AppProcess[] = [];

  const settings = (path: string) => ({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'secret',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATABASE_PATH: path,
    // Nothing due in the sweep during the test; the outbox looks often, so a second worker would show at once.
    SWEEP_SCHEDULE: '0 0 1 1 *',
    OUTBOX_POLL_INTERVAL_MS: '50',
  });
  const start = (path = databasePath) => {
    const app = spawnApp(settings(path));
    started.push(app);
    return app;
  };

  /** `node dist/main.js` as the unprivileged user, as spawnApp starts it otherwise. */
  const startAsNobody = (path: string): AppProcess => {
    // In the test's folder, not the checkout: a developer's .env there is not read.
    const child = spawn(nobodyApp.node, [join(nobodyApp.root, 'dist', 'main.js')], {
      cwd: dir,
      uid: NOBODY,
      gid: NOBODY,
      env: { PATH: process.env.PATH ?? '', ...settings(path) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let code: number | null | undefined;
    child.stdout.on('data', (d) => {
      stdout += String(d);
    });
    child.stderr.on('data', (d) => {
      stderr += String(d);
    });
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (c) => {
        code = c;
        resolve(c);
      }),
    );
    const port = () => Number(/"port":(\d+)/.exec(stdout)?.[1] ?? 0);
    const app: AppProcess = {
      child,
      exited,
      exitCode: () => code,
      out: () => stdout,
      err: () => stderr,
      port,
      url: () => `http://127.0.0.1:${port()}`,
      async healthy(timeoutMs = 15_000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          if (code !== undefined)
            throw new Error(`the app exited (${code}):\n${(stdout + stderr).slice(-2000)}`);
          const res = port()
            ? await fetch(`${app.url()}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(
                () => undefined,
              )
            : undefined;
          if (res?.status === 200) return;
          if (Date.now() > deadline)
            throw new Error(`the app did not answer /healthz:\n${(stdout + stderr).slice(-2000)}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      async stop(signal = 'SIGTERM') {
        if (code !== undefined) return code;
        child.kill(signal);
        return exited;
      },
    };
    started.push(app);
    return app;
  };

  /** Waits for the process to exit (or 15 s): the exit code, or 'still running'. */
  const exitOf = (app: AppProcess) =>
    Promise.race([
      app.exited,
      new Promise<'still running'>((resolve) => setTimeout(() => resolve('still running'), 15_000)),
    ]);

  beforeAll(async () => {
    nobodyApp = unprivilegedApp();
    slack = await FakeSlack.start();
    // Real path: the message names the real file (macOS's tmpdir is behind a symbolic link).
    dir = realpathSync(mkdtempSync(join(tmpdir(), 'handoff-single-')));
    databasePath = join(dir, 'handoff.db');
  }, 120_000);
  afterAll(async () => {
    await Promise.all(started.map((app) => app.stop('SIGKILL')));
    await slack.stop();
    rmSync(dir, { recursive: true, force: true });
    nobodyApp?.dispose();
  }, 60_000);

  /**
   * Starts a second process on the file and expects it refused, naming the file (as that process was given it:
   * `named`) and the holder's pid.
   */
  async function expectRefused(
    holder: AppProcess,
    path = databasePath,
    named = databasePath,
    second = start(path),
  ): Promise<void> {
    const callsBefore = slack.calls.length;
    const began = Date.now();
    const code = await exitOf(second);
    expect(code, second.out() + second.err()).toBe(1);
    // Promptly (the bound leaves room for a loaded machine's start-up; test/unit/db/lock.test.ts times the refusal).
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(second.err()).toContain(
      `Another process is using the database ${named} (pid ${holder.child.pid} on host `,
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

  it('refuses a second process on a hard link to the file in another directory (the lock is keyed by the file)', async () => {
    const original = join(dir, 'linked', 'handoff.db');
    const first = start(original);
    await first.healthy();
    mkdirSync(join(dir, 'elsewhere'), { recursive: true });
    const linked = join(dir, 'elsewhere', 'link.db');
    linkSync(original, linked);
    expect(statSync(linked).ino).toBe(statSync(original).ino);

    // Before: the link's lock file (elsewhere/link.db.lock) was another file, and both processes served the database.
    await expectRefused(first, linked, linked);
    expect(first.exitCode()).toBeUndefined();
    expect(await first.stop('SIGTERM')).toBe(0);

    // The other way round: through the link first, the original path is refused.
    const viaLink = start(linked);
    await viaLink.healthy();
    await expectRefused(viaLink, original, original);
    expect(await viaLink.stop('SIGTERM')).toBe(0);
  }, 60_000);

  it.runIf(asRoot)(
    'refuses to start on a lock file root left behind (read-only for the app), naming the file and the fix',
    async () => {
      // What one `npm start` as root leaves: the lock file root's, the rest handed to the app's user afterwards.
      const sub = join(dir, 'root-left');
      mkdirSync(sub);
      // The unprivileged user may reach it (mkdtemp made the test's folder 0700).
      chmodSync(dir, 0o755);
      const path = join(sub, 'handoff.db');
      const lockPath = `${path}.lock`;
      writeFileSync(lockPath, '');
      chmodSync(lockPath, 0o644);
      chownSync(sub, NOBODY, NOBODY);

      // Before: SQLite opened the lock file read-only, the exclusive transaction locked nothing and two processes
      // served the database. Now the first is refused, with the file and what to run.
      const first = startAsNobody(path);
      expect(await exitOf(first), first.out() + first.err()).toBe(1);
      expect(first.err()).toContain(`Could not lock the database ${path} (lock file ${lockPath})`);
      expect(first.err()).toContain('owned by uid 0');
      expect(first.err()).toContain(`chown ${NOBODY}:${NOBODY} ${lockPath}`);
      expect(first.err()).not.toMatch(/\n\s+at /);
      expect(first.out()).not.toContain('database ready');

      // With the fix applied, the app starts, and holds the lock: a second one is refused.
      chownSync(lockPath, NOBODY, NOBODY);
      const fixed = startAsNobody(path);
      await fixed.healthy();
      await expectRefused(fixed, path, path, startAsNobody(path));
      expect(await fixed.stop('SIGTERM')).toBe(0);
    },
    60_000,
  );

  it.runIf(canChattr)(
    'refuses to start on an immutable lock file (chattr +i), naming the file and the fix',
    async () => {
      const path = join(dir, 'immutable', 'handoff.db');
      const lockPath = `${path}.lock`;
      mkdirSync(join(dir, 'immutable'));
      writeFileSync(lockPath, '');
      execFileSync('chattr', ['+i', lockPath]);
      try {
        // Before: both of these ran (each on a read-only open of the lock file).
        const first = start(path);
        const second = start(path);
        for (const app of [first, second]) {
          expect(await exitOf(app), app.out() + app.err()).toBe(1);
          expect(app.err()).toContain(`Could not lock the database ${path} (lock file ${lockPath})`);
          expect(app.err()).toContain(`chattr -i ${lockPath}`);
          expect(app.out()).not.toContain('database ready');
        }
      } finally {
        execFileSync('chattr', ['-i', lockPath]);
      }
    },
    60_000,
  );

  it('lets processes on different database files run side by side', async () => {
    const one = start(join(dir, 'one.db'));
    const other = start(join(dir, 'other.db'));
    await Promise.all([one.healthy(), other.healthy()]);
    expect(await one.stop('SIGTERM')).toBe(0);
    expect(await other.stop('SIGTERM')).toBe(0);
  }, 60_000);
});
