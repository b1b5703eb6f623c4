import { and, count, desc, eq, inArray, isNull, max, or, sql } from 'drizzle-orm';
import { OPEN_STATUSES as OPEN } from '../../domain/lifecycleState.js';
import type { Executor, Tx } from '../client.js';
import { first, isPostgres, type PgExecute, tablesOf } from '../engine.js';
import { type AnyInstallation, own, ownRow } from '../owned.js';
import type { ProgramLogRow } from '../schema.js';

export type { ProgramLogRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * Where the program is: its newest entry's id and how many entries it has (`newest` 0: never written). A process
 * rereads the program when either moves. The count is needed on Postgres, where ids are taken at insert and
 * transactions commit in any order: an entry that commits after a newer one leaves the newest id as it was.
 */
export async function programRevision(exec: Executor): Promise<{ newest: number; entries: number }> {
  const { programLog } = tablesOf(exec);
  const row = await first(
    exec
      .select({ id: max(programLog.id), entries: count() })
      .from(programLog)
      .where(own(exec, programLog)),
  );
  return { newest: Number(row?.id ?? 0), entries: Number(row?.entries ?? 0) };
}

/**
 * Every installation's `programRevision` in one query, as `newest:entries` by installation: what a process
 * serving many installations asks every few seconds instead of each installation asking for its own
 * (compose/sharedLooks.ts). An installation that never wrote its program has no entry (its revision is `0:0`).
 */
export async function programRevisions(exec: AnyInstallation): Promise<Map<number, string>> {
  const { programLog } = tablesOf(exec);
  const rows = await exec
    .select({ installationId: programLog.installationId, id: max(programLog.id), entries: count() })
    .from(programLog)
    .groupBy(programLog.installationId);
  return new Map(rows.map((row) => [row.installationId, `${Number(row.id ?? 0)}:${Number(row.entries)}`]));
}

/**
 * Takes the program's edit lock until the transaction ends, so that an edit is checked against the program as it is
 * when it is written (two replicas editing at once take turns). On Postgres a transaction-scoped advisory lock; on
 * SQLite nothing: its transactions already take turns (db/store.ts).
 */
export async function lockProgram(exec: Tx): Promise<void> {
  if (!isPostgres(exec)) return;
  await (exec as unknown as PgExecute).execute(sql`select pg_advisory_xact_lock(${PROGRAM_LOCK})`);
}

/** The advisory lock key of the program's edits (any fixed number no other code of the app takes). */
const PROGRAM_LOCK = 5_302_053;

/** The current value of every part: the newest entry of each kind and key (removed parts come back with a null body). */
export async function currentProgram(exec: Executor): Promise<ProgramLogRow[]> {
  const { programLog } = tablesOf(exec);
  const newest = exec
    .select({ id: max(programLog.id) })
    .from(programLog)
    .where(own(exec, programLog))
    .groupBy(programLog.kind, programLog.key);
  return exec
    .select()
    .from(programLog)
    .where(and(own(exec, programLog), inArray(programLog.id, newest)))
    .orderBy(programLog.id);
}

/** One part's history, newest first. */
export async function programHistory(
  exec: Executor,
  kind: string,
  key: string,
  limit = 20,
): Promise<ProgramLogRow[]> {
  const { programLog } = tablesOf(exec);
  return exec
    .select()
    .from(programLog)
    .where(and(own(exec, programLog), eq(programLog.kind, kind), eq(programLog.key, key)))
    .orderBy(desc(programLog.id))
    .limit(limit);
}

/** The newest edits of the whole program, newest first (the Admin tab's history). */
export async function recentProgramEdits(exec: Executor, limit = 20): Promise<ProgramLogRow[]> {
  const { programLog } = tablesOf(exec);
  return exec
    .select()
    .from(programLog)
    .where(own(exec, programLog))
    .orderBy(desc(programLog.id))
    .limit(limit);
}

/** Every version of a kind's parts, oldest first (the policies' versions, which handoffs stay pinned to). */
export async function programVersions(exec: Executor, kind: string): Promise<ProgramLogRow[]> {
  const { programLog } = tablesOf(exec);
  return exec
    .select()
    .from(programLog)
    .where(and(own(exec, programLog), eq(programLog.kind, kind)))
    .orderBy(programLog.id);
}

/** Appends an edit; its id is the part's new version. */
export async function appendProgramEntry(exec: Tx, row: Omit<ProgramLogRow, 'id'>): Promise<number> {
  const { programLog } = tablesOf(exec);
  const [inserted] = await exec.insert(programLog).values(ownRow(exec, row)).returning({ id: programLog.id });
  if (!inserted) throw new Error('program_log insert returned no id');
  return inserted.id;
}

/**
 * The handoffs under a policy: the program's `default` policy is stored with a handoff as no policy (null), as the
 * built-in default is.
 */
function underPolicy(exec: Executor, policy: string) {
  const { handoffs } = tablesOf(exec);
  return policy === 'default'
    ? or(isNull(handoffs.escalationPolicy), eq(handoffs.escalationPolicy, policy))
    : eq(handoffs.escalationPolicy, policy);
}

/**
 * Pins the open handoffs of a policy to one of its versions ("apply to open handoffs"); returns the ones that moved.
 */
export async function repinOpenHandoffs(
  exec: Tx,
  policy: string,
  version: number,
  openStatuses: readonly string[],
): Promise<number[]> {
  const { handoffs } = tablesOf(exec);
  const rows = await exec
    .update(handoffs)
    .set({ policyVersion: version })
    .where(
      and(
        own(exec, handoffs),
        underPolicy(exec, policy),
        inArray(handoffs.status, [...openStatuses] as never[]),
        sql`coalesce(${handoffs.policyVersion}, 0) <> ${version}`,
      ),
    )
    .returning({ id: handoffs.id });
  return rows.map((r) => r.id);
}

/** How many open handoffs run under a policy ("Apply to the N open handoffs"). */
export async function openUnderPolicy(exec: Executor, policy: string): Promise<number> {
  const { handoffs } = tablesOf(exec);
  const row = await first(
    exec
      .select({ n: sql<number>`count(*)` })
      .from(handoffs)
      .where(
        and(own(exec, handoffs), underPolicy(exec, policy), inArray(handoffs.status, [...OPEN] as never[])),
      ),
  );
  return Number(row?.n ?? 0);
}
