import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, or, sql } from 'drizzle-orm';
import { OPEN_BEFORE_OUTCOMES, OPEN_STATUSES } from '../../domain/lifecycle.js';
import type { Executor } from '../client.js';
import { isPostgres, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import { preparedQuery } from '../prepared.js';
import type { DecisionRow, HandoffRow, OutcomeRow } from '../schema.js';
import type { AtRisk } from './handoffs.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Lists of handoffs for people to read (the App Home, /handoff list, the review's recent scores), by their indexes. */
/**
 * Handoffs a person owns that still need them (open, expired, taken back from the AE who had accepted it, or declined
 * since `declinedSince`: they may give it to another AE), newest first, for the App Home.
 */
export async function findOwnedNeedingAttention(
  exec: Executor,
  ownerUserId: string,
  limit: number,
  declinedSince: Date,
): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.ownerUserId, ownerUserId),
        or(
          // Taken back: it waits for its owner to reassign or withdraw it.
          inArray(handoffs.status, [...OPEN_BEFORE_OUTCOMES]),
          // A recent decline the owner may still give to another AE.
          and(eq(handoffs.status, 'declined'), gte(handoffs.decidedAt, declinedSince)),
        ),
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(limit);
}

/** Handoffs waiting for this AE's answer, soonest due first, for the App Home. */
export async function findAwaitingAe(exec: Executor, aeUserId: string, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.aeUserId, aeUserId), eq(handoffs.status, 'sent')))
    .orderBy(asc(handoffs.dueAt))
    .limit(limit);
}

/**
 * The scores of an author's most recent scored handoffs (sent before `before`, when given), newest first
 * (uses handoffs_author_user_id_idx).
 */
export async function lastScores(
  exec: Executor,
  authorUserId: string,
  limit = 3,
  before?: Date,
): Promise<number[]> {
  const { handoffs } = tablesOf(exec);
  const rows = await exec
    .select({ score: handoffs.score })
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.authorUserId, authorUserId),
        isNotNull(handoffs.score),
        before ? lt(handoffs.sentAt, before) : undefined,
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(limit);
  return rows.map((row) => row.score as number);
}

/** Deals in progress for a person, as AE or owner: accepted and not yet won or lost, for the App Home. */
export async function findDealsInProgress(
  exec: Executor,
  userId: string,
  limit: number,
): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.status, 'accepted'),
        or(isNull(handoffs.outcome), inArray(handoffs.outcome, ['meeting_held', 'opportunity_created'])),
        or(eq(handoffs.aeUserId, userId), eq(handoffs.ownerUserId, userId)),
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(limit);
}

export async function findOutcomes(exec: Executor, handoffId: number): Promise<OutcomeRow[]> {
  return outcomesOf(exec, { handoffId });
}

// Read at every decision and outcome (the partner thread's history): built once, not per Accept.
const { all: outcomesOf } = preparedQuery('handoff_lists_outcomes_of', (exec, { outcomes }) =>
  exec
    .select()
    .from(outcomes)
    .where(and(own(exec, outcomes), eq(outcomes.handoffId, sql.placeholder('handoffId'))))
    .orderBy(asc(outcomes.id)),
);

/** Every decision recorded on these handoffs (any assignment, unordered): the App Home's decline reasons. */
export async function findDecisionsOf(exec: Executor, handoffIds: readonly number[]): Promise<DecisionRow[]> {
  if (handoffIds.length === 0) return [];
  const { decisions } = tablesOf(exec);
  return exec
    .select()
    .from(decisions)
    .where(and(own(exec, decisions), inArray(decisions.handoffId, [...handoffIds])));
}

/**
 * What an author sent, up to `limit`, for their App Home: the open ones and the won ones first (a cut list keeps
 * them), then the others (lost, declined, withdrawn, expired), newest first within each.
 */
export async function findSentBy(exec: Executor, authorUserId: string, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  const kept = or(
    eq(handoffs.outcome, 'won'),
    and(
      inArray(handoffs.status, [...OPEN_STATUSES]),
      or(isNull(handoffs.outcome), inArray(handoffs.outcome, ['meeting_held', 'opportunity_created'])),
    ),
  );
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.authorUserId, authorUserId)))
    .orderBy(sql`case when ${kept} then 0 else 1 end`, desc(handoffs.id))
    .limit(limit);
}

/** The deals an AE won, newest first, up to `limit`: their Home keeps them. */
export async function findWonBy(exec: Executor, aeUserId: string, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.aeUserId, aeUserId), eq(handoffs.outcome, 'won')))
    .orderBy(desc(handoffs.id))
    .limit(limit);
}

/**
 * The handoffs the weekly digest calls at risk (each list at most `limit` long). `idleBefore` (YYYY-MM-DD): accepted
 * deals whose open first step is dated before it are candidates for "gone quiet" too (its date passed somewhere).
 */
export async function findAtRisk(
  exec: Executor,
  dueBefore: Date,
  limit: number,
  idleBefore?: string,
): Promise<AtRisk> {
  const { handoffs } = tablesOf(exec);
  const dueSoon = await exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'sent'), lt(handoffs.dueAt, dueBefore)))
    .orderBy(asc(handoffs.dueAt))
    .limit(limit);
  const unanswered = await exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'expired')))
    .orderBy(asc(handoffs.dueAt))
    .limit(limit);
  const stalled = await exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        // The few nudged deals come from the partial index handoffs_stalled_idx, in order; on SQLite, `+status` keeps
        // the planner from reading every accepted deal through the status indexes instead (Postgres has no such
        // unary plus on text, and plans by its statistics).
        isNotNull(handoffs.stallNudgedAt),
        isPostgres(exec) ? eq(handoffs.status, 'accepted') : sql`+${handoffs.status} = 'accepted'`,
        or(isNull(handoffs.outcome), inArray(handoffs.outcome, ['meeting_held', 'opportunity_created'])),
      ),
    )
    .orderBy(asc(handoffs.lastActivityAt))
    .limit(limit);
  const idle =
    idleBefore === undefined
      ? []
      : await exec
          .select()
          .from(handoffs)
          .where(
            and(
              own(exec, handoffs),
              eq(handoffs.status, 'accepted'),
              isNull(handoffs.outcome),
              isNull(handoffs.firstStepDoneAt),
              isNotNull(handoffs.firstStep),
              lt(handoffs.firstStepDue, idleBefore),
            ),
          )
          .orderBy(asc(handoffs.firstStepDue))
          .limit(limit);
  const nudged = new Set(stalled.map((h) => h.id));
  const quiet = [...stalled, ...idle.filter((h) => !nudged.has(h.id))]
    .sort((a, b) => activeAt(a) - activeAt(b))
    .slice(0, limit);
  return { dueSoon, unanswered, stalled: quiet };
}

/** When a deal last moved: its last activity, or its decision. */
const activeAt = (h: HandoffRow) => (h.lastActivityAt ?? h.decidedAt ?? h.sentAt).getTime();

/** Most account names read to spot text about another account: the newest ones (an installation has far fewer). */
const KNOWN_ACCOUNTS_MAX = 2000;

/**
 * The accounts of the installation's handoffs, each spelling once, newest first: what a packet's text may name when it
 * is about another account.
 */
export async function knownAccountNames(exec: Executor): Promise<string[]> {
  const { handoffs } = tablesOf(exec);
  const rows = await exec
    .select({ accountName: handoffs.accountName, newest: sql<number>`max(${handoffs.id})` })
    .from(handoffs)
    .where(own(exec, handoffs))
    .groupBy(handoffs.accountName)
    .orderBy(desc(sql`max(${handoffs.id})`))
    .limit(KNOWN_ACCOUNTS_MAX);
  return rows.map((r) => r.accountName);
}

/**
 * The author's latest handoff for a partner (its directory record, else the name's key): what a new packet for that
 * partner may offer as one-click suggestions. By the author's index, newest first.
 */
export async function lastPacketFor(
  exec: Executor,
  authorUserId: string,
  partner: { id: number | undefined; key: string },
): Promise<
  | Pick<
      HandoffRow,
      | 'id'
      | 'accountName'
      | 'partnerOrg'
      | 'partnerContactName'
      | 'partnerContactRole'
      | 'jointValue'
      | 'warmPath'
    >
  | undefined
> {
  const { handoffs } = tablesOf(exec);
  const [row] = await exec
    .select({
      id: handoffs.id,
      accountName: handoffs.accountName,
      partnerOrg: handoffs.partnerOrg,
      partnerContactName: handoffs.partnerContactName,
      partnerContactRole: handoffs.partnerContactRole,
      jointValue: handoffs.jointValue,
      warmPath: handoffs.warmPath,
    })
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.authorUserId, authorUserId),
        partner.id !== undefined ? eq(handoffs.partnerId, partner.id) : eq(handoffs.partnerKey, partner.key),
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(1);
  return row;
}
