import { ACTION_ID, CALLBACK_ID, OUTCOME_ACTION_PREFIX } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { people } from './people.js';

/**
 * Who may do what in the hostile-input world (test/support/hostile.ts `startHostileWorld`): its four handoffs, and
 * for every button and modal that changes data, who may use it on which of them. Anyone else is refused; the
 * hostile-input properties (test/integration/hostile/) only ever send requests these tables say must be refused.
 */

export type Ref = 'A' | 'B' | 'C' | 'D';
export const REFS: Ref[] = ['A', 'B', 'C', 'D'];

export interface Seeds {
  /** A: open (AE ae, owner author). B: accepted (AE ae). C: declined (AE otherAe). D: open (AE otherAe, owner owner). */
  rows: Record<Ref, HandoffRow>;
  /** An unsent draft of the author's, and the draft behind A (already sent). */
  draftUnsent: number;
  draftSent: number;
  helpOpen: number;
  helpClaimed: number;
}

/** The world's admin, also RevOps (ADMIN_USER_IDS and REVOPS_USER_IDS). */
export const ADMIN = people.member.id;

/**
 * Buttons that change data, or open the only form that does, and who may press them on which handoff (anyone else is
 * refused).
 */
export const MAY_CHANGE: Record<string, Partial<Record<Ref, string[]>>> = {
  // Accept opens the accept modal (issue 51 item 1), whose submission records the accept: only for the AE of an open
  // handoff; anyone else's click is refused at once, as when the click itself accepted.
  [ACTION_ID.accept]: { A: [people.ae.id], D: [people.otherAe.id] },
  [ACTION_ID.withdraw]: { A: [people.author.id, ADMIN], D: [people.owner.id, ADMIN] },
  // The AE and an admin record it; the author (B's owner) reports it for the AE to confirm (issue 50 item 2).
  [`${OUTCOME_ACTION_PREFIX}meeting_held`]: { B: [people.ae.id, people.author.id, ADMIN] },
  [`${OUTCOME_ACTION_PREFIX}won`]: { B: [people.ae.id, people.author.id, ADMIN] },
  // Still true on the author's notice of a held-back partner next move (B is accepted): its author or an admin.
  [ACTION_ID.heldBackConfirm]: { B: [people.author.id, ADMIN] },
  // Before deciding (issue 51): more time is the AE's to ask of an open handoff; none asked, nobody may give it.
  [ACTION_ID.askMoreTime]: { A: [people.ae.id], D: [people.otherAe.id] },
  [ACTION_ID.grantMoreTime]: {},
};

/** Buttons that only open a modal, refresh a view or start an upload: they change no table, whoever presses. */
export const READ_ONLY = [
  // Accept only opens the accept modal now: nothing is recorded until it is submitted.
  ACTION_ID.accept,
  ACTION_ID.decline,
  ACTION_ID.reassign,
  ACTION_ID.extend,
  `${OUTCOME_ACTION_PREFIX}opportunity_created`,
  `${OUTCOME_ACTION_PREFIX}lost`,
  `${OUTCOME_ACTION_PREFIX}bogus`,
  OUTCOME_ACTION_PREFIX,
  ACTION_ID.homeExport,
  ACTION_ID.heldBackEdit,
  ACTION_ID.askQuestion,
  ACTION_ID.answerQuestion,
];

/** Who may submit each modal for which handoff, with otherwise valid input. */
export const MAY_SUBMIT: Record<string, Partial<Record<Ref, string[]>>> = {
  // The accept modal (issue 51 item 1: the first step, its date, an estimated value): the AE of an open handoff.
  [CALLBACK_ID.accept]: { A: [people.ae.id], D: [people.otherAe.id] },
  [CALLBACK_ID.decline]: { A: [people.ae.id], D: [people.otherAe.id] },
  [CALLBACK_ID.reassign]: {
    A: [people.author.id, ADMIN],
    C: [people.author.id, ADMIN],
    D: [people.owner.id, ADMIN],
  },
  [CALLBACK_ID.extend]: { A: [people.author.id, ADMIN], D: [people.owner.id, ADMIN] },
  [CALLBACK_ID.opportunity]: { B: [people.ae.id, people.author.id, ADMIN] },
  [CALLBACK_ID.lost]: { B: [people.ae.id, people.author.id, ADMIN] },
  // A note to the AE, once they answered: whoever wrote it (the author owns A, B and C) or an admin.
  [CALLBACK_ID.note]: { B: [people.author.id, ADMIN], C: [people.author.id, ADMIN] },
  // The partner next move of an accepted deal (Edit on the author's notice of a held-back move): its author or an admin.
  [CALLBACK_ID.nextMove]: { B: [people.author.id, ADMIN] },
  // The AE's question of an open handoff; no question was asked, so nobody may answer one.
  [CALLBACK_ID.question]: { A: [people.ae.id], D: [people.otherAe.id] },
  [CALLBACK_ID.answer]: {},
  // New date for the first step (issue 51): the AE who accepted B, with its default step.
  [CALLBACK_ID.stepDate]: { B: [people.ae.id] },
};

/** The modals about one handoff (the packet, review and help modals name none). */
export const HANDOFF_MODALS = Object.keys(MAY_SUBMIT);

/** A new AE the reassignment of `r` would accept. */
export const goodNewAe = (r: Ref) => (r === 'A' ? people.otherAe.id : people.ae.id);
