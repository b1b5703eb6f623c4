import { expandChange } from '../../db/repositories/changes.js';
import { localKind } from './kind.js';

/**
 * `handoff.change`: what one change of a handoff owes (db/repositories/changes.ts), queued as one row on the request
 * path. Delivering it is local: in one transaction, the change (the oldest of its handoff's still waiting: its
 * conversation's head) is expanded as it was read into its messages, surfaces, updates and App Home republishes, due
 * when it was made. Not a Slack call: no guard, no pacing; doing it again is harmless (an expanded change is no longer
 * waiting, and expands to nothing).
 */
export const handoffChange = localKind(expandChange);
