import { accessSync, constants, existsSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { checkWritable, DatabaseUnwritableError } from '../db/client.js';
import { lockPathOf } from '../db/lock.js';
import { readHolder } from '../db/lockFiles.js';
import { DatabaseNewerError } from '../db/migrationsCheck.js';
import { DatabaseNeedsMigrationError, openDatabaseReadOnly } from '../db/readOnly.js';
import { checkPostgres } from './postgres.js';
import type { Check, DoctorContext, Finding } from './types.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether an app runs on the database, from the holder file its lock leaves beside it (src/db/lock.ts): read only,
 * never the lock itself, so the doctor cannot keep the app from starting.
 */
function whoRuns(path: string): Finding {
  const holder = existsSync(dirname(resolve(path))) ? readHolder(lockPathOf(path)) : undefined;
  const note = 'the doctor only reads the database and takes no lock';
  if (!holder)
    return {
      status: 'pass',
      text: `No app holds the database's lock: the app is not running on it (${note}).`,
    };
  const since = `pid ${holder.pid} on ${holder.host}, since ${holder.startedAt}`;
  if (holder.host !== hostname()) {
    return {
      status: 'pass',
      text: `The database's lock names ${since}: the app may be running there (${note}).`,
    };
  }
  return processAlive(holder.pid)
    ? { status: 'pass', text: `The app is running on it (${since}); ${note}.` }
    : { status: 'pass', text: `The app is not running on it (its last run, ${since}, has ended).` };
}

/** The nearest folder that exists on the way to `path`, for a database not created yet. */
function nearestFolder(path: string): string {
  let folder = dirname(resolve(path));
  while (!existsSync(folder) && dirname(folder) !== folder) folder = dirname(folder);
  return folder;
}

/** A scratch file written and removed beside the database: the disk takes writes (not read-only, not full). */
function scratchWrite(folder: string): Finding | undefined {
  const scratch = join(folder, `.handoff-doctor-${process.pid}.tmp`);
  try {
    writeFileSync(scratch, 'doctor\n');
    return undefined;
  } catch (error) {
    return {
      status: 'fail',
      text: `A scratch file could not be written in ${folder} (${(error as NodeJS.ErrnoException).code ?? String(error)}).`,
      fix: 'The disk may be full or mounted read-only, or the folder not writable by this user: free space, or fix the mount or the permissions.',
    };
  } finally {
    rmSync(scratch, { force: true });
  }
}

function missing(path: string): Finding[] {
  const folder = nearestFolder(path);
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
  } catch {
    return [
      {
        status: 'fail',
        text: `There is no database at ${path} yet, and ${folder} is not writable: the app could not create it.`,
        fix: 'Make the folder writable by the user running the app, or set DATABASE_PATH to a file in a folder it can write.',
      },
    ];
  }
  return [
    {
      status: 'warn',
      text: `There is no database at ${path} yet.`,
      fix: 'Start the app once (npm start): it creates and migrates the database. Then run the doctor again.',
    },
  ];
}

/**
 * The database: writable (its files, and a scratch write beside it), migrated for this version; opened read-only. On
 * Postgres (DATABASE_URL), postgres.ts.
 */
function checkDatabase(ctx: DoctorContext): Finding[] | Promise<Finding[]> {
  if (ctx.config?.databaseUrl) return checkPostgres(ctx, ctx.config.databaseUrl);
  const path = ctx.config?.databasePath;
  if (!path) return [];
  if (path === ':memory:') return [{ status: 'skip', text: 'DATABASE_PATH is :memory: (nothing to check).' }];
  const running = whoRuns(path);
  if (!existsSync(path)) return [running, ...missing(path)];
  try {
    checkWritable(path);
  } catch (error) {
    if (!(error instanceof DatabaseUnwritableError)) throw error;
    return [
      running,
      { status: 'fail', text: error.message, fix: 'Fix the owner or the permissions of that file.' },
    ];
  }
  const scratch = scratchWrite(dirname(resolve(path)));
  if (scratch) return [running, scratch];
  try {
    ctx.database = openDatabaseReadOnly(path);
  } catch (error) {
    if (error instanceof DatabaseNeedsMigrationError) {
      return [
        running,
        {
          status: 'fail',
          text: `${path} is not migrated for this version: ${error.pending} migration${error.pending === 1 ? '' : 's'} not applied.`,
          fix: 'Back it up (npm run backup -- FILE), then start this version (npm start): it applies them at start. If an older version is still running on it, stop that first.',
        },
      ];
    }
    if (error instanceof DatabaseNewerError) {
      return [
        running,
        {
          status: 'fail',
          text: error.message,
          fix: 'Run the newer version again, or restore the backup taken before the upgrade (docs/operations.md, "Upgrade and roll back").',
        },
      ];
    }
    if (error instanceof Database.SqliteError) {
      return [
        running,
        {
          status: 'fail',
          text: `${path} cannot be read as a database: ${error.message} (${error.code}).`,
          fix: 'Check that DATABASE_PATH names the app database; restore it from a backup if it is damaged (docs/operations.md).',
        },
      ];
    }
    throw error;
  }
  return [
    running,
    { status: 'pass', text: `${path}: writable, and every migration of this version applied.` },
  ];
}

export const databaseCheck: Check = { title: 'Database', needs: ['settings'], run: checkDatabase };
