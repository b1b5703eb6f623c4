import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import type { HandoffRow } from '../db/repositories/handoffs.js';
import type { AwayRules } from '../domain/absence.js';
import type { Classification, CrmCheck } from '../domain/attribution.js';
import type { CrmSystem } from '../domain/crmLink.js';
import type { PoolChoice } from '../domain/escalation.js';
import type { GuestPolicy } from '../domain/guests.js';
import type { InternalTextFinding } from '../domain/internalText.js';
import type { Packet, PacketErrors } from '../domain/packet.js';
import type { ChannelVerdict } from '../domain/partnerChannel.js';
import type { ReviewAbsence } from '../domain/reviewAbsence.js';
import type { ScoreWeights } from '../domain/scoreWeights.js';
import type { Bands, ReadinessItem, Scorecard } from '../domain/scoring.js';
import type { Covers } from '../escalation/covers.js';
import type { Policies } from '../escalation/policies.js';
import type { Logger } from '../logger.js';
import type { Finding } from '../services/checks.js';
import type { Crm } from '../services/crm/index.js';
import type { Directory, DirectoryUser } from '../services/directory.js';
import type { DeadlinePreview, WindowPlanner } from '../services/responseWindow.js';
import type { Edits } from './edits.js';

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

/** What the author reviews before sending, and what is stored with the handoff when they send it. */
export interface Review {
  packet: Packet & { partnerTouchOn: string };
  ae: { id: string; teamId: string; name: string; timeZone: string | undefined };
  scorecard: Scorecard;
  readiness: ReadinessItem[];
  classification: Classification;
  classificationReason: string;
  findings: Finding[];
  /** Why sending needs a written reason: below the lowest band, or a duplicate of an open handoff. */
  overrideNeeded: ('below_lowest_band' | 'duplicate')[];
  partnerChannelExternal: boolean;
  /** The partner the handoff will belong to: a directory record, or a new one (id null) created when sent. */
  partner: { id: number | null; name: string };
  /** Slack's facts about the partner channel as reviewed (null: no partner channel). */
  partnerChannel: SlackChannelFacts | null;
  /** What the author must confirm before sending: that two names are one partner. */
  confirm: Extract<ChannelVerdict, { kind: 'allowed' }>['confirm'];
  /** Partner-visible text that reads as internal: the author edits it or confirms it may go. */
  internalText: InternalTextFinding[];
  /** The author's last three sent packets' scores, newest first, for a sense of trend. */
  authorLastScores: number[];
  /**
   * The review asks for the attribution details: the packet names a CRM opportunity but not when it was created, so
   * the rule cannot tell sourced from influenced without them (absent on drafts saved before it existed).
   */
  attributionDetails?: boolean;
  /**
   * The CRM record the packet's CRM field names, as the CRM showed it (name and stage internal); `checked` false: the
   * CRM did not answer in time, and the link stands on its id.
   */
  crm?: { system: CrmSystem; id: string; name: string | null; stage: string | null; checked: boolean };
  /** What the connected CRM said about the account's opportunities, and the author's pick (absent: no CRM asked). */
  crmCheck?: CrmCheck;
  /**
   * The AE is away (by their Slack status) or has named a cover: the review says so and the author chooses (send to
   * the cover, send with the window starting when they are back, or send now anyway).
   */
  absence?: ReviewAbsence;
  /**
   * The account's owner in the connected CRM (issue 52): `reason` "Lena Ortiz owns Northwind Logistics in
   * Salesforce"; `userId` when they are one of ours in Slack; `notInSlack` says why they cannot receive it.
   */
  accountOwner?: { reason: string; name: string; userId?: string; notInSlack?: string };
  /** The packet named a pool, and it went to the account's owner instead: no one's round-robin turn is used. */
  routedToOwner?: { pool: string; title?: string };
  /** The permalink of the Slack message the packet was started from ("Hand off this deal"). */
  source?: string;
  /**
   * The AE was picked from a pool by round robin (the packet named the pool): which, whom it skipped and why, and why
   * them when the pool's weights or fairness decided.
   */
  fromPool?: { name: string; title?: string; skipped: { user: string; why: string }[]; why?: string };
  /** The author's Slack time zone: dates they leave empty default to their own today (absent: not known). */
  authorTimeZone?: string;
  /** When the answer is due if sent now, and the holidays that moved it (absent on edits and older drafts). */
  deadline?: DeadlinePreview;
  /** An edit of this handoff, made from this version of it: saving changes it instead of sending a new one. */
  editOf?: number;
  fromEditCount?: number;
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

/** The partner channel as Slack showed it at review: its name and the organizations in it other than ours. */
export interface SlackChannelFacts {
  id: string;
  name: string;
  external: { teamId: string; teamName: string | undefined }[];
}

export type SubmitResult =
  | { kind: 'invalid'; errors: PacketErrors }
  /** Not ours, or a guest while guests may not send (`message` says so). */
  | { kind: 'forbidden'; message?: string }
  | { kind: 'review'; draftId: number; review: Review };

export type SendResult =
  | { kind: 'not_found' }
  | { kind: 'override_required'; message: string }
  /** The account's owner was passed over: the review asks why (issue 52). */
  | { kind: 'owner_reason_required'; message: string }
  | { kind: 'conflict_unnoted'; message: string }
  | { kind: 'channel_refused'; message: string }
  | { kind: 'confirmation_required'; confirm: 'partner' | 'internal_text'; message: string }
  | { kind: 'absence_choice_required'; message: string }
  | { kind: 'sent'; handoff: HandoffRow; duplicate: boolean }
  /** An edit saved (`fields` changed; none: nothing to change), or refused because the handoff moved on. */
  | { kind: 'edited'; handoff: HandoffRow; fields: string[] }
  | { kind: 'edit_refused'; message: string };

// The earliest and latest calendar dates anywhere on Earth: a date valid in any timezone is never rejected.
export const EARLIEST_ZONE = 'Etc/GMT+12';
export const LATEST_ZONE = 'Etc/GMT-14';
