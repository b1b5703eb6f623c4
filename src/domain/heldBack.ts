import type { Outcome } from './outcomes.js';

/**
 * The partner's next move held back from the partner (domain/partnerView.ts says when), as its author is asked
 * about it: what the notice asks, and what became of it. core/heldBack.ts asks and answers; the notice is
 * rendered from these (blocks/heldBackNotice.ts).
 */

/** What the author is asked about: the partner's next move held back from the partner, and why. */
export interface HeldBackAsk {
  reason: 'date_passed' | 'names_former_ae' | 'outcome_passed';
  /** The step the move was written before (outcome_passed): each step asks once. */
  step?: Outcome;
  /** The former AE the move names (names_former_ae). */
  former?: string;
  /** The move and its date as held back, and a short hash of both (its text version). */
  move: string;
  date: string | null;
  version: string;
}

/** What became of a held-back next move, as the author's notice shows it now. */
export type HeldBackOutcome =
  /** Still held back as asked: the notice asks, with its buttons. */
  | 'open'
  /** Confirmed as still true: the partner reads it again. */
  | 'confirmed'
  /** Kept without its passed date: the partner reads it again, with no date. */
  | 'date_dropped'
  /** Changed (or cleared): the partner reads the new move. */
  | 'changed'
  /** The deal moved on (an outcome, a withdrawal): the thread no longer shows a next move. */
  | 'moved_on';

export interface HeldBackState {
  ask: HeldBackAsk;
  outcome: HeldBackOutcome;
  /** Whether the move as it is now is held back (for a reason another notice asks about). */
  heldNow: boolean;
  /** Who confirmed or changed it, when the touch log says. */
  by?: string;
}
