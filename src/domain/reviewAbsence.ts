/**
 * The AE's absence as the review shows it, and what the author may choose: a pure rule, so the review's renderer
 * (blocks/reviewModal.ts) and Send (packets/send.ts) offer and accept the same choices.
 */

/** Why the AE may not answer soon, and what the author may do about it (see Review.absence). */
export interface ReviewAbsence {
  /** Their Slack status when it says they are away (e.g. ":palm_tree: Vacation"); null: only a cover is named. */
  status: string | null;
  /** When the status says they are back (ISO), if it says. */
  until: string | null;
  /** Who answers for them (`/handoff cover`), with what sending to them needs. */
  cover: { id: string; teamId: string; name: string; timeZone: string | undefined; until: string } | null;
}

export type AbsenceChoice = 'cover' | 'when_back' | 'now';

/** The choices the review offers for this absence, in the order shown. */
export function absenceChoices(absence: ReviewAbsence): AbsenceChoice[] {
  return [
    ...(absence.cover ? (['cover'] as const) : []),
    ...(absence.until ? (['when_back'] as const) : []),
    'now',
  ];
}
