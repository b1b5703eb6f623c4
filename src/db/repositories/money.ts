import { and, eq, gte, inArray, isNotNull, isNull, lt, min, or } from 'drizzle-orm';
import type { CrmSystem } from '../../domain/crmFacts.js';
import type { Currencies } from '../../domain/money.js';
import type { Executor, Tx } from '../client.js';
import { tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { CrmMoneyRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** What the read-back stores of one record: its money and whether it closed. */
export interface MoneyRead {
  handoffId: number;
  system: CrmSystem;
  recordId: string;
  amount: number | null;
  currency: string | null;
  amountCorporate: number | null;
  stage: string | null;
  closed: boolean;
  won: boolean;
  closeDate: string | null;
  owner: string | null;
}

const FIELDS = [
  'recordId',
  'amount',
  'currency',
  'amountCorporate',
  'stage',
  'closed',
  'won',
  'closeDate',
  'owner',
] as const;
const CHUNK = 500;

const changed = (before: CrmMoneyRow | undefined, read: MoneyRead): boolean =>
  !before || FIELDS.some((key) => before[key] !== read[key]);

/**
 * Stores one poll's reads: a record that says something new is rewritten in `crm_money` and appended to its history;
 * the others only have their read time moved on (one statement per chunk). Returns how many changed.
 */
export async function recordMoney(tx: Tx, reads: readonly MoneyRead[], at: Date): Promise<number> {
  const { crmMoney, crmMoneyHistory } = tablesOf(tx);
  let changes = 0;
  for (let i = 0; i < reads.length; i += CHUNK) {
    const chunk = reads.slice(i, i + CHUNK);
    const ids = chunk.map((r) => r.handoffId);
    const before: Record<number, CrmMoneyRow> = Object.fromEntries(
      (
        await tx
          .select()
          .from(crmMoney)
          .where(and(own(tx, crmMoney), inArray(crmMoney.handoffId, ids)))
      ).map((r) => [r.handoffId, r]),
    );
    const fresh = chunk.filter((r) => changed(before[r.handoffId], r));
    const same = chunk.filter((r) => !fresh.includes(r)).map((r) => r.handoffId);
    for (const read of fresh) {
      const row = { ...read, readAt: at, changedAt: at };
      await tx
        .insert(crmMoney)
        .values(ownRow(tx, row))
        .onConflictDoUpdate({
          target: [crmMoney.installationId, crmMoney.handoffId],
          set: { ...read, readAt: at, changedAt: at },
        });
    }
    if (fresh.length > 0)
      await tx.insert(crmMoneyHistory).values(fresh.map((read) => ownRow(tx, { ...read, at })));
    if (same.length > 0)
      await tx
        .update(crmMoney)
        .set({ readAt: at })
        .where(and(own(tx, crmMoney), inArray(crmMoney.handoffId, same)));
    changes += fresh.length;
  }
  return changes;
}

/** Linked handoffs of this CRM whose money was never read (sent before issue 54, or not yet accepted). */
export async function findMoneyUnread(exec: Executor, system: CrmSystem, limit: number) {
  const { handoffs, crmMoney } = tablesOf(exec);
  return exec
    .select({ id: handoffs.id, crmRecordId: handoffs.crmRecordId })
    .from(handoffs)
    .leftJoin(crmMoney, and(eq(crmMoney.handoffId, handoffs.id), own(exec, crmMoney)))
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.crmSystem, system),
        isNotNull(handoffs.crmRecordId),
        isNull(crmMoney.handoffId),
      ),
    )
    .limit(limit);
}

/** A CRM's currencies as last read, and when. */
export async function saveCurrencies(tx: Tx, system: CrmSystem, c: Currencies, at: Date): Promise<void> {
  const { crmCurrencies } = tablesOf(tx);
  const row = { system, corporate: c.corporate, rates: [...c.rates], readAt: at };
  await tx
    .insert(crmCurrencies)
    .values(ownRow(tx, row))
    .onConflictDoUpdate({
      target: [crmCurrencies.installationId, crmCurrencies.system],
      set: { corporate: c.corporate, rates: row.rates, readAt: at },
    });
}

export async function readCurrencies(exec: Executor): Promise<Map<CrmSystem, Currencies & { readAt: Date }>> {
  const { crmCurrencies } = tablesOf(exec);
  const rows = await exec.select().from(crmCurrencies).where(own(exec, crmCurrencies));
  return new Map(rows.map((r) => [r.system, { corporate: r.corporate, rates: r.rates, readAt: r.readAt }]));
}

/**
 * The linked handoffs a period's figures can use, with their money: deals still open, and deals closed on or after
 * `fromDay` (YYYY-MM-DD). Older closed deals are left in the database, not read on every App Home.
 */
export async function moneyOfHandoffs(exec: Executor, fromDay: string) {
  const { handoffs, crmMoney, partners } = tablesOf(exec);
  return exec
    .select({
      handoffId: handoffs.id,
      partnerId: handoffs.partnerId,
      partnerName: partners.name,
      partnerOrg: handoffs.partnerOrg,
      classification: handoffs.classification,
      scoreBand: handoffs.scoreBand,
      status: handoffs.status,
      sentAt: handoffs.sentAt,
      money: crmMoney,
    })
    .from(crmMoney)
    .innerJoin(handoffs, and(eq(handoffs.id, crmMoney.handoffId), own(exec, handoffs)))
    .leftJoin(partners, and(eq(partners.id, handoffs.partnerId), own(exec, partners)))
    .where(and(own(exec, crmMoney), or(eq(crmMoney.closed, false), gte(crmMoney.closeDate, fromDay))));
}

/**
 * The accepted handoffs with no deal read from the CRM (none linked, or not read yet) that a period's estimates can
 * use: still open with the AE's estimate, or won or lost in Slack at or after `from` (when, from the outcomes).
 */
export async function estimatesOfHandoffs(exec: Executor, from: Date) {
  const { handoffs, crmMoney, partners, outcomes } = tablesOf(exec);
  return exec
    .select({
      handoffId: handoffs.id,
      partnerName: partners.name,
      partnerOrg: handoffs.partnerOrg,
      classification: handoffs.classification,
      scoreBand: handoffs.scoreBand,
      sentAt: handoffs.sentAt,
      estimate: handoffs.estimatedValue,
      outcome: handoffs.outcome,
      closedAt: outcomes.recordedAt,
    })
    .from(handoffs)
    .leftJoin(crmMoney, and(eq(crmMoney.handoffId, handoffs.id), own(exec, crmMoney)))
    .leftJoin(partners, and(eq(partners.id, handoffs.partnerId), own(exec, partners)))
    .leftJoin(
      outcomes,
      and(eq(outcomes.handoffId, handoffs.id), eq(outcomes.outcome, handoffs.outcome), own(exec, outcomes)),
    )
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.status, 'accepted'),
        isNull(crmMoney.handoffId),
        or(
          and(
            inArray(handoffs.outcome, ['meeting_held', 'opportunity_created']),
            isNotNull(handoffs.estimatedValue),
          ),
          and(isNull(handoffs.outcome), isNotNull(handoffs.estimatedValue)),
          and(inArray(handoffs.outcome, ['won', 'lost']), gte(outcomes.recordedAt, from)),
        ),
      ),
    );
}

/** A handoff's money history, oldest first (its record's changes as the polls saw them). */
export async function moneyHistory(exec: Executor, handoffId: number) {
  const { crmMoneyHistory } = tablesOf(exec);
  return exec
    .select()
    .from(crmMoneyHistory)
    .where(and(own(exec, crmMoneyHistory), eq(crmMoneyHistory.handoffId, handoffId)))
    .orderBy(crmMoneyHistory.id);
}

/**
 * For outcome steps (meeting held, opportunity created) first recorded in [from, to): each handoff's first accept and
 * that step's first time. Two queries, however many handoffs.
 */
export async function acceptToSteps(
  exec: Executor,
  from: Date,
  to: Date,
): Promise<{ handoffId: number; type: string; at: Date }[]> {
  const { handoffEvents } = tablesOf(exec);
  const steps = await exec
    .select({ handoffId: handoffEvents.handoffId, type: handoffEvents.type, at: min(handoffEvents.at) })
    .from(handoffEvents)
    .where(
      and(
        own(exec, handoffEvents),
        inArray(handoffEvents.type, ['accepted', 'meeting_held', 'opportunity_created']),
      ),
    )
    .groupBy(handoffEvents.handoffId, handoffEvents.type)
    .having(
      inArray(
        handoffEvents.handoffId,
        exec
          .select({ id: handoffEvents.handoffId })
          .from(handoffEvents)
          .where(
            and(
              own(exec, handoffEvents),
              inArray(handoffEvents.type, ['meeting_held', 'opportunity_created']),
              gte(handoffEvents.at, from),
              lt(handoffEvents.at, to),
            ),
          ),
      ),
    );
  return steps.flatMap((s) => (s.at ? [{ handoffId: s.handoffId, type: s.type, at: new Date(s.at) }] : []));
}
