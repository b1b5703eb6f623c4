import type { HeldBackAsk } from '../domain/heldBack.js';
import type { MoveFacts, PlannedMove, Unassigned } from '../domain/moves.js';
import type { StepMessage, StillWaiting, TakenBack } from './stepChecks.js';

/** What a surface was about when it was queued (core/notifications.ts writes these). */
export interface SurfaceParams {
  stamp?: string;
  ae?: string;
  due?: number;
  assignment?: number;
  cycle?: number;
  /** The partner thread's reply about a decision: the decision's id. */
  decision?: number;
  /** Reminder: when it was sent. */
  at?: number;
  previousAe?: string;
  outcome?: string;
  /** Outcome notice: the step it reports (its id); absent on older notices, which find it by its outcome. */
  step?: number;
  /** An outcome report's message: the report's id. */
  report?: number;
  /** Stall nudge: the period's time. */
  since?: number;
  /** Whom a DM was written to (absent on channel posts and on DMs queued before it was recorded). */
  to?: string;
  /** Who did what the message reports: the owner or an admin (extend, withdraw); absent on older messages. */
  by?: string;
  /** Withdrawal notice: whether the partner channel was told, had heard nothing (and hears nothing), or is none. */
  partner?: 'told' | 'unheard' | 'no_channel';
  /** An escalation policy's notice: its level (1-based), and whether the AE could still answer then. */
  level?: number;
  waiting?: boolean;
  /**
   * The AE went away during the window: their status, when they are back (ms), the cover they named; `awayDays`: away
   * by the days they gave ("Mon 7 Dec to Fri 11 Dec"), not by their status.
   */
  away?: string;
  back?: number;
  cover?: string;
  awayDays?: string;
  /**
   * An expiry while the AE was known to be away: the Slack status seen, or the days away they gave (`expiredDays`);
   * `expiredCover` only on rows queued before issue 50, when a cover named counted as away.
   */
  expiredAway?: string;
  expiredDays?: string;
  expiredCover?: string;
  /** A reassignment: who or what moved it, why, and what the partner had heard (the new AE's packet, the notices). */
  move?: MoveFacts;
  /** A policy's level could not move it to another AE, and why (its own notice, or the owner's expiry notice). */
  unassigned?: Unassigned;
  /** What a level of the policy will do if nobody acts first (the away notice, the expiry notice). */
  plan?: PlannedMove;
  /** The author's notice of a held-back partner next move: what was held back, and why. */
  heldBack?: HeldBackAsk;
  /** The AE's question before deciding (its id), shown to the author, the owner and the AE. */
  question?: number;
  /**
   * After the Accept: which check of the first step a message is (a reminder, the check-in, the owner's
   * notice, the owner told of a new date), the step's date it was about, and the date it moved from.
   */
  stepCheck?: StepMessage;
  /** A deal taken back after the Accept: how, and the step it had then (blocks/stepChecks.ts). */
  takenBack?: TakenBack;
  /**
   * A deal back with its owner and given to nobody, the owner's reminder or their manager's notice:
   * since when (epoch ms, and its day where the owner is), and the business days it has waited then.
   */
  stillWaiting?: StillWaiting;
  stepDue?: string;
  stepFrom?: string;
  /** The step's words when the message was queued (absent on older ones: the handoff's step is read). */
  stepText?: string;
  /** The check-in's and the owner's notice: when the policy takes the deal back if nothing is recorded, and to whom. */
  takeBackAt?: number;
  takeBackTo?: string;
  /** The AE's request for more time: its days, and whose message it is (the AE's, the owner's). */
  days?: number;
  role?: 'ae' | 'owner';
}
