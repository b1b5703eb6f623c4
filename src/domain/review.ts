import type { Classification, CrmCheck } from './attribution.js';
import type { CrmSystem } from './crmFacts.js';
import type { ClosedDay } from './holidays.js';
import type { InternalTextFinding } from './internalText.js';
import type { HandoffStatus } from './lifecycleState.js';
import type { Packet } from './packet.js';
import type { ChannelVerdict } from './partnerChannel.js';
import type { ReadinessItem } from './readiness.js';
import type { ReviewAbsence } from './reviewAbsence.js';
import type { Scorecard } from './scoring.js';

/**
 * What the author reviews before sending (`Review`, kept as the draft and shown by blocks/reviewModal.ts), with the
 * parts that feature computes: the account's findings (packets/checks.ts), the deadline (core/responseWindow.ts)
 * and the partner channel as Slack showed it (packets/slackChecks.ts). Shapes only: the packet feature fills them.
 */

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
   * The account's owner in the connected CRM: `reason` "Lena Ortiz owns Northwind Logistics in
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

/** The partner channel as Slack showed it at review: its name and the organizations in it other than ours. */
export interface SlackChannelFacts {
  id: string;
  name: string;
  external: { teamId: string; teamName: string | undefined }[];
}

/** What the conflict and duplicate check found on the account, as the review step lists it. */
export type Finding =
  | {
      kind: 'duplicate';
      handoffId: number;
      accountName: string;
      partnerOrg: string;
      status: HandoffStatus;
      aeUserId: string;
    }
  | {
      kind: 'conflict';
      handoffId: number;
      accountName: string;
      partnerOrg: string;
      status: HandoffStatus;
      aeUserId: string;
    }
  | { kind: 'reseller'; resellerName: string; accountName: string };

/**
 * A window's deadline as the review shows it before sending (JSON: it is kept with the draft): when the answer is
 * due, the closed weekdays it skipped and why ("Thanksgiving Day (US)"), and whose public holidays count.
 */
export interface DeadlinePreview {
  /** ISO instant. */
  dueAt: string;
  timeZone: string;
  businessDays: number;
  skipped: ClosedDay[];
  /** The public-holiday regions that count for the AE (empty: none do). */
  holidayRegions: string[];
  /**
   * How they were chosen: from the AE's time zone (the default), listed for everyone, listed for this AE alone
   * (HOLIDAY_REGIONS' `U…=` entry; none for them with `U…=none`), or switched off for everyone.
   */
  holidaysBy: 'zone' | 'setting' | 'person' | 'none';
}
