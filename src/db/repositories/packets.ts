import { eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { classificationCorrections, type DraftRow, drafts } from '../schema.js';

/** The queries of the packet feature (`src/packets/`): review drafts, and what an edit must not undo. */

/** Stores (or replaces, after an edit) the draft of one packet modal. */
export async function saveDraft(exec: Tx, row: typeof drafts.$inferInsert): Promise<DraftRow> {
  const saved = exec
    .insert(drafts)
    .values(row)
    .onConflictDoUpdate({
      target: drafts.sourceViewId,
      set: { content: row.content, updatedAt: row.updatedAt },
    })
    .returning()
    .all()[0];
  if (!saved) throw new Error(`draft for view ${row.sourceViewId} not saved`);
  return saved;
}

export async function findDraft(exec: Executor, id: number): Promise<DraftRow | undefined> {
  return exec.select().from(drafts).where(eq(drafts.id, id)).get();
}

/** Whether RevOps corrected this handoff's classification (audited in classification_corrections). */
export async function hasClassificationCorrection(exec: Executor, handoffId: number): Promise<boolean> {
  return (
    exec
      .select({ id: classificationCorrections.id })
      .from(classificationCorrections)
      .where(eq(classificationCorrections.handoffId, handoffId))
      .get() !== undefined
  );
}
