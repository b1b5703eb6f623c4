import { and, eq } from 'drizzle-orm';
import type { Actor } from '../../domain/actor.js';
import type { DeclineReason } from '../../domain/decline.js';
import type { Decision } from '../../domain/lifecycle.js';
import type { Executor } from '../client.js';
import { type DecisionRow, decisions, type HandoffRow, handoffs, type NewHandoffRow } from '../schema.js';

export type { DecisionRow, HandoffRow };

/** Inserts a handoff unless one already came from the same modal view; returns the stored row and whether it is new. */
export function insertHandoff(exec: Executor, row: NewHandoffRow): { handoff: HandoffRow; created: boolean } {
  const inserted = exec.insert(handoffs).values(row).onConflictDoNothing().returning().get();
  if (inserted) return { handoff: inserted, created: true };
  const existing = exec.select().from(handoffs).where(eq(handoffs.sourceViewId, row.sourceViewId)).get();
  if (!existing) throw new Error(`handoff insert for view ${row.sourceViewId} neither inserted nor found`);
  return { handoff: existing, created: false };
}

export function findHandoff(exec: Executor, id: number): HandoffRow | undefined {
  return exec.select().from(handoffs).where(eq(handoffs.id, id)).get();
}

export function findDecision(exec: Executor, handoffId: number): DecisionRow | undefined {
  return exec.select().from(decisions).where(eq(decisions.handoffId, handoffId)).get();
}

export interface DecisionInput {
  handoffId: number;
  decision: Decision;
  reasonCode: DeclineReason | null;
  note: string | null;
  actor: Actor & { teamId: string };
  at: Date;
}

/**
 * Records the AE's decision if the handoff is still waiting for one. The status check and the write are one
 * statement, so of two concurrent clicks exactly one wins. Returns the updated handoff, or undefined if it lost.
 */
export function recordDecision(exec: Executor, input: DecisionInput): HandoffRow | undefined {
  const updated = exec
    .update(handoffs)
    .set({ status: input.decision, decidedAt: input.at, updatedAt: input.at })
    .where(and(eq(handoffs.id, input.handoffId), eq(handoffs.status, 'sent')))
    .returning()
    .get();
  if (!updated) return undefined;
  exec
    .insert(decisions)
    .values({
      handoffId: input.handoffId,
      decision: input.decision,
      reasonCode: input.reasonCode,
      note: input.note,
      decidedByUserId: input.actor.userId,
      decidedByTeamId: input.actor.teamId,
      decidedAt: input.at,
    })
    .run();
  return updated;
}
