import { and, asc, desc, eq, ne, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { findOutcomes } from '../db/repositories/handoffs.js';
import { findPostedMessage, outboxStatusByRecordAs } from '../db/repositories/outbox.js';
import { decisions, type HandoffRow, handoffEvents, handoffs, surfaces } from '../db/schema.js';
import { partnerFacts } from '../domain/partnerView.js';
import { messageKey, type PartnerThread } from './notifications.js';

/**
 * The handoff's partner thread as the notifications read it: whether it exists (its parent queued, waiting or
 * delivered), and the history the partner's view is derived from (decisions, outcome steps, a withdrawal). A parent
 * Slack refused for good does not count, so the next event starts a fresh thread instead of replying under nothing.
 * Call inside the transaction, after the change's own rows were written.
 */
export function partnerThread(exec: Executor, h: HandoffRow): PartnerThread {
  return { started: partnerThreadStarted(exec, h), facts: partnerHistory(exec, h) };
}

/** Whether the partner thread's parent was posted, or is still queued to be. */
export function partnerThreadStarted(exec: Executor, h: Pick<HandoffRow, 'id'>): boolean {
  const key = messageKey.partnerParent(h);
  // Posted (remembered for good), or still queued: its outbox row is deleted after OUTBOX_RETENTION_DAYS.
  if (findPostedMessage(exec, key)) return true;
  const parent = outboxStatusByRecordAs(exec, key);
  return parent !== undefined && parent !== 'dead' && parent !== 'cancelled';
}

/** What happened to the handoff that its partner may come to know of, in order (domain/partnerView.ts). */
export function partnerHistory(exec: Executor, h: HandoffRow) {
  const decided = exec
    .select()
    .from(decisions)
    .where(eq(decisions.handoffId, h.id))
    .orderBy(asc(decisions.id))
    .all();
  return partnerFacts(h, decided, findOutcomes(exec, h.id));
}

/**
 * The names of the people who were this handoff's AE before and are not now: the partner's next move may still name
 * one of them (it was written for the first AE), and is then held back from the partner. A move records the name it
 * moved from with its messages (`move.fromName` in their params); for an AE it did not, the name stored with another
 * of their handoffs.
 */
export function formerAeNames(exec: Executor, h: HandoffRow): string[] {
  const recorded = exec
    .select({ name: sql<string | null>`json_extract(${surfaces.params}, '$.move.fromName')` })
    .from(surfaces)
    .where(and(eq(surfaces.handoffId, h.id), eq(surfaces.kind, 'ae_packet')))
    .all()
    .map((r) => r.name)
    .filter((name): name is string => typeof name === 'string' && name.trim() !== '');
  if (h.assignment === 1) return recorded;
  const former = exec
    .selectDistinct({ ae: handoffEvents.aeUserId })
    .from(handoffEvents)
    .where(and(eq(handoffEvents.handoffId, h.id), ne(handoffEvents.aeUserId, h.aeUserId)))
    .all()
    .map((r) => r.ae);
  const looked = former.flatMap((ae) => {
    const row = exec
      .select({ name: handoffs.aeName })
      .from(handoffs)
      .where(eq(handoffs.aeUserId, ae))
      .orderBy(desc(handoffs.id))
      .limit(1)
      .get();
    return row ? [row.name] : [];
  });
  return [...new Set([...recorded, ...looked])];
}
