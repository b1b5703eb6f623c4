/** Child processes for the benchmark: TypeScript helpers over IPC, the built app, and their peak memory. */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export { freePort } from '../../test/support/ports.js';

export const root = join(import.meta.dirname, '..', '..');

/** Peak resident set size (VmHWM) of a live process, in MB, from /proc (Linux). */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmHWM:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Resident set size (VmRSS) of a live process now, in MB, from /proc (Linux). */
export function rssNowMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? Number.NaN) / 1024;
}

/**
 * CPU time (user and system) a live process has used so far, in milliseconds, from /proc (Linux). Steadier than
 * requests per second on a shared machine: what a request costs, not how much of the CPU the process was given.
 */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The fields after the command name (which may hold spaces), counted from the state (field 3).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime (14), stime (15)
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/**
 * The whole machine's CPU time so far, in ms summed over its cores (/proc/stat's first line): `busy` (everything but
 * idle and waiting for I/O) and `all`. Over a run, busy / all is how loaded the machine was: every process's work,
 * the load generator's and the fake Slack's too.
 */
export function machineCpuMs(): { busy: number; all: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const all = ticks.reduce((a, b) => a + b, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const ms = (n: number) => (n * 1000) / CLOCK_TICKS_PER_SECOND;
  return { busy: ms(all - idle), all: ms(all) };
}

/** USER_HZ: what /proc counts CPU time in; 100 on Linux for every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * A file of bench/ in a child process, with an IPC channel: TypeScript through tsx, or plain JavaScript (`.mjs`)
 * with node alone, where the child's own memory is measured (tsx's loader adds about 35 MB).
 */
export class Helper {
  readonly child: ChildProcess;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly firstMessage: Promise<Record<string, unknown>>;
  private output = '';

  constructor(file: string, env: NodeJS.ProcessEnv = {}, nodeOptions: string[] = []) {
    this.child = fork(join(root, 'bench', file), [], {
      cwd: root,
      execArgv: file.endsWith('.mjs') ? nodeOptions : [...nodeOptions, '--import', 'tsx'],
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const keep = (d: Buffer) => {
      this.output = (this.output + String(d)).slice(-8000);
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    this.firstMessage = new Promise((resolve, reject) => {
      this.child.once('message', (m) => resolve(m as Record<string, unknown>));
      this.child.once('exit', (code) =>
        reject(new Error(`${file} exited (${code}) before reporting:\n${this.output}`)),
      );
    });
    // A helper that ends fails what it was asked, with its last output: the bench stops saying why, not waiting.
    this.child.on('exit', (code, signal) => {
      const why = new Error(`${file} exited (${code ?? signal}) while asked:\n${this.output}`);
      for (const waiter of this.pending.values()) waiter.reject(why);
      this.pending.clear();
    });
    this.child.on('message', (raw) => {
      const m = raw as { id?: number; result?: unknown; error?: string };
      if (m.id === undefined) return;
      const waiter = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.error !== undefined) waiter?.reject(new Error(m.error));
      else waiter?.resolve(m.result);
    });
  }

  /** The first message the helper sends (its "ready" or its result). */
  first<T>(): Promise<T> {
    return this.firstMessage as Promise<T>;
  }

  request<T>(message: Record<string, unknown>): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.child.send({ ...message, id });
    });
  }

  async stop(): Promise<void> {
    // Exited already (by itself, or killed by a signal: then its exit code is null and its signal set).
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    if (this.child.connected) this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

/**
 * The node options `npm start` runs the app with (the start script in package.json), so the bench runs the same;
 * `appRoot` is another checkout's (a `--reference`), whose own start script applies to its own app.
 */
export function startNodeOptions(appRoot = root): string[] {
  const pkg = JSON.parse(readFileSync(join(appRoot, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.split(/\s+/).filter((word) => word.startsWith('--'));
}

/** `node dist/main.js` with the options of `npm start`, in this checkout or in `appRoot` (a `--reference`). */
export class AppProcess {
  readonly child: ChildProcess;
  readonly startedAt = performance.now();
  private output = '';
  /** The line of the output still arriving. */
  private partial = '';

  constructor(
    readonly port: number,
    env: NodeJS.ProcessEnv,
    nodeArgs: string[] = [],
    appRoot = root,
  ) {
    this.child = spawn(process.execPath, [...startNodeOptions(appRoot), ...nodeArgs, 'dist/main.js'], {
      cwd: appRoot,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Production logs at info on stdout; read and dropped here, as a log shipper would read them.
    const keep = (d: Buffer) => {
      this.output = (this.output + String(d)).slice(-8000);
      // Warnings and errors (pino's levels 40 and up) kept apart: a failed run says why, whatever came after. A
      // chunk may end inside a line: its end waits for the next chunk.
      const lines = (this.partial + String(d)).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/"level":[4-6]\d/.test(line)) this.warnings = [...this.warnings.slice(-19), line.slice(0, 1500)];
        for (const watch of this.watches) watch(line);
      }
    };
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
  }

  /** The last 20 lines logged at warn or above. */
  warnings: string[] = [];

  private watches: ((line: string) => void)[] = [];

  /** Milliseconds from spawn to the first line logged with this message, from now on. */
  logged(msg: string): Promise<number> {
    const needle = `"msg":${JSON.stringify(msg)}`;
    return new Promise((resolve) => {
      const watch = (line: string) => {
        if (!line.includes(needle)) return;
        this.watches = this.watches.filter((w) => w !== watch);
        resolve(performance.now() - this.startedAt);
      };
      this.watches.push(watch);
    });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get log(): string {
    return this.output;
  }

  /** Milliseconds from spawn to the first 200 from GET /healthz (polled every 5 ms). */
  async healthy(timeoutMs = 30_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.child.exitCode !== null)
        throw new Error(`the app exited (${this.child.exitCode}):\n${this.output}`);
      const res = await fetch(`${this.url}/healthz`).catch(() => undefined);
      if (res?.status === 200) return performance.now() - this.startedAt;
      if (Date.now() > deadline) throw new Error(`the app did not answer /healthz:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  peakRssMb(): number {
    return peakRssMb(this.child.pid ?? 0);
  }

  /** Why the process ended, with its last output; undefined while it runs. */
  exited(): string | undefined {
    const { exitCode, signalCode } = this.child;
    if (exitCode === null && signalCode === null) return undefined;
    return `exited (${signalCode ?? exitCode}):\n${this.output.slice(-1500)}`;
  }

  async stop(): Promise<void> {
    // Exited already (by itself, or killed by a signal: then its exit code is null and its signal set).
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  }
}
