import { and, eq } from 'drizzle-orm';
import type { ComponentResult } from '../../domain/scoring.js';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { DraftRow, drafts, HandoffScorecardRow } from '../schema.js';

/**
 * The queries of the packet feature (`src/packets/`): review drafts, the reviewed scorecard, and what an edit must not
 * undo.
 */

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Stores (or replaces, after an edit) the draft of one packet modal. */
export async function saveDraft(exec: Tx, row: typeof drafts.$inferInsert): Promise<DraftRow> {
  const { drafts } = tablesOf(exec);
  const [saved] = await exec
    .insert(drafts)
    .values(ownRow(exec, row))
    .onConflictDoUpdate({
      target: [drafts.installationId, drafts.sourceViewId],
      set: { content: row.content, updatedAt: row.updatedAt },
    })
    .returning();
  if (!saved) throw new Error(`draft for view ${row.sourceViewId} not saved`);
  return saved;
}

export async function findDraft(exec: Executor, id: number): Promise<DraftRow | undefined> {
  const { drafts } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(drafts)
      .where(and(own(exec, drafts), eq(drafts.id, id))),
  );
}

/** Whether RevOps corrected this handoff's classification (audited in classification_corrections). */
export async function hasClassificationCorrection(exec: Executor, handoffId: number): Promise<boolean> {
  const { classificationCorrections } = tablesOf(exec);
  return (
    (await first(
      exec
        .select({ id: classificationCorrections.id })
        .from(classificationCorrections)
        .where(and(own(exec, classificationCorrections), eq(classificationCorrections.handoffId, handoffId)))
        .limit(1),
    )) !== undefined
  );
}

/**
 * Stores the scorecard the author reviewed for a handoff, or replaces it (a saved edit scored the packet again): in
 * the transaction that sends or edits it.
 */
export async function saveScorecard(
  exec: Tx,
  card: { handoffId: number; components: ComponentResult[]; scoredAt: Date },
): Promise<void> {
  const { handoffScorecards } = tablesOf(exec);
  await exec
    .insert(handoffScorecards)
    .values(ownRow(exec, card))
    .onConflictDoUpdate({
      target: [handoffScorecards.installationId, handoffScorecards.handoffId],
      set: { components: card.components, scoredAt: card.scoredAt },
    });
}

/**
 * The scorecard stored for a handoff (undefined: none). A replica of a version before migration 0033, still running
 * during a rolling upgrade, writes it on the handoff's row at its send and its edit; this version
 * never does, and clears the row's copy at each edit (packets/edits.ts), so a card on the row is the newest:
 * read first, scored when the handoff was last edited or sent.
 */
export async function findScorecard(
  exec: Executor,
  handoffId: number,
): Promise<HandoffScorecardRow | undefined> {
  const { handoffs, handoffScorecards } = tablesOf(exec);
  const row = await first(
    exec
      .select({ scorecard: handoffs.scorecard, sentAt: handoffs.sentAt, editedAt: handoffs.editedAt })
      .from(handoffs)
      .where(and(own(exec, handoffs), eq(handoffs.id, handoffId))),
  );
  if (row?.scorecard) return { handoffId, components: row.scorecard, scoredAt: row.editedAt ?? row.sentAt };
  return first(
    exec
      .select()
      .from(handoffScorecards)
      .where(and(own(exec, handoffScorecards), eq(handoffScorecards.handoffId, handoffId))),
  );
}
