import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { changed, first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { OutcomeReportRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * An owner's or author's report of an outcome (outcomes/outcomeReport.ts): stored while it waits for the AE, who
 * confirms it (then it is the AE's outcome step) or says it is not right. One waits per handoff: a newer report
 * replaces an older one still waiting.
 */

export type { OutcomeReportRow };

export interface NewReport {
  handoffId: number;
  outcome: OutcomeReportRow['outcome'];
  crmOpportunity: string | null;
  reasonCode: string | null;
  note: string | null;
  reportedByUserId: string;
  at: Date;
}

/** Stores a report, replacing any report of the handoff still waiting; returns it. Call inside the transaction. */
export async function insertReport(exec: Tx, input: NewReport): Promise<OutcomeReportRow> {
  const { outcomeReports } = tablesOf(exec);
  await exec
    .update(outcomeReports)
    .set({ status: 'replaced', answeredAt: input.at })
    .where(
      and(
        own(exec, outcomeReports),
        eq(outcomeReports.handoffId, input.handoffId),
        eq(outcomeReports.status, 'pending'),
      ),
    );
  const [row] = await exec
    .insert(outcomeReports)
    .values(
      ownRow(exec, {
        handoffId: input.handoffId,
        outcome: input.outcome,
        crmOpportunity: input.crmOpportunity,
        reasonCode: input.reasonCode,
        note: input.note,
        reportedByUserId: input.reportedByUserId,
        reportedAt: input.at,
        status: 'pending' as const,
      }),
    )
    .returning();
  if (!row) throw new Error(`the report on handoff ${input.handoffId} returned nothing`);
  return row;
}

export async function findReport(exec: Executor, id: number): Promise<OutcomeReportRow | undefined> {
  const { outcomeReports } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(outcomeReports)
      .where(and(own(exec, outcomeReports), eq(outcomeReports.id, id))),
  );
}

/** The report still waiting for the AE on each of these handoffs (the App Home's deals). */
export async function pendingReportsOf(
  exec: Executor,
  handoffIds: readonly number[],
): Promise<Map<number, OutcomeReportRow>> {
  if (handoffIds.length === 0) return new Map();
  const { outcomeReports } = tablesOf(exec);
  const rows = await exec
    .select()
    .from(outcomeReports)
    .where(
      and(
        own(exec, outcomeReports),
        inArray(outcomeReports.handoffId, [...handoffIds]),
        eq(outcomeReports.status, 'pending'),
      ),
    )
    .orderBy(desc(outcomeReports.id));
  const byHandoff = new Map<number, OutcomeReportRow>();
  for (const row of rows) if (!byHandoff.has(row.handoffId)) byHandoff.set(row.handoffId, row);
  return byHandoff;
}

/** Answers a waiting report (confirmed, declined); false when it no longer waited (answered, replaced). */
export async function answerReport(
  exec: Tx,
  id: number,
  answer: { status: 'confirmed' | 'declined'; byUserId: string; at: Date },
): Promise<boolean> {
  const { outcomeReports } = tablesOf(exec);
  const result = await exec
    .update(outcomeReports)
    .set({ status: answer.status, answeredByUserId: answer.byUserId, answeredAt: answer.at })
    .where(and(own(exec, outcomeReports), eq(outcomeReports.id, id), eq(outcomeReports.status, 'pending')));
  return changed(result) > 0;
}
