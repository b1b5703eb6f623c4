/**
 * The bench's throwaway Postgres server (test/support/postgres.ts, durable: fsync and synchronous_commit on, as a
 * production server runs), the CPU time of all its processes, and what the bench reads from its database.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { type PostgresServer, startPostgres } from '../../test/support/postgres.js';
import type { OutboxState } from './apps.js';

export type { PostgresServer };

export const startBenchPostgres = () => startPostgres({ durable: true });

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
        `SELECT count(*) AS total, count(*) FILTER (WHERE status = 'pending') AS pending,
           count(*) FILTER (WHERE status = 'dead') AS dead, count(*) FILTER (WHERE status = 'delivered') AS delivered,
           count(*) FILTER (WHERE status = 'delivered' AND method = 'chat.postMessage') AS "postsDelivered",
           count(*) FILTER (WHERE status = 'delivered' AND method = 'chat.update') AS "updatesDelivered"
         FROM outbox`,
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
