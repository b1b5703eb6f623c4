import type { Clock } from '../clock.js';
import type { Directory, DirectoryUser } from '../core/directory.js';
import type { WindowPlanner } from '../core/responseWindow.js';
import type { Crm } from '../crm/index.js';
import type { Db } from '../db/client.js';
import type { AwayRules } from '../domain/absence.js';
import type { PoolChoice } from '../domain/escalation.js';
import type { GuestPolicy } from '../domain/guests.js';
import type { PacketErrors } from '../domain/packet.js';
import type { Review } from '../domain/review.js';
import type { ScoreWeights } from '../domain/scoreWeights.js';
import type { Bands } from '../domain/scoring.js';
import type { Covers } from '../escalation/covers.js';
import type { Policies } from '../escalation/policies.js';
import type { Logger } from '../logger.js';
import type { Edits } from './edits.js';

/** What the author reviews, and the partner channel's facts in it: in domain/review.ts, where renderers read them. */
export type { Review, SlackChannelFacts } from '../domain/review.js';
export { type AbsenceChoice, absenceChoices, type ReviewAbsence } from '../domain/reviewAbsence.js';

/**
 * The packet feature's shapes: what it needs (its dependencies), what the author reviews (`Review`, kept as the
 * draft), and what submitting, sending and the attribution details answer.
 */

export interface PacketServiceDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  directory: Directory;
  windows: WindowPlanner;
  scoring: { bands: Bands; maxWindowDays: number };
  /** The score's weights in force (the program's `scoring` part; absent: every component 1). */
  scoreWeights?: () => ScoreWeights;
  conflictLookbackDays: number;
  onOutboxWrite: () => void;
  /** Edits of sent handoffs (a packet submitted with `editOf`). */
  edits?: Edits;
  /** The connected CRMs (absent or empty: the CRM field is text). */
  crm?: Crm;
  /** Escalation policies (absent: the REMINDERS setting and the expiry's escalation, as before policies). */
  policies?: Policies;
  /** Covers named with `/handoff cover`, offered in the review. */
  covers?: Pick<Covers, 'activeFor' | 'awayNow'>;
  /** Which Slack statuses say a person is away. */
  away?: AwayRules;
  /** Escalation pools: a packet may go to the next AE of one (round robin) instead of a named AE. */
  pools?: {
    list(): PoolChoice[];
    next(
      pool: string,
      exclude: { authorUserId: string; ownerUserId: string },
    ): Promise<{ person: DirectoryUser | undefined; skipped: { user: string; why: string }[]; why?: string }>;
  };
  /** How long the review waits for the CRM's answer about the linked record (Slack wants an answer within 3 s). */
  crmLookupTimeoutMs?: number;
  /** What an admin allows workspace guests (ALLOW_GUEST_AUTHORS, ALLOW_GUEST_AES); absent: neither. */
  guests?: GuestPolicy;
}

/** The attribution details as given on the review (empty: not known). */
export interface AttributionDetailsInput {
  opportunityCreatedOn: unknown;
  partnerTouchOn: unknown;
}

export type AttributionDetailsResult =
  /** Nothing to apply (no details asked, or a draft Send refuses anyway): send as reviewed. */
  | { kind: 'unchanged' }
  | { kind: 'invalid'; errors: Partial<Record<'opportunityCreatedOn' | 'partnerTouchOn', string>> }
  /** The dates are kept with the draft and decide as the review said: send. */
  | { kind: 'saved' }
  /** The dates change the classification: the review is shown again, as it now is, before anything is sent. */
  | { kind: 'reclassified'; draftId: number; review: Review };

export type SubmitResult =
  | { kind: 'invalid'; errors: PacketErrors }
  /** Not ours, or a guest while guests may not send (`message` says so). */
  | { kind: 'forbidden'; message?: string }
  | { kind: 'review'; draftId: number; review: Review };

/** What Send answers: in blocks/results.ts, where the replies read it. */
export type { SendResult } from '../blocks/results.js';

// The earliest and latest calendar dates anywhere on Earth: a date valid in any timezone is never rejected.
export const EARLIEST_ZONE = 'Etc/GMT+12';
export const LATEST_ZONE = 'Etc/GMT-14';
