import { expandPendingChanges } from '../../db/repositories/changes.js';
import { fanOutRefresh } from '../../db/repositories/surfaces.js';
import { localKind } from './kind.js';

/**
 * `surfaces.refresh`: a handoff changed, so every message showing it must be brought up to date. Queued once per change
 * on the request path (db/repositories/surfaces.ts `requestRefresh`); delivering it is local: one `chat.update` row
 * per posted surface, due when the change was made, each then delivered as its own conversation allows. Not a Slack
 * call: no guard, no pacing, and doing it again is harmless (a surface with an update waiting gets no second one).
 */
export const surfacesRefresh = localKind(async (tx, { handoffId, nextAttemptAt: at }) => {
  if (handoffId === null) return;
  // A change queued after this refresh goes first (changes.ts): its new messages come before the updates.
  await expandPendingChanges(tx, [handoffId], at);
  await fanOutRefresh(tx, handoffId, at);
});
