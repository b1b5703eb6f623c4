import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import type { AttributionBasis } from '../../domain/attribution.js';
import { CRM_SYSTEMS } from '../../domain/crmFacts.js';
import { DECLINE_REASON_CODES } from '../../domain/decline.js';
import type { Step } from '../../domain/escalation.js';
import { DECISIONS, HANDOFF_STATUSES, MORE_TIME_STATES, STEP_CHECKS } from '../../domain/lifecycle.js';
import { OUTCOMES } from '../../domain/outcomes.js';
import type { ComponentResult } from '../../domain/scoring.js';
import {
  createdAt,
  installationId,
  optionalChannelId,
  type Stored,
  timestamp,
  updatedAt,
} from '../columns.js';

/**
 * One finding of the conflict and duplicate check, as stored with a handoff (packets/checks.ts `Finding`): another
 * handoff on the account (another partner's: a channel conflict; the same partner's, still open: a duplicate), or a
 * reseller registered on it.
 */
export type AccountFinding =
  | {
      kind: 'duplicate' | 'conflict';
      handoffId: number;
      accountName: string;
      partnerOrg: string;
      status: (typeof HANDOFF_STATUSES)[number];
      aeUserId: string;
    }
  | { kind: 'reseller'; resellerName: string; accountName: string };

export const handoffs = sqliteTable(
  'handoffs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** Workspace the packet was sent from. */
    teamId: text('team_id').notNull(),
    /** The modal view that produced this handoff: a double submit of the same view stores nothing twice. */
    sourceViewId: text('source_view_id').notNull(),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull(),
    authorUserId: text('author_user_id').notNull(),
    ownerUserId: text('owner_user_id').notNull(),
    aeUserId: text('ae_user_id').notNull(),
    aeTeamId: text('ae_team_id').notNull(),
    /** The AE's name when sent, so partner-facing posts can name them without pinging them. */
    aeName: text('ae_name').notNull(),
    aeTimeZone: text('ae_time_zone').notNull(),
    /** The partner's Slack Connect channel; null when the partner hears nothing in Slack. */
    partnerChannelId: optionalChannelId('partner_channel_id').notNull(),
    /** The partner record (directory); every handoff sent since migration 0010 has one. */
    partnerId: integer('partner_id'),

    accountName: text('account_name').notNull(),
    crmOpportunity: text('crm_opportunity'),
    /**
     * The CRM record the handoff is linked to (the packet's CRM field, or "Opportunity created"), when that CRM is
     * connected and the record was found: every state change writes an activity on it, and its close is read back.
     * Salesforce: the 18-character opportunity id; HubSpot: the deal id. Internal.
     */
    crmSystem: text('crm_system', { enum: CRM_SYSTEMS }),
    crmRecordId: text('crm_record_id'),
    /** The record's name as the CRM gave it when linked. */
    crmRecordName: text('crm_record_name'),
    partnerOrg: text('partner_org').notNull(),
    partnerContactName: text('partner_contact_name').notNull(),
    partnerContactRole: text('partner_contact_role'),
    whyPartner: text('why_partner').notNull(),
    customerTrigger: text('customer_trigger').notNull(),
    jointValue: text('joint_value').notNull(),
    warmPath: text('warm_path').notNull(),
    sellerNextMove: text('seller_next_move').notNull(),
    partnerNextMove: text('partner_next_move').notNull(),
    partnerNextMoveDate: text('partner_next_move_date'),
    /**
     * The partner next move as its author confirmed it still true after it was held back for naming a former AE
     * (core/heldBack.ts): while the move is this text, it is shown to the partner again. Null: never confirmed.
     */
    partnerNextMoveConfirmed: text('partner_next_move_confirmed'),
    partnerAgreedInWriting: integer('partner_agreed_in_writing', { mode: 'boolean' }).notNull(),
    riskNote: text('risk_note'),
    evidenceUrl: text('evidence_url'),
    responseWindowDays: integer('response_window_days').notNull(),

    sentAt: timestamp('sent_at').notNull(),
    dueAt: timestamp('due_at').notNull(),
    decidedAt: timestamp('decided_at'),
    /** Which AE this is for the handoff: 1 for the first, +1 on each reassignment. */
    assignment: integer('assignment').notNull().default(1),
    /** Response windows so far: +1 on each reassignment or extension; keys reminders and expiry messages. */
    cycle: integer('cycle').notNull().default(1),
    /** When the current window began (null: at sentAt). */
    windowStartedAt: timestamp('window_started_at'),
    /**
     * When this assignment's AE was asked to answer: the send, the reassignment to them, or the away AE's return the
     * author chose to start the window at. An expiry and an extension keep it (the time to decision counts from it).
     * Null on handoffs sent before it was kept: the touch log says (`assignmentWindowStart`).
     */
    askedAt: timestamp('asked_at'),
    /** The current window's length in business days (null: responseWindowDays). */
    windowDays: integer('window_days'),
    /** The current window's reminder times (epoch ms), and the next one still to send. */
    reminderSchedule: text('reminder_schedule', { mode: 'json' }).$type<number[]>(),
    nextReminderAt: timestamp('next_reminder_at'),
    /**
     * The escalation policy the handoff follows (ESCALATION_POLICY_FILE; null: the default), the current window's
     * planned steps (notifications and reassignments the sweep carries out) and the next one still to come.
     */
    escalationPolicy: text('escalation_policy'),
    /**
     * The version of that policy the handoff runs under: the program_log entry in force when it was sent
     * (null: sent before policies were data, or under the built-in default). An edit applies to new handoffs.
     */
    policyVersion: integer('policy_version'),
    escalationSteps: text('escalation_steps', { mode: 'json' }).$type<Step[]>(),
    nextEscalationAt: timestamp('next_escalation_at'),
    expiredAt: timestamp('expired_at'),
    withdrawnAt: timestamp('withdrawn_at'),
    /** Who withdrew it: the owner, or an admin standing in (null on rows withdrawn before this was kept: the owner). */
    withdrawnByUserId: text('withdrawn_by_user_id'),

    /** Account and partner as matched for conflicts (see domain/accountMatch.ts). */
    accountKey: text('account_key').notNull().default(''),
    accountDomain: text('account_domain'),
    partnerKey: text('partner_key').notNull().default(''),
    onPriorityList: integer('on_priority_list', { mode: 'boolean' }).notNull().default(false),
    opportunityCreatedOn: text('opportunity_created_on'),
    partnerTouchOn: text('partner_touch_on'),
    /**
     * The total and band of the scorecard the author reviewed before sending (or saving the last edit). The scorecard
     * itself is in `handoff_scorecards` since migration 0033, so the row a decision rewrites stays small; this column
     * is null since then (kept so a replica of an older version still reads the table during an upgrade). Such a
     * replica writes its sends' and edits' scorecards here: read before the table's, and cleared by this version's
     * edit (db/repositories/packets.ts `findScorecard`).
     */
    score: integer('score'),
    scoreBand: text('score_band', { enum: ['ready', 'fix', 'keep_building'] }),
    scorecard: text('scorecard', { mode: 'json' }).$type<ComponentResult[]>(),
    /** Decided by rule when sent; changed afterwards only by an audited RevOps correction. */
    classification: text('classification', { enum: ['partner_sourced', 'partner_influenced'] }),
    classificationReason: text('classification_reason'),
    /**
     * How the classification was decided (domain/attribution.ts): from the packet, or from the CRM's opportunities on
     * the account and which one (the rule's, the author's pick, or none of these). Null before migration 0022.
     */
    attribution: text('attribution', { mode: 'json' }).$type<AttributionBasis>(),
    /**
     * The CRM link (`system:id`) the classification was last decided with: a record linked later (another value) is
     * read back once, and a class it changes is corrected with an audit record (classification_corrections).
     */
    classifiedLink: text('classified_link'),
    /** Why the author sent it anyway (below the lowest band, or despite a duplicate). */
    overrideReason: text('override_reason'),
    /**
     * What the conflict and duplicate check found on the account when the author pressed Send (packets/checks.ts):
     * the channel conflicts, registered resellers and duplicates they sent it past. Internal: the AE's packet shows
     * them, no partner message ever does. Null for handoffs sent before migration 0015 (not recorded then).
     */
    findings: text('findings', { mode: 'json' }).$type<AccountFinding[]>(),
    /**
     * Edits while undecided: how many (Accept and Decline carry the count they were shown with, so an answer to an
     * older version is refused), when the last one was, and which fields it changed (labels, for the "edited" mark).
     */
    editCount: integer('edit_count').notNull().default(0),
    editedAt: timestamp('edited_at'),
    editedFields: text('edited_fields', { mode: 'json' }).$type<string[]>(),

    /** The deal after acceptance: the latest outcome step (see the outcomes table for all of them). */
    outcome: text('outcome', { enum: OUTCOMES }),
    /** When the AE or owner last moved the deal (acceptance or an outcome), and when to nudge if it stalls. */
    lastActivityAt: timestamp('last_activity_at'),
    nextStallNudgeAt: timestamp('next_stall_nudge_at'),
    /** When the deal was last nudged for stalling, if nothing moved since (cleared by any activity). */
    stallNudgedAt: timestamp('stall_nudged_at'),
    /**
     * Before deciding: the assignment whose AE asked the author a question (one question per AE; the text
     * is in `questions`), and whether it still waits for the answer. While it does, the AE's clock may be paused
     * (QUESTION_PAUSE_DAYS): since when, and when the pause ends at the latest (the sweep resumes the clock then).
     * Both are cleared when the clock runs again (the answer, the pause's end, a decision, a move, a withdrawal).
     */
    questionAssignment: integer('question_assignment'),
    questionOpen: integer('question_open', { mode: 'boolean' }).notNull().default(false),
    pausedAt: timestamp('paused_at'),
    pauseEndsAt: timestamp('pause_ends_at'),
    /** More time the AE asked for, once per handoff: waiting for the owner, or given; and how many business days. */
    moreTime: text('more_time', { enum: MORE_TIME_STATES }),
    moreTimeDays: integer('more_time_days'),
    /**
     * After the Accept: the first step the AE committed to, in the partner's words (the partner reads it),
     * its date (YYYY-MM-DD in the AE's calendar), and the deal's estimated value (internal, whole units). Null on a
     * handoff accepted before the commitment existed, and until an accept.
     */
    firstStep: text('first_step'),
    firstStepDue: text('first_step_due'),
    estimatedValue: integer('estimated_value'),
    /**
     * The first step tracked like the response window: the next check the sweep owes it (a reminder
     * to the AE before its date, the check-in on it, the owner told after the grace), and when; null once none is
     * owed. When the step was done (the first outcome step recorded after it), and how many new dates the AE gave.
     */
    stepCheck: text('step_check', { enum: STEP_CHECKS }),
    nextStepCheckAt: timestamp('next_step_check_at'),
    firstStepDoneAt: timestamp('first_step_done_at'),
    stepNewDates: integer('step_new_dates').notNull().default(0),
    /**
     * When the deal was last taken back from its AE after the Accept: handed back, or its first step silent
     * past the policy's take-back. Null: never taken back.
     */
    takenBackAt: timestamp('taken_back_at'),
    /** The permalink of the Slack message the packet was started from ("Hand off this deal"). Internal. */
    sourceUrl: text('source_url'),
    /**
     * Why this AE got it when the CRM decided: "Lena Ortiz owns Northwind Logistics in Salesforce". Shown
     * to the AE and in the history; null when the author chose the AE or a pool's round robin did.
     */
    routingReason: text('routing_reason'),
    /**
     * When data retention (retention/ageOut.ts) removed the packet's free text and partner contact details,
     * and the notes, questions and asks about it (RETAIN_PACKET_TEXT_DAYS); when it removed its touch log's detail
     * (RETAIN_TOUCH_DETAIL_DAYS). Null: kept. The counts and durations the metrics read stay.
     */
    textRemovedAt: timestamp('text_removed_at'),
    detailRemovedAt: timestamp('detail_removed_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  // Each index, the queries whose plans use it (EXPLAIN QUERY PLAN over every statement the integration tests run;
  // docs/architecture.md "Indexes of the handoffs table"). Every full one is written again when a status changes; the
  // three sweep indexes are partial, on their time being set: a transition that ends what they wait for clears the
  // time (a decision the reminder and escalation times), so it only deletes an entry and writes none.
  (t) => [
    // A Send seen twice (Slack's retry, a double click) is one handoff.
    uniqueIndex('handoffs_source_view_id_idx').on(t.installationId, t.sourceViewId),
    // The sweep's expiries; an AE's waiting handoffs by due date (the away check, their App Home); the open handoffs by
    // status (the digest, the metrics' lists).
    index('handoffs_status_due_at_idx').on(t.status, t.dueAt),
    // The sweep's reminders (set only while the handoff waits for its AE, or, taken back, for its owner).
    index('handoffs_status_next_reminder_at_idx')
      .on(t.status, t.nextReminderAt)
      .where(sql`${t.nextReminderAt} is not null`),
    // The escalation steps due (set only while the handoff is open or expired).
    index('handoffs_status_next_escalation_at_idx')
      .on(t.status, t.nextEscalationAt)
      .where(sql`${t.nextEscalationAt} is not null`),
    // An owner's handoffs (their App Home, `/handoff mine`).
    index('handoffs_owner_user_id_status_idx').on(t.ownerUserId, t.status),
    // Channel conflict and duplicates: the same account by name, and by domain.
    index('handoffs_account_key_idx').on(t.accountKey),
    index('handoffs_account_domain_idx').on(t.accountDomain),
    // Stalled deals to nudge (set only on accepted handoffs).
    // The first steps' checks due (set only on accepted handoffs whose step is not done).
    index('handoffs_status_next_step_check_at_idx')
      .on(t.status, t.nextStepCheckAt)
      .where(sql`${t.nextStepCheckAt} is not null`),
    index('handoffs_status_next_stall_nudge_at_idx')
      .on(t.status, t.nextStallNudgeAt)
      .where(sql`${t.nextStallNudgeAt} is not null`),
    // An AE's handoffs (their App Home, the count waiting for them, their name as last seen).
    index('handoffs_ae_user_id_status_idx').on(t.aeUserId, t.status),
    // An author's handoffs (their App Home, their recent scores in the review).
    index('handoffs_author_user_id_idx').on(t.authorUserId),
    // The metrics' windows and the export, by sent date.
    index('handoffs_sent_at_idx').on(t.sentAt),
    // A partner merged into another in the directory.
    index('handoffs_partner_id_idx').on(t.partnerId),
    // Stalled deals already nudged, oldest activity first.
    index('handoffs_stalled_idx').on(t.lastActivityAt).where(sql`${t.stallNudgedAt} is not null`),
    // The CRM read-back: accepted handoffs linked to a record.
    index('handoffs_crm_record_idx').on(t.crmSystem, t.crmRecordId).where(sql`${t.crmRecordId} is not null`),
    // Paused clocks whose pause reaches its longest (set only while a question pauses the window).
    index('handoffs_status_pause_ends_at_idx')
      .on(t.status, t.pauseEndsAt)
      .where(sql`${t.pauseEndsAt} is not null`),
  ],
);

/**
 * The scorecard the author reviewed (its nine components, each with its score and reason), written by the send and
 * replaced by each saved edit, read by nobody on a decision. Its own table: it is about 1 kB, half of a handoff's row,
 * and a row that fills most of a page is rebalanced with its neighbours whenever a decision makes it longer
 * (docs/architecture.md "Indexes of the handoffs table").
 */
export const handoffScorecards = sqliteTable(
  'handoff_scorecards',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    components: text('components', { mode: 'json' }).notNull().$type<ComponentResult[]>(),
    /** When it was scored: the send, or the edit that replaced it. */
    scoredAt: timestamp('scored_at').notNull(),
    installationId: installationId(),
  },
  // The table's key (SQLite's rowid, an integer primary key), given on insert: the handoff's id.
  (t) => [primaryKey({ columns: [t.installationId, t.handoffId] })],
);

export const decisions = sqliteTable(
  'decisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    /** The handoff's assignment this decision answers: a reassigned handoff can be decided again. */
    assignment: integer('assignment').notNull().default(1),
    decision: text('decision', { enum: DECISIONS }).notNull(),
    reasonCode: text('reason_code', { enum: DECLINE_REASON_CODES as [string, ...string[]] }),
    /** Internal only: never rendered where a partner can see it. */
    note: text('note'),
    decidedByUserId: text('decided_by_user_id').notNull(),
    decidedByTeamId: text('decided_by_team_id').notNull(),
    decidedAt: timestamp('decided_at').notNull(),
    installationId: installationId(),
  },
  // One decision per assignment: a double click or a retry cannot record a second one.
  (t) => [uniqueIndex('decisions_handoff_id_assignment_idx').on(t.installationId, t.handoffId, t.assignment)],
);

/**
 * A validated packet waiting in the review step. Keyed by the packet modal's view, so editing and submitting
 * again replaces it, and sending it twice stores one handoff.
 */
export const drafts = sqliteTable(
  'drafts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceViewId: text('source_view_id').notNull(),
    authorUserId: text('author_user_id').notNull(),
    teamId: text('team_id').notNull(),
    /** Everything needed to send: the packet, the AE's details, the scorecard and the checks, as reviewed. */
    content: text('content', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  (t) => [uniqueIndex('drafts_source_view_id_unique').on(t.installationId, t.sourceViewId)],
);

export type HandoffRow = Stored<typeof handoffs.$inferSelect>;

export type NewHandoffRow = typeof handoffs.$inferInsert;

export type DecisionRow = Stored<typeof decisions.$inferSelect>;

export type HandoffScorecardRow = Stored<typeof handoffScorecards.$inferSelect>;

export type DraftRow = Stored<typeof drafts.$inferSelect>;
