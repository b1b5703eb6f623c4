import type { HandoffRow } from '../../../src/db/schema.js';
import { AE_ASKS } from '../../../src/domain/asks.js';
import { type Offer, OWNER_ACTIONS, offerFor, type Viewer } from '../../../src/domain/lifecycle.js';
import { OUTCOMES } from '../../../src/domain/outcomes.js';

/**
 * Readers of a handoff's messages as the lifecycle's policy (`can`) sees them, and the buttons it offers them: the
 * renderers show only what they are given, so tests pass what `offerFor` computes for a realistic reader.
 */

/** A member of our workspace (the AE by their own workspace): the AE, the owner, the author, an admin, … */
export function viewerOf(userId: string, h: HandoffRow, adminUserIds: readonly string[] = []): Viewer {
  return {
    actor: { userId, teamId: userId === h.aeUserId ? h.aeTeamId : h.teamId },
    internalTeamIds: [...new Set([h.teamId, h.aeTeamId])],
    adminUserIds,
  };
}

/** The handoff's AE, by user id and workspace. */
export const aeViewer = (h: HandoffRow): Viewer => ({
  actor: { userId: h.aeUserId, teamId: h.aeTeamId },
  internalTeamIds: [h.aeTeamId],
  adminUserIds: [],
});

/** What the AE is offered on their packet now (`at`: now; the window is open until its due time). */
export const aeOffer = (h: HandoffRow, at?: Date): Offer => offerFor(aeViewer(h), h, at);

/** What the owner is offered on their notices now. */
export const ownerOffer = (h: HandoffRow, at?: Date): Offer => offerFor(viewerOf(h.ownerUserId, h), h, at);

/** The worst case for Block Kit limits: every button at once (no real reader is offered all of them). */
export const EVERY_BUTTON: Offer = {
  decide: true,
  asks: AE_ASKS,
  answer: true,
  edit: true,
  newStepDate: true,
  handBack: true,
  owner: OWNER_ACTIONS,
  outcomes: OUTCOMES,
  reports: [],
};
