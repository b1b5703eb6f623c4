import { and, asc, eq, inArray, isNotNull, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { AGEING_STATUSES } from '../../domain/lifecycleState.js';
import { PACKET_WORD_FIELDS } from '../../domain/packetFields.js';
import { detailFacts, detailWithoutWords, REMOVED_TEXT } from '../../domain/retention.js';
import type { Executor, Tx } from '../client.js';
import { changed, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Which of a handoff's two retention marks a pass sets. */
export type RetentionMark = 'text' | 'detail';

/**
 * Up to `limit` handoffs closed whose last change is before `before` and whose `mark` is not set yet, oldest first.
 * Their last change is `updated_at`: a retention pass keeps it as it was.
 */
export async function agedOutHandoffs(
  exec: Executor,
  mark: RetentionMark,
  before: Date,
  limit: number,
): Promise<number[]> {
  const { handoffs: h } = tablesOf(exec);
  const markColumn = mark === 'text' ? h.textRemovedAt : h.detailRemovedAt;
  const rows = await exec
    .select({ id: h.id })
    .from(h)
    .where(
      and(
        own(exec, h),
        isNull(markColumn),
        lt(h.updatedAt, before),
        // Its state ages (domain/lifecycleState.ts `agesOut`), or it was won or lost; its last change is what counts.
        or(inArray(h.status, [...AGEING_STATUSES]), inArray(h.outcome, ['won', 'lost'])),
      ),
    )
    .orderBy(asc(h.updatedAt))
    .limit(limit);
  return rows.map((row) => row.id);
}

/**
 * Removes these handoffs' packet text and partner contact details, and the words written about them (the AE's notes,
 * questions and answers, outcome notes, reviews' and corrections' reasons); marks them. The ids, statuses, dates,
 * scores, classifications, partner and account stay: what the metrics and the export count.
 */
export async function removePacketText(tx: Tx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  const t = tablesOf(tx);
  const h = t.handoffs;
  await tx
    .update(h)
    .set({
      // The packet's words, as its field registry says them (domain/packetFields.ts `words`).
      ...(Object.fromEntries(
        PACKET_WORD_FIELDS.map((f) => [f.name, f.words === 'removed' ? REMOVED_TEXT : null]),
      ) as Partial<typeof h.$inferInsert>),
      partnerNextMoveConfirmed: null,
      overrideReason: null,
      firstStep: null,
      sourceUrl: null,
      routingReason: null,
      // updated_at stays what it was: retention is not a change of the deal.
      textRemovedAt: at,
    })
    .where(and(own(tx, h), inArray(h.id, [...ids])));
  const { decisions, outcomes, outcomeReports, questions, attributionReviews, classificationCorrections } = t;
  await tx
    .update(decisions)
    .set({ note: null })
    .where(and(own(tx, decisions), inArray(decisions.handoffId, [...ids])));
  await tx
    .update(outcomes)
    .set({ note: null })
    .where(and(own(tx, outcomes), inArray(outcomes.handoffId, [...ids])));
  await tx
    .update(outcomeReports)
    .set({ note: null })
    .where(and(own(tx, outcomeReports), inArray(outcomeReports.handoffId, [...ids])));
  await tx
    .update(questions)
    .set({
      text: REMOVED_TEXT,
      answer: sql`case when ${questions.answer} is null then null else ${REMOVED_TEXT} end`,
    })
    .where(and(own(tx, questions), inArray(questions.handoffId, [...ids])));
  await tx
    .update(attributionReviews)
    .set({ note: null })
    .where(and(own(tx, attributionReviews), inArray(attributionReviews.handoffId, [...ids])));
  await tx
    .update(classificationCorrections)
    .set({ reason: REMOVED_TEXT })
    .where(and(own(tx, classificationCorrections), inArray(classificationCorrections.handoffId, [...ids])));
  // The packet's words the touch log copied (the first step the AE named, an AE's status when away).
  await rewriteDetail(tx, ids, detailWithoutWords);
}

/** Each event's detail of these handoffs rewritten by `keep` (one statement for each that changes). */
async function rewriteDetail(
  tx: Tx,
  ids: readonly number[],
  keep: (detail: Record<string, unknown> | null) => Record<string, unknown> | null,
): Promise<void> {
  const { handoffEvents: e } = tablesOf(tx);
  const rows = await tx
    .select({ id: e.id, detail: e.detail })
    .from(e)
    .where(and(own(tx, e), inArray(e.handoffId, [...ids]), isNotNull(e.detail)));
  for (const row of rows) {
    const kept = keep(row.detail ?? null);
    if (JSON.stringify(kept) !== JSON.stringify(row.detail))
      await tx
        .update(e)
        .set({ detail: kept })
        .where(and(own(tx, e), eq(e.id, row.id)));
  }
}

/**
 * Rewrites the detail of these handoffs' touch log to its facts (domain/retention.ts `detailFacts`: codes, counts and
 * dates stay, people's ids and words go; the events themselves stay: who, what, when), and marks them.
 */
export async function removeTouchDetail(tx: Tx, ids: readonly number[], at: Date): Promise<void> {
  if (ids.length === 0) return;
  const { handoffs: h } = tablesOf(tx);
  await rewriteDetail(tx, ids, detailFacts);
  await tx
    .update(h)
    .set({ detailRemovedAt: at })
    .where(and(own(tx, h), inArray(h.id, [...ids])));
}

/**
 * Packets saved and never sent, last saved before `before`, deleted; and the asks of requests for a partner's help
 * made before it, removed. Returns how many rows changed.
 */
export async function removeOldDraftsAndAsks(tx: Tx, before: Date): Promise<number> {
  const { drafts, helpRequests } = tablesOf(tx);
  const gone = changed(await tx.delete(drafts).where(and(own(tx, drafts), lt(drafts.updatedAt, before))));
  const asks = changed(
    await tx
      .update(helpRequests)
      .set({ ask: REMOVED_TEXT })
      .where(
        and(own(tx, helpRequests), lt(helpRequests.createdAt, before), ne(helpRequests.ask, REMOVED_TEXT)),
      ),
  );
  return gone + asks;
}

/** A CSV export shared into someone's DM (core/slackFiles.ts), kept for RETAIN_EXPORTS_DAYS. */
export async function rememberExportFile(
  tx: Tx,
  file: { fileId: string; userId: string; at: Date },
): Promise<void> {
  const { exportFiles } = tablesOf(tx);
  await tx
    .insert(exportFiles)
    .values(ownRow(tx, { fileId: file.fileId, userId: file.userId, sharedAt: file.at }))
    .onConflictDoNothing();
}

/** Up to `limit` exports shared before `before`, oldest first. */
export async function agedOutExports(exec: Executor, before: Date, limit: number): Promise<string[]> {
  const { exportFiles } = tablesOf(exec);
  const rows = await exec
    .select({ fileId: exportFiles.fileId })
    .from(exportFiles)
    .where(and(own(exec, exportFiles), lt(exportFiles.sharedAt, before)))
    .orderBy(asc(exportFiles.sharedAt))
    .limit(limit);
  return rows.map((row) => row.fileId);
}

/** An export deleted from Slack (or found gone): forgotten. */
export async function forgetExportFile(tx: Tx, fileId: string): Promise<void> {
  const { exportFiles } = tablesOf(tx);
  await tx.delete(exportFiles).where(and(own(tx, exportFiles), eq(exportFiles.fileId, fileId)));
}
