/**
 * The bench's throwaway Postgres server (test/support/postgres.ts, durable: fsync and synchronous_commit on, as a
 * production server runs), the CPU time of all its processes, and what the bench reads from its database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../test/support/postgres.js';
import { HELD_FOR_HOURS_MS, type OutboxState } from './apps.js';

export type { PostgresServer };

export const startBenchPostgres = () => startPostgres({ durable: true, statements: true });

/** One statement's share of a run (pg_stat_statements), per Accept. */
export interface StatementWork {
  /** The normalized statement, its parameters `$n`, shortened. */
  query: string;
  callsPerAccept: number;
  /** Server time per call, ms (planning and execution). */
  meanMs: number;
  /** Its share of the server time of every statement of the run. */
  timeShare: number;
}

/** What the server did for a run, per Accept answered (issue 56 item 1). */
export interface ServerWork {
  /** Statements the app sent (BEGIN and COMMIT among them): one round trip each, as node-postgres sends them. */
  statements: number;
  /** Explicit transactions (BEGIN), and how many ended in ROLLBACK. */
  transactions: number;
  rollbacks: number;
  /** Server time of every statement, ms (planning and execution). */
  statementMs: number;
  /** Share of samples (every 100 ms) in which a connection of the app waited on a lock. */
  lockWaitShare: number;
  /** The statements that took the most server time, the heaviest first. */
  top: StatementWork[];
  /** The statements sent most often (the round trips), the most frequent first. */
  frequent: StatementWork[];
}

/**
 * Counts what the server does for a run on the app's database `database`: pg_stat_statements (loaded by
 * startBenchPostgres; its view made in the server's own `postgres` database, so the app's holds nothing of the
 * bench's), reset for the database when the run starts and read when it ends, and pg_stat_activity sampled for lock
 * waits. `deadlocks()`: pg_stat_database's count so far (a backend reports it when idle or at exit: read it once the
 * app stopped).
 */
export function serverWork(server: PostgresServer, database: string) {
  const pool = new pg.Pool({ connectionString: server.url, max: 2 });
  pool.on('error', () => {});
  let sampler: NodeJS.Timeout | undefined;
  const samples = { taken: 0, waiting: 0 };
  return {
    async start(): Promise<void> {
      await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
      await pool.query(
        'SELECT pg_stat_statements_reset(0, (SELECT oid FROM pg_database WHERE datname = $1), 0)',
        [database],
      );
      samples.taken = 0;
      samples.waiting = 0;
      sampler = setInterval(() => {
        pool
          .query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'",
            [database],
          )
          .then((r) => {
            samples.taken += 1;
            if (Number(r.rows[0]?.n ?? 0) > 0) samples.waiting += 1;
          })
          .catch(() => undefined);
      }, 100);
    },
    /** The run's work per Accept (`accepts` answered). */
    async stop(accepts: number): Promise<ServerWork> {
      clearInterval(sampler);
      const rows = (
        await pool.query<{ query: string; calls: string; ms: string }>(
          `SELECT query, calls, total_plan_time + total_exec_time AS ms FROM pg_stat_statements
           WHERE dbid = (SELECT oid FROM pg_database WHERE datname = $1) ORDER BY ms DESC`,
          [database],
        )
      ).rows;
      const per = (n: number) => n / Math.max(accepts, 1);
      const callsOf = (pattern: RegExp) =>
        rows.filter((r) => pattern.test(r.query.trim())).reduce((sum, r) => sum + Number(r.calls), 0);
      const statementMs = rows.reduce((sum, r) => sum + Number(r.ms), 0);
      const work = (r: (typeof rows)[number]): StatementWork => ({
        query: r.query.replace(/\s+/g, ' ').slice(0, 100),
        callsPerAccept: per(Number(r.calls)),
        meanMs: Number(r.ms) / Math.max(Number(r.calls), 1),
        timeShare: Number(r.ms) / Math.max(statementMs, 1e-9),
      });
      return {
        statements: per(rows.reduce((sum, r) => sum + Number(r.calls), 0)),
        transactions: per(callsOf(/^(begin|start transaction)\b/i)),
        rollbacks: per(callsOf(/^rollback\b/i)),
        statementMs: per(statementMs),
        lockWaitShare: samples.waiting / Math.max(samples.taken, 1),
        top: rows.slice(0, 6).map(work),
        frequent: [...rows]
          .sort((a, b) => Number(b.calls) - Number(a.calls))
          .slice(0, 8)
          .map(work),
      };
    },
    async deadlocks(): Promise<number> {
      const row = (
        await pool.query<{ deadlocks: string }>('SELECT deadlocks FROM pg_stat_database WHERE datname = $1', [
          database,
        ])
      ).rows[0];
      return Number(row?.deadlocks ?? 0);
    },
    close: () => pool.end(),
  };
}

/** USER_HZ, as in proc.ts. */
const CLOCK_TICKS_PER_SECOND = 100;

/** A process's fields after its command name (from field 3, the state), from /proc; undefined once it is gone. */
function statFields(pid: number | string): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** utime + stime + cutime + cstime: its own CPU time and that of its children it has waited for. */
const ticksWithChildren = (fields: string[]) =>
  Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);

/**
 * CPU time (user and system) all of the server's processes have used so far, in ms: the postmaster, its live
 * children (a backend per connection, the WAL writer, the checkpointer...) and those that exited (counted in the
 * postmaster's children's time once it reaps them), so the difference over a run is the server's work in it.
 */
export function serverCpuMs(server: PostgresServer): number {
  const postmaster = Number(readFileSync(join(server.dir, 'data', 'postmaster.pid'), 'utf8').split('\n')[0]);
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(entry);
    if (!fields) continue;
    // fields[1] is the parent's pid.
    if (Number(entry) === postmaster || Number(fields[1]) === postmaster) ticks += ticksWithChildren(fields);
  }
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

/** What the bench reads from the app's Postgres database: the outbox's state and the decisions. */
export function benchReader(url: string) {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  pool.on('error', () => {});
  const one = async <T>(sql: string, params: unknown[] = []): Promise<T> =>
    (await pool.query(sql, params)).rows[0] as T;
  return {
    async outbox(): Promise<OutboxState> {
      const row = await one<Record<keyof OutboxState, string>>(
        `SELECT count(*) AS total,
           count(*) FILTER (WHERE status = 'pending' AND NOT (channel_key LIKE 'reach:%' AND next_attempt_at > $1)) AS pending,
           count(*) FILTER (WHERE status = 'pending' AND channel_key LIKE 'reach:%' AND next_attempt_at > $1) AS "heldForHours",
           count(*) FILTER (WHERE status = 'dead') AS dead, count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status = 'delivered' AND method = 'chat.postMessage') AS "postsDelivered",
           count(*) FILTER (WHERE status = 'delivered' AND method = 'chat.update') AS "updatesDelivered"
         FROM outbox`,
        [new Date(Date.now() + HELD_FOR_HOURS_MS)],
      );
      return Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, Number(v)]),
      ) as unknown as OutboxState;
    },
    /** Accepted handoffs with ids in [from, to), and how many of them have more than one decision. */
    async decisions([from, to]: [number, number]): Promise<{ accepted: number; decidedTwice: number }> {
      const row = await one<{ accepted: string; twice: string }>(
        `SELECT count(*) FILTER (WHERE accepted > 0) AS accepted, count(*) FILTER (WHERE n > 1) AS twice
         FROM (SELECT handoff_id, count(*) AS n, count(*) FILTER (WHERE decision = 'accepted') AS accepted
               FROM decisions WHERE handoff_id >= $1 AND handoff_id < $2 GROUP BY handoff_id) d`,
        [from, to],
      );
      return { accepted: Number(row.accepted), decidedTwice: Number(row.twice) };
    },
    /**
     * The replies the app posted to a clicker's response_url, by text and status: a refused Accept is answered (the
     * ack) and then told why, so it is not lost, and its text says what refused it.
     */
    async replies(): Promise<{ text: string; status: string; n: number }[]> {
      const found = await pool.query<{ text: string; status: string; n: string }>(
        `SELECT payload->>'text' AS text, status, count(*) AS n FROM outbox WHERE method = 'response_url'
         GROUP BY 1, 2 ORDER BY 3 DESC`,
      );
      return found.rows.map((r) => ({ ...r, n: Number(r.n) }));
    },
    /** The server's version and the settings that make its commits durable, for the results. */
    async settings(): Promise<Record<string, string>> {
      const names = ['server_version', 'fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers'];
      const found = await pool.query<{ name: string; setting: string }>(
        'SELECT name, current_setting(name) AS setting FROM unnest($1::text[]) AS name',
        [names],
      );
      return Object.fromEntries(found.rows.map((r) => [r.name, r.setting]));
    },
    /**
     * Statistics and visibility maps for the moved tables, as autovacuum would have made them by the time a moved
     * database serves traffic; without it autovacuum does it during the first runs, on the server's CPU.
     */
    async vacuumAnalyze(): Promise<void> {
      await pool.query('VACUUM ANALYZE');
    },
    close: () => pool.end(),
  };
}
