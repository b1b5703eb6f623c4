import type { Executor } from '../db/client.js';
import { findDraft } from '../db/repositories/checks.js';
import { findBySourceView } from '../db/repositories/handoffs.js';
import type { DraftRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import type { RequestContext } from './handoffs.js';

/**
 * The review draft its author may still change before Send: theirs, an internal member's, and not sent yet.
 * Anything else is undefined: the change is refused as Send would refuse it.
 */
export function draftBeforeSend(
  db: Executor,
  req: RequestContext & { draftId: number },
): DraftRow | undefined {
  const draft = Number.isSafeInteger(req.draftId) ? findDraft(db, req.draftId) : undefined;
  if (
    !draft ||
    draft.authorUserId !== req.actor.userId ||
    !isInternalActor(req.actor, req.internalTeamIds) ||
    findBySourceView(db, draft.sourceViewId)
  )
    return undefined;
  return draft;
}
