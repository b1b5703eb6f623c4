import type { HandoffRow, HelpRequestRow, OutcomeReportRow, OutcomeRow, QuestionRow } from '../db/schema.js';
import type { AskAction } from '../domain/asks.js';
import type { OwnerAction, Verdict } from '../domain/lifecycle.js';
import type { AddRefusal } from '../domain/messageLinks.js';

/**
 * What the use cases answer a click or a submit, as the replies (askReplies.ts, outcomeReplies.ts) and the notes of
 * what was saved (savedNotes.ts) read them. The services return these and re-export them from where they were;
 * they are here so that a renderer reads them without importing a service (docs/architecture.md).
 */

// Returned by escalation/asks.ts

export type AskRefusal =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow; action: AskAction }
  | { kind: 'not_now'; handoff: HandoffRow; action: AskAction; question?: QuestionRow | undefined };

export type AskResult =
  | AskRefusal
  | { kind: 'invalid'; message: string }
  | { kind: 'asked'; handoff: HandoffRow; question: QuestionRow }
  | { kind: 'answered'; handoff: HandoffRow; question: QuestionRow }
  | { kind: 'more_time'; handoff: HandoffRow; granted: boolean };

// Returned by core/handoffs.ts

export type DecisionCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_ae'; handoff: HandoffRow }
  | { kind: 'closed'; handoff: HandoffRow }
  /** The packet was edited after the version the AE answered: nothing recorded, the AE reads it and answers again. */
  | { kind: 'edited'; handoff: HandoffRow }
  | { kind: 'open'; handoff: HandoffRow };

export type DecisionResult =
  | Exclude<DecisionCheck, { kind: 'open' }>
  | { kind: 'recorded'; handoff: HandoffRow };

// Returned by partners/helpRequests.ts

export type HelpRequestResult =
  | { kind: 'forbidden' }
  | { kind: 'not_configured' }
  | { kind: 'invalid'; errors: Record<string, string> }
  | { kind: 'sent'; request: HelpRequestRow; duplicate: boolean };

// Returned by packets/messageLinks.ts

export type AddResult =
  | { kind: 'refused'; refusal: AddRefusal; handoffId: number }
  | { kind: 'added'; handoff: HandoffRow; eventId: number }
  | { kind: 'already'; handoff: HandoffRow };

// Returned by outcomes/outcomes.ts

/**
 * `record`: the AE or an admin records the step (the partner hears it as fact); `report`: the owner or the author
 * reports it, for the AE to confirm first.
 */
export type OutcomeMode = 'record' | 'report';

export type OutcomeCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow }
  | { kind: 'ok'; handoff: HandoffRow; mode: OutcomeMode };

export type OutcomeResult =
  | Exclude<OutcomeCheck, { kind: 'ok' }>
  | { kind: 'invalid'; field: 'crmOpportunity' | 'reason'; message: string }
  /** `undoUntil`: until when the recorder may undo it (null: no undo window). */
  | { kind: 'recorded'; handoff: HandoffRow; step: OutcomeRow; undoUntil: Date | null }
  | { kind: 'reported'; handoff: HandoffRow; report: OutcomeReportRow };

// Returned by outcomes/outcomeAnswers.ts

export type AnswerResult =
  | OutcomeResult
  /** The report no longer waits: confirmed, declined or replaced before this answer. */
  | { kind: 'answered'; handoff: HandoffRow; report: OutcomeReportRow }
  | { kind: 'declined'; handoff: HandoffRow; report: OutcomeReportRow };

// Returned by outcomes/outcomeUndo.ts

export type UndoResult =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow; step: OutcomeRow }
  /** The window ended, a later step followed, or the partner's reply is already on its way. */
  | { kind: 'too_late'; handoff: HandoffRow; step: OutcomeRow }
  /** Undone already (or never recorded): nothing to do. */
  | { kind: 'gone'; handoff: HandoffRow }
  | { kind: 'undone'; handoff: HandoffRow; step: OutcomeRow };

// Returned by escalation/ownerActions.ts

export type OwnerCheck =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_owner'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow; action: OwnerAction }
  | { kind: 'ok'; handoff: HandoffRow };

export type OwnerRefusal = Exclude<OwnerCheck, { kind: 'ok' }> | { kind: 'changed'; handoff: HandoffRow };

export type OwnerResult =
  | OwnerRefusal
  | { kind: 'invalid'; field: 'newAe' | 'days'; message: string }
  | { kind: 'done'; handoff: HandoffRow };

// Returned by core/heldBack.ts

export type HeldBackRefusal =
  | { kind: 'not_found' }
  | { kind: 'not_allowed'; handoff: HandoffRow }
  /** The move changed since the notice (another answer, an edit), or the deal moved on: nothing was done. */
  | { kind: 'stale'; handoff: HandoffRow };

export type HeldBackResult = HeldBackRefusal | { kind: 'done'; handoff: HandoffRow };

// Returned by packets/send.ts and packets/editSave.ts

export type SendResult =
  | { kind: 'not_found' }
  | { kind: 'override_required'; message: string }
  /** The account's owner was passed over: the review asks why. */
  | { kind: 'owner_reason_required'; message: string }
  | { kind: 'conflict_unnoted'; message: string }
  | { kind: 'channel_refused'; message: string }
  | { kind: 'confirmation_required'; confirm: 'partner' | 'internal_text'; message: string }
  | { kind: 'absence_choice_required'; message: string }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean }
  /** An edit saved (`fields` changed; none: nothing to change), or refused because the handoff moved on. */
  | { kind: 'edited'; handoff: HandoffRow; fields: string[] }
  | { kind: 'edit_refused'; message: string };

// Returned by packets/edits.ts

export type EditRefusal =
  | { kind: 'not_found' }
  | { kind: 'refused'; verdict: Exclude<Verdict, 'ok'>; handoff: HandoffRow };

/** A note on a handoff (packets/edits.ts `addNote`): refused as an edit would be, or sent to the AE. */
export type NoteResult = EditRefusal | { kind: 'noted'; handoff: HandoffRow };
