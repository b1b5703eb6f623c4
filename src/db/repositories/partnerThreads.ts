import {
  and,
  asc,
  desc,
  eq,
  gt,
  inArray,
  isNotNull,
  isNull,
  lt,
  max,
  ne,
  notInArray,
  or,
  sql,
} from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, isPostgres, jsonField, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { DecisionRow, HandoffRow, OutboxRow, OutcomeRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * What the partner thread and the partner text held back from it read and write (src/partners/): the decisions the
 * partner's view is derived from, the names of former AEs, the author's answer about a held-back next move, and the
 * deals whose partner text a passing date may have changed.
 */

/**
 * What the partner thread is derived from, in one statement (it was four round trips on every decision and
 * outcome): whether its parent was posted (`posted_messages`, kept for good), the status of the newest outbox row
 * that posts it (its rows are pruned after OUTBOX_RETENTION_DAYS), the handoff's decisions and its outcome steps,
 * each oldest first. The fields the partner's view reads (domain/partnerView.ts `partnerFacts`), not whole rows.
 */
export interface PartnerThreadRecord {
  posted: boolean;
  parentStatus: OutboxRow['status'] | undefined;
  decisions: {
    id: number;
    assignment: number;
    decision: DecisionRow['decision'];
    reasonCode: string | null;
  }[];
  outcomes: { id: number; outcome: OutcomeRow['outcome']; reasonCode: string | null; recordedAt: Date }[];
}

export async function partnerThreadRecord(
  exec: Executor,
  handoffId: number,
  parentKey: string,
): Promise<PartnerThreadRecord> {
  const record: PartnerThreadRecord = { posted: false, parentStatus: undefined, decisions: [], outcomes: [] };
  const rows = [...(await partnerThreadRows(exec, { handoffId, parentKey }))].sort((a, b) => a.id - b.id);
  for (const row of rows) {
    if (row.kind === 'posted') record.posted = true;
    else if (row.kind === 'parent') record.parentStatus = row.what as OutboxRow['status'];
    else if (row.kind === 'decision')
      record.decisions.push({
        id: row.id,
        assignment: row.assignment ?? 1,
        decision: row.what as DecisionRow['decision'],
        reasonCode: row.reasonCode,
      });
    else if (row.kind === 'outcome' && row.at !== null)
      record.outcomes.push({
        id: row.id,
        outcome: row.what as OutcomeRow['outcome'],
        reasonCode: row.reasonCode,
        recordedAt: row.at,
      });
  }
  return record;
}

// One arm per source, each its own index's lookup (test/unit/db/decisionReadPlans.test.ts, test/postgres/plans.test.ts);
// the shape is the decisions arm's (its timestamp decodes `at` for every arm). An arm of a compound select cannot
// have its own `order by` on SQLite, so the rows are sorted above, and the outbox's newest row recorded under the key
// is its greatest id (as a plain `record_as = ?` arm, SQLite read the installation's whole outbox by another index).
const { all: partnerThreadRows } = preparedQuery(
  'partner_thread_record',
  (exec, { decisions, outcomes, postedMessages, outbox }) => {
    const handoffId = sql.placeholder('handoffId');
    const parentKey = sql.placeholder('parentKey');
    const none = sql<null>`null`;
    return exec
      .select({
        kind: sql<string>`'decision'`,
        id: decisions.id,
        assignment: sql<number | null>`${decisions.assignment}`,
        what: sql<string>`${decisions.decision}`,
        reasonCode: sql<string | null>`${decisions.reasonCode}`,
        at: sql`${decisions.decidedAt}`.mapWith(
          // Never given a null: drizzle decodes only a value.
          (value: unknown): Date | null => decisions.decidedAt.mapFromDriverValue(value as never) as Date,
        ),
      })
      .from(decisions)
      .where(and(own(exec, decisions), eq(decisions.handoffId, handoffId)))
      .unionAll(
        exec
          .select({
            kind: sql<string>`'outcome'`,
            id: outcomes.id,
            assignment: none,
            what: sql<string>`${outcomes.outcome}`,
            reasonCode: outcomes.reasonCode,
            at: sql<Date | null>`${outcomes.recordedAt}`,
          })
          .from(outcomes)
          .where(and(own(exec, outcomes), eq(outcomes.handoffId, handoffId))),
      )
      .unionAll(
        exec
          .select({
            kind: sql<string>`'posted'`,
            id: sql<number>`0`,
            assignment: none,
            what: sql<string>`'posted'`,
            reasonCode: none,
            at: none,
          })
          .from(postedMessages)
          .where(and(own(exec, postedMessages), eq(postedMessages.messageKey, parentKey))),
      )
      .unionAll(
        exec
          .select({
            kind: sql<string>`'parent'`,
            id: outbox.id,
            assignment: none,
            what: sql<string>`${outbox.status}`,
            reasonCode: none,
            at: none,
          })
          .from(outbox)
          .where(
            and(
              own(exec, outbox),
              inArray(
                outbox.id,
                exec
                  .select({ id: max(outbox.id) })
                  .from(outbox)
                  .where(and(own(exec, outbox), eq(outbox.recordAs, parentKey))),
              ),
            ),
          ),
      );
  },
);

/** The names a move recorded with the AE's packet it moved from (`move.fromName` in the surface's params). */
export async function movedFromNames(exec: Executor, handoffId: number): Promise<(string | null)[]> {
  const { surfaces } = tablesOf(exec);
  // A nested field: SQLite's json_extract path, Postgres's `->` then `->>` (text, as json_extract gives a string).
  const fromName = isPostgres(exec)
    ? sql<string | null>`(${surfaces.params}->'move'->>'fromName')`
    : sql<string | null>`json_extract(${surfaces.params}, '$.move.fromName')`;
  const rows = await exec
    .select({ name: fromName })
    .from(surfaces)
    .where(and(own(exec, surfaces), eq(surfaces.handoffId, handoffId), eq(surfaces.kind, 'ae_packet')));
  return rows.map((r) => r.name);
}

/** Everyone the touch log names as this handoff's AE at some event, other than `currentAe`, each once. */
export async function formerAeIds(exec: Executor, handoffId: number, currentAe: string): Promise<string[]> {
  const { handoffEvents } = tablesOf(exec);
  const rows = await exec
    .selectDistinct({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        eq(handoffEvents.handoffId, handoffId),
        ne(handoffEvents.aeUserId, currentAe),
      ),
    );
  return rows.map((r) => r.ae);
}

/** The AE's name as stored with their newest handoff. */
export async function latestAeName(exec: Executor, aeUserId: string): Promise<string | undefined> {
  const { handoffs } = tablesOf(exec);
  return (
    await first(
      exec
        .select({ name: handoffs.aeName })
        .from(handoffs)
        .where(and(own(exec, handoffs), eq(handoffs.aeUserId, aeUserId)))
        .orderBy(desc(handoffs.id))
        .limit(1),
    )
  )?.name;
}

/** The last answer about the handoff's held-back next move (the touch log's `edited` with `heldBack`), if any. */
async function lastHeldBackAnswer(
  exec: Executor,
  handoffId: number,
): Promise<{ actor: string | null; at: Date } | undefined> {
  const { handoffEvents } = tablesOf(exec);
  return await first(
    exec
      .select({ actor: handoffEvents.actorUserId, at: handoffEvents.at })
      .from(handoffEvents)
      .where(
        and(
          own(exec, handoffEvents),
          eq(handoffEvents.handoffId, handoffId),
          eq(handoffEvents.type, 'edited'),
          isNotNull(jsonField(exec, handoffEvents.detail, 'heldBack')),
        ),
      )
      .orderBy(desc(handoffEvents.id))
      .limit(1),
  );
}

/** Who last answered about the handoff's held-back next move (an edit recorded with `heldBack`), if anyone did. */
export async function heldBackAnsweredBy(exec: Executor, handoffId: number): Promise<string | undefined> {
  return (await lastHeldBackAnswer(exec, handoffId))?.actor ?? undefined;
}

/** When the author last confirmed or rewrote the held-back next move (the touch log's `edited` with `heldBack`). */
export async function heldBackAnsweredAt(exec: Executor, handoffId: number): Promise<Date | undefined> {
  return (await lastHeldBackAnswer(exec, handoffId))?.at ?? undefined;
}

/** Saves the partner's next move as its author confirmed or wrote it; the handoff as saved. */
export async function savePartnerNextMove(
  exec: Tx,
  handoffId: number,
  next: { move: string; date: string | null },
  now: Date,
): Promise<HandoffRow | undefined> {
  const { handoffs } = tablesOf(exec);
  const rows = await exec
    .update(handoffs)
    .set({
      partnerNextMove: next.move,
      partnerNextMoveDate: next.date,
      // The author's word: confirmed as still true, or just written, the partner may read it.
      partnerNextMoveConfirmed: next.move,
      updatedAt: now,
    })
    .where(and(own(exec, handoffs), eq(handoffs.id, handoffId)))
    .returning();
  return rows[0];
}

/**
 * Accepted deals not closed, with a partner channel, after `afterId`, by id, whose partner next move's date is
 * before `latestToday` or that moved before they were accepted: their partner text may have changed with time alone.
 */
export async function findPartnerTextToRecheck(
  exec: Executor,
  latestToday: string,
  afterId: number,
  limit: number,
): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        // The next move shows only while the deal is accepted and not closed (a step keeps a move reaching past it),
        // or taken back since: the partner still reads "Accepted" until the next AE accepts.
        or(
          eq(handoffs.status, 'accepted'),
          and(isNotNull(handoffs.takenBackAt), ne(handoffs.status, 'withdrawn')),
        ),
        or(isNull(handoffs.outcome), notInArray(handoffs.outcome, ['won', 'lost'])),
        isNotNull(handoffs.partnerChannelId),
        // Its date has passed somewhere, or it moved before it was accepted (the move may name a former AE), or our
        // AE's first step still shown has a date passed somewhere (held back from the parent then).
        or(
          and(isNotNull(handoffs.partnerNextMoveDate), lt(handoffs.partnerNextMoveDate, latestToday)),
          gt(handoffs.assignment, 1),
          and(
            isNotNull(handoffs.firstStepDue),
            isNull(handoffs.outcome),
            lt(handoffs.firstStepDue, latestToday),
          ),
        ),
        gt(handoffs.id, afterId),
      ),
    )
    .orderBy(asc(handoffs.id))
    .limit(limit);
}
