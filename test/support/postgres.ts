import { type SpawnSyncOptions, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  chownSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { freePort } from './ports.js';
import { asRoot, NOBODY } from './unprivileged.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway server of the `postgres` project (test/postgres/globalSetup.ts): its `postgres` database. */
    postgresUrl: string;
  }
}

/**
 * A throwaway Postgres server for one test run (issue 34): Debian's postgresql (or PG_BIN's), a fresh cluster in a
 * `mktemp -d` folder, listening on 127.0.0.1 on a free port with its unix sockets in that folder, run by an
 * unprivileged user (initdb and postgres refuse root: as root, user 65534 with the folder chowned to it), without
 * fsync. Started once per run by test/postgres/globalSetup.ts; `stop()` kills it and removes the folder. No mock of
 * Postgres anywhere.
 */
export interface PostgresServer {
  /** The `postgres` database, as the superuser `postgres` (trust authentication: the server is the run's own). */
  url: string;
  /** The folder holding the cluster (`data/`), its log and its sockets. */
  dir: string;
  createDatabase(name: string): Promise<string>;
  /** Stops the server as an outage would (every connection cut), keeping what was committed. */
  halt(): void;
  /** Starts it again on the same port and data, after `halt`. */
  resume(): Promise<void>;
  stop(): void;
}

const BINARIES = ['initdb', 'pg_ctl', 'postgres', 'pg_isready'];

const hasBinaries = (dir: string) => BINARIES.every((name) => existsSync(join(dir, name)));

/** Debian's folders, newest major version first (/usr/lib/postgresql/15/bin, /usr/lib/postgresql/16/bin, ...). */
function debianBinDirs(): string[] {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((version) => /^\d+(\.\d+)?$/.test(version))
    .sort((a, b) => Number(b) - Number(a))
    .map((version) => join(root, version, 'bin'));
}

/**
 * Where initdb, pg_ctl and postgres are: PG_BIN when set (it must hold them), else the newest of Debian's
 * /usr/lib/postgresql/<version>/bin, else what `pg_config --bindir` says.
 */
export function postgresBinDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) {
    if (!hasBinaries(env.PG_BIN))
      throw new Error(`PG_BIN=${env.PG_BIN} does not hold ${BINARIES.join(', ')}`);
    return env.PG_BIN;
  }
  const debian = debianBinDirs().find(hasBinaries);
  if (debian) return debian;
  const pgConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const fromPgConfig = pgConfig.status === 0 ? pgConfig.stdout.trim() : '';
  if (fromPgConfig && hasBinaries(fromPgConfig)) return fromPgConfig;
  throw new Error(
    "Postgres was not found: install Debian's postgresql (`apt-get install postgresql`, as .ci/run does), or set PG_BIN to the folder holding initdb, pg_ctl and postgres.",
  );
}

/** Runs a Postgres program as the server's user (65534 when we are root), in the server's folder. */
function runAs(dir: string, file: string, args: string[], options: SpawnSyncOptions = {}) {
  const user = asRoot ? { uid: NOBODY, gid: NOBODY } : {};
  return spawnSync(file, args, { cwd: dir, encoding: 'utf8', timeout: 120_000, ...user, ...options });
}

function check(result: ReturnType<typeof runAs>, what: string, logFile?: string): void {
  if (result.status === 0) return;
  const log = logFile && existsSync(logFile) ? `\n${readFileSync(logFile, 'utf8').slice(-2000)}` : '';
  throw new Error(
    `${what} failed (${result.error?.message ?? `exit ${result.status}`}): ${result.stderr}${log}`,
  );
}

/** A fresh folder the server's user owns (mode 0700, as `mktemp -d` makes it). */
function makeServerDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-pg-'));
  if (!asRoot) return dir;
  chownSync(dir, NOBODY, NOBODY);
  if (runAs(dir, '/bin/sh', ['-c', 'test -w .']).status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`user ${NOBODY} cannot write ${dir}: is ${tmpdir()} (TMPDIR) reachable by every user?`);
  }
  return dir;
}

/**
 * Settings for a server that lives for one test run: sockets in this folder, TCP on 127.0.0.1 only, and no
 * durability (tests need none, and a flush per commit would slow them); `durable` keeps Postgres' own defaults
 * (fsync, synchronous_commit and full_page_writes on), for a benchmark set beside SQLite's committed writes.
 */
function configure(data: string, dir: string, opts: { durable: boolean; statements: boolean }): void {
  appendFileSync(
    join(data, 'postgresql.conf'),
    [
      '',
      '# test/support/postgres.ts',
      "listen_addresses = '127.0.0.1'",
      `unix_socket_directories = '${dir.replaceAll("'", "''")}'`,
      ...(opts.durable ? [] : ['fsync = off', 'synchronous_commit = off', 'full_page_writes = off']),
      // The bench's count of what each statement costs (bench/lib/pgServer.ts `serverWork`): the statements the
      // clients sent (`top`), each a round trip; a statement run inside one (a foreign key's check, 3.8 per Accept)
      // is its sender's time, not a round trip of its own.
      ...(opts.statements
        ? ["shared_preload_libraries = 'pg_stat_statements'", 'pg_stat_statements.track = top']
        : []),
      '',
    ].join('\n'),
  );
}

/** Polls `pg_isready` until the server accepts connections, at most `tries` times. */
async function waitUntilReady(bin: string, dir: string, port: number, tries = 100): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const ready = runAs(dir, join(bin, 'pg_isready'), ['-h', '127.0.0.1', '-p', `${port}`, '-U', 'postgres']);
    if (ready.status === 0) return;
    if (attempt >= tries)
      throw new Error(`Postgres on port ${port} is not ready: ${ready.stdout}${ready.stderr}`);
    await delay(50);
  }
}

/** Starts the cluster on a free port; another process taking the port first means another port (3 tries). */
async function startOnFreePort(bin: string, dir: string, data: string, log: string): Promise<number> {
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    // -w: pg_ctl itself waits (at most -t seconds) until the server says it is ready.
    const args = ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', `-p ${port}`];
    const started = runAs(dir, join(bin, 'pg_ctl'), args);
    if (started.status === 0) return port;
    const taken = existsSync(log) && /could not (bind|create listen)/.test(readFileSync(log, 'utf8'));
    if (!taken || attempt >= 3) check(started, 'pg_ctl start', log);
  }
}

/**
 * Starts a throwaway server (see PostgresServer). `durable`: each commit flushed to disk as a production server does
 * (the bench's setting); without it, the tests' fast and undurable one. `statements`: pg_stat_statements loaded (the
 * bench's count of the statements, in the `postgres` database).
 */
export async function startPostgres(
  opts: { durable?: boolean; statements?: boolean } = {},
): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const dir = makeServerDir();
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  let running = false;
  const stop = () => {
    process.off('exit', stop);
    if (running) runAs(dir, join(bin, 'pg_ctl'), ['stop', '-m', 'immediate', '-w', '-D', data]);
    running = false;
    rmSync(dir, { recursive: true, force: true });
  };
  // A run that ends without its teardown (an interrupted vitest) still stops the server.
  process.on('exit', stop);
  try {
    // Trust: the server is this run's own, on 127.0.0.1 only, its sockets in a folder only its user can enter.
    const initdb = ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-locale', '--no-sync'];
    check(runAs(dir, join(bin, 'initdb'), initdb), 'initdb');
    configure(data, dir, { durable: opts.durable ?? false, statements: opts.statements ?? false });
    running = true;
    const port = await startOnFreePort(bin, dir, data, log);
    await waitUntilReady(bin, dir, port);
    const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
    const halt = () => {
      // Fast, not immediate: every connection is cut as in an outage, but what was committed stays (this server runs
      // without fsync and synchronous_commit, so a crash-like stop would lose the last commits, which a real server
      // keeps).
      check(runAs(dir, join(bin, 'pg_ctl'), ['stop', '-m', 'fast', '-w', '-D', data]), 'pg_ctl stop', log);
      running = false;
    };
    const resume = async () => {
      const args = ['start', '-w', '-t', '60', '-D', data, '-l', log, '-o', `-p ${port}`];
      check(runAs(dir, join(bin, 'pg_ctl'), args), 'pg_ctl start', log);
      running = true;
      await waitUntilReady(bin, dir, port);
    };
    return { url, dir, createDatabase: (name) => createDatabaseOn(url, name), halt, resume, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/**
 * A new empty database on the server at `serverUrl` (dropped first if a previous run left it), as a postgres:// URL.
 * One per test file, named after it. With `owner`: the database belongs to that role (created if missing: LOGIN, not
 * a superuser, may not create roles or databases) and the URL connects as it, as a production install's app role
 * would; without, as the superuser.
 */
export async function createDatabaseOn(serverUrl: string, name: string, owner?: string): Promise<string> {
  for (const identifier of [name, owner ?? 'postgres'])
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(identifier)) throw new Error(`not a plain name: ${identifier}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    if (owner) {
      // Test files run side by side: the role may be created by another one meanwhile.
      await client.query(`DO $$ BEGIN
          CREATE ROLE "${owner}" LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
      await client.query(`CREATE DATABASE "${name}" OWNER "${owner}"`);
    } else {
      await client.query(`CREATE DATABASE "${name}"`);
    }
  } finally {
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  if (owner) url.username = owner;
  return url.toString();
}

/** The server's database migrated once by the app (`migratedDatabaseOn`), copied for each test's new one. */
const TEMPLATE = 'migrated_template';

/**
 * A new database on the server at `serverUrl` holding the app's Postgres schema, migrated: a copy of a template the
 * app's own store migrated once per server (CREATE DATABASE … TEMPLATE copies its files; migrating each new database
 * cost about half a second). Test files side by side make the template once, under an advisory lock. As the
 * superuser; the tests of migrating itself, and of an owner role, make empty databases (createDatabaseOn).
 */
export async function migratedDatabaseOn(serverUrl: string, name: string): Promise<string> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`not a plain name: ${name}`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock(7078)');
    const made = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [TEMPLATE]);
    if (made.rowCount === 0) {
      const url = new URL(serverUrl);
      url.pathname = `/${TEMPLATE}`;
      await client.query(`CREATE DATABASE "${TEMPLATE}"`);
      // The app's own store applies the migrations, as it does at start (imported here only: the other helpers of
      // this file run without the app's modules).
      const { openPostgresDatabase } = await import('../../src/db/pg/store.js');
      const { close } = await openPostgresDatabase(url.toString(), { max: 1 });
      await close();
    }
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    // Copying the template's files is a third of the time of writing them through the WAL (15's default).
    const version = await client.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
    const strategy = Number(version.rows[0]?.v) >= 150_000 ? ' STRATEGY FILE_COPY' : '';
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${TEMPLATE}"${strategy}`);
  } finally {
    await client.query('SELECT pg_advisory_unlock(7078)').catch(() => {});
    await client.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** In a test file of the `postgres` project: a new empty database on the run's server (see createDatabaseOn). */
export function createDatabase(name: string, owner?: string): Promise<string> {
  return createDatabaseOn(inject('postgresUrl'), name, owner);
}
