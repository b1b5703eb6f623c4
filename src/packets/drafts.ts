import type { RequestContext } from '../core/requestContext.js';
import type { Executor } from '../db/client.js';
import { findBySourceView } from '../db/repositories/handoffs.js';
import { findDraft } from '../db/repositories/packets.js';
import type { DraftRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import { reviewSchema } from './reviewSchema.js';
import type { Review } from './types.js';

/** The author's review draft: the one they may send, and the one they may still change before Send. */

/** The draft of this author, an internal member (undefined: not theirs, or no such draft; Send refuses it). */
export async function authorsDraft(
  db: Executor,
  req: RequestContext & { draftId: number },
): Promise<DraftRow | undefined> {
  const draft = Number.isSafeInteger(req.draftId) ? await findDraft(db, req.draftId) : undefined;
  if (!draft || draft.authorUserId !== req.actor.userId || !isInternalActor(req.actor, req.internalTeamIds))
    return undefined;
  return draft;
}

/**
 * The review draft its author may still change before Send: theirs, an internal member's, and not sent yet.
 * Anything else is undefined: the change is refused as Send would refuse it.
 */
export async function draftBeforeSend(
  db: Executor,
  req: RequestContext & { draftId: number },
): Promise<DraftRow | undefined> {
  const draft = await authorsDraft(db, req);
  if (!draft || (await findBySourceView(db, draft.sourceViewId))) return undefined;
  return draft;
}

/**
 * The review a draft keeps (stored as JSON by `submitPacket`), read through its schema. Undefined: the stored JSON
 * does not read as a review (corrupted, or kept by a version with other fields); it is treated as no draft.
 */
export function reviewOfDraft(draft: DraftRow): Review | undefined {
  const parsed = reviewSchema.safeParse(draft.content);
  return parsed.success ? parsed.data : undefined;
}
