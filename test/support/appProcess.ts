import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';

const root = join(import.meta.dirname, '..', '..');

/**
 * A new empty folder for a built command to run in, removed by `dispose`. The commands read `.env` from the folder
 * they run in (as `npm start` does from the checkout): a test never runs one where a developer's `.env` may be.
 */
export function commandFolder(): { dir: string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-cwd-'));
  return { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The one way tests start the built app as `npm start` runs it (`node dist/main.js`; dist/ is built once by
 * test/globalSetup.ts): only PATH and the given settings in its environment, its output kept, the port it listens on
 * read from its log when PORT is 0. It runs in an empty folder of its own (`commandFolder`), never in the checkout: a
 * developer's `.env` there is not read. `checkout` is the folder holding `dist/` (the repository's by default).
 */
export interface AppProcess {
  child: ChildProcessByStdio<null, Readable, Readable>;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  /** The exit code, or undefined while it runs. */
  exitCode(): number | null | undefined;
  /** Everything written to stdout (JSON log lines) and stderr so far. */
  out(): string;
  err(): string;
  /** The port from PORT, or from the "listening" log line when PORT was 0 (0 until it is logged). */
  port(): number;
  url(): string;
  /** Polls GET /healthz until 200; throws with the log tail when the app exits or does not answer in time. */
  healthy(timeoutMs?: number): Promise<void>;
  /** SIGTERM (a clean stop) or SIGKILL; resolves once exited. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<number | null>;
}

export function spawnApp(
  env: Record<string, string>,
  opts: { keepOutput?: number; checkout?: string } = {},
): AppProcess {
  const keep = opts.keepOutput ?? 1_000_000;
  const folder = commandFolder();
  const child = spawn(process.execPath, [join(opts.checkout ?? root, 'dist', 'main.js')], {
    cwd: folder.dir,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.once('exit', folder.dispose);
  let stdout = '';
  let stderr = '';
  let code: number | null | undefined;
  let port = Number(env.PORT ?? 3000);
  child.stdout.on('data', (d) => {
    stdout = (stdout + String(d)).slice(-keep);
    if (!port) port = Number(/"port":(\d+)/.exec(stdout)?.[1] ?? 0);
  });
  child.stderr.on('data', (d) => {
    stderr = (stderr + String(d)).slice(-keep);
  });
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (c) => {
      code = c;
      resolve(c);
    }),
  );
  const url = () => `http://127.0.0.1:${port}`;
  return {
    child,
    exited,
    exitCode: () => code,
    out: () => stdout,
    err: () => stderr,
    port: () => port,
    url,
    // A deadline, not a wait: it returns as soon as /healthz answers 200 (loading the built app takes seconds on a
    // loaded two-core machine).
    async healthy(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (code !== undefined)
          throw new Error(`the app exited (${code}):\n${(stdout + stderr).slice(-2000)}`);
        const res = port
          ? await fetch(`${url()}/healthz`, { signal: AbortSignal.timeout(1000) }).catch(() => undefined)
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
}
