import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  customType,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import type { AttributionBasis } from '../domain/attribution.js';
import { CRM_SYSTEMS } from '../domain/crmLink.js';
import { DECLINE_REASON_CODES } from '../domain/decline.js';
import type { Step } from '../domain/escalation.js';
import { FOLLOW_CHOICES } from '../domain/following.js';
import { DECISIONS, HANDOFF_STATUSES, MORE_TIME_STATES, STEP_CHECKS } from '../domain/lifecycle.js';
import { OUTCOMES } from '../domain/outcomes.js';
import type { ComponentResult } from '../domain/scoring.js';
import { createdAt, timestamp, updatedAt } from './columns.js';

/**
 * A channel id that may be absent: stored as '' in a NOT NULL column (the column predates "no partner channel", and
 * SQLite cannot relax NOT NULL without rebuilding the handoffs table and its triggers), read back as null. drizzle
 * binds a null param without the encoder, so writers pass '' themselves.
 */
const optionalChannelId = customType<{ data: string | null; driverData: string; notNull: true }>({
  dataType: () => 'text',
  toDriver: (value) => value ?? '',
  fromDriver: (value) => (value === '' ? null : value),
});

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

/**
 * The partner directory: each partner organization once. Handoffs, channels and Slack Connect workspaces point at
 * it, so "Meridian" and "Meridian Cloud Consulting" are one partner once an alias says so.
 */
export const partners = sqliteTable(
  'partners',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** The key metrics and conflict checks group by: the first name's match key, kept through renames. */
    key: text('key').notNull(),
    /** The partner's web domain (registrable part), when known. */
    domain: text('domain'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('partners_key_idx').on(t.key)],
);

/** Names a partner goes by (its own name included), by match key: one partner per key. */
export const partnerAliases = sqliteTable(
  'partner_aliases',
  {
    aliasKey: text('alias_key').primaryKey(),
    alias: text('alias').notNull(),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
  },
  (t) => [index('partner_aliases_partner_id_idx').on(t.partnerId)],
);

/** The Slack Connect workspaces (or Grid orgs) a partner's people join from. */
export const partnerWorkspaces = sqliteTable(
  'partner_workspaces',
  {
    teamId: text('team_id').primaryKey(),
    teamName: text('team_name'),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    boundByUserId: text('bound_by_user_id').notNull(),
    boundAt: timestamp('bound_at').notNull(),
  },
  (t) => [index('partner_workspaces_partner_id_idx').on(t.partnerId)],
);

/**
 * How the app learned it was removed from a channel: `event` (Slack's `channel_left` / `group_left`), `refused` (an
 * internal post refused with `not_in_channel` / `channel_not_found`), or `held` (carried over by migration 0024 from
 * a post the previous version held for it, when it kept this in memory).
 */
export const REMOVED_CHANNEL_HOWS = ['event', 'refused', 'held'] as const;

/**
 * The channels the app was removed from and not yet invited back to (core/channelAccess.ts): what would go there
 * waits. Written when the removal is noted, deleted when the app is in the channel again (`member_joined_channel`,
 * or the re-check finds it a member), so it survives a restart and is the same for every process on the database.
 */
export const removedChannels = sqliteTable('removed_channels', {
  channelId: text('channel_id').primaryKey(),
  how: text('how', { enum: REMOVED_CHANNEL_HOWS }).notNull(),
  since: timestamp('since').notNull(),
  /**
   * When the admins were told, by DM in the transaction that noted the removal (an internal channel); null: nobody
   * to tell (a partner channel, whose owners are told per held update by partners/partnerChannel.ts; no admins).
   */
  adminsToldAt: timestamp('admins_told_at'),
});

/**
 * The DMs that told someone the app cannot post in a channel because it is not in it: the owner of a handoff whose
 * partner update waits there (one such notice per handoff and channel while it waits), or an admin of an internal
 * channel (`handoff_id` null). Each is remembered by the key its post records in posted_messages; when the app is in
 * the channel again (the invite, or the re-check), each is edited to say so (a `chat.update` of the outbox) and its
 * row deleted, so a later removal tells again (core/channelAccess.ts).
 */
export const channelAccessNotices = sqliteTable(
  'channel_access_notices',
  {
    messageKey: text('message_key').primaryKey(),
    channelId: text('channel_id').notNull(),
    readerUserId: text('reader_user_id').notNull(),
    handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
    toldAt: timestamp('told_at').notNull(),
  },
  (t) => [uniqueIndex('channel_access_notices_channel_handoff_idx').on(t.channelId, t.handoffId)],
);

export const PARTNER_CHANNEL_STATUSES = ['active', 'held'] as const;

/**
 * A partner-facing channel and the one partner it belongs to. `held`: posts wait (an organization other than the
 * partner's joined it, or it was used by several partners before the directory existed) until an admin confirms.
 */
export const partnerChannels = sqliteTable(
  'partner_channels',
  {
    channelId: text('channel_id').primaryKey(),
    /** The name as the app last saw it, so admins can type `#name` (ids are what is kept and compared). */
    channelName: text('channel_name'),
    partnerId: integer('partner_id').references((): AnySQLiteColumn => partners.id, { onDelete: 'set null' }),
    status: text('status', { enum: PARTNER_CHANNEL_STATUSES }).notNull(),
    /** Why it is held, in words an admin reads. */
    heldReason: text('held_reason'),
    /**
     * Other organizations Slack said joined (channel_shared) and has not said left (channel_unshared): they count
     * as in the channel whatever a lagging or failing conversations.info says, so only Slack's word releases it.
     */
    strangerTeamIds: text('stranger_team_ids', { mode: 'json' }).$type<string[]>().notNull().default([]),
    /**
     * When (Slack's `event_ts`) Slack last said each other organization joined or left: its newest word stands, and an
     * older event delivered after it (Slack does not promise order) changes nothing (issue 50 item 31).
     */
    strangersHeardAt: text('strangers_heard_at', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    boundByUserId: text('bound_by_user_id').notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [index('partner_channels_partner_id_idx').on(t.partnerId)],
);

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
     * The version of that policy the handoff runs under (issue 53): the program_log entry in force when it was sent
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
     * edit (db/repositories/packets.ts `findScorecard`; issue 50 item 31).
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
     * Before deciding (issue 51): the assignment whose AE asked the author a question (one question per AE; the text
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
     * After the Accept (issue 51): the first step the AE committed to, in the partner's words (the partner reads it),
     * its date (YYYY-MM-DD in the AE's calendar), and the deal's estimated value (internal, whole units). Null on a
     * handoff accepted before the commitment existed, and until an accept.
     */
    firstStep: text('first_step'),
    firstStepDue: text('first_step_due'),
    estimatedValue: integer('estimated_value'),
    /**
     * The first step tracked like the response window (issue 51 item 2): the next check the sweep owes it (a reminder
     * to the AE before its date, the check-in on it, the owner told after the grace), and when; null once none is
     * owed. When the step was done (the first outcome step recorded after it), and how many new dates the AE gave.
     */
    stepCheck: text('step_check', { enum: STEP_CHECKS }),
    nextStepCheckAt: timestamp('next_step_check_at'),
    firstStepDoneAt: timestamp('first_step_done_at'),
    stepNewDates: integer('step_new_dates').notNull().default(0),
    /**
     * When the deal was last taken back from its AE after the Accept (issue 51): handed back, or its first step silent
     * past the policy's take-back. Null: never taken back.
     */
    takenBackAt: timestamp('taken_back_at'),
    /** The permalink of the Slack message the packet was started from ("Hand off this deal", issue 52). Internal. */
    sourceUrl: text('source_url'),
    /**
     * Why this AE got it when the CRM decided (issue 52): "Lena Ortiz owns Northwind Logistics in Salesforce". Shown
     * to the AE and in the history; null when the author chose the AE or a pool's round robin did.
     */
    routingReason: text('routing_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  // Each index, the queries whose plans use it (EXPLAIN QUERY PLAN over every statement the integration tests run;
  // docs/architecture.md "Indexes of the handoffs table"). Every full one is written again when a status changes; the
  // three sweep indexes are partial, on their time being set: a transition that ends what they wait for clears the
  // time (a decision the reminder and escalation times), so it only deletes an entry and writes none.
  (t) => [
    // A Send seen twice (Slack's retry, a double click) is one handoff.
    uniqueIndex('handoffs_source_view_id_idx').on(t.sourceViewId),
    // The sweep's expiries; an AE's waiting handoffs by due date (the away check, their App Home); the open handoffs by
    // status (the digest, the metrics' lists).
    index('handoffs_status_due_at_idx').on(t.status, t.dueAt),
    // The sweep's reminders (set only while the handoff waits for its AE).
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
  },
  // The table's key (SQLite's rowid, an integer primary key), given on insert: the handoff's id.
  (t) => [primaryKey({ columns: [t.handoffId] })],
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
  },
  // One decision per assignment: a double click or a retry cannot record a second one.
  (t) => [uniqueIndex('decisions_handoff_id_assignment_idx').on(t.handoffId, t.assignment)],
);

/** `crm.activity`: a Salesforce Task or HubSpot note for one event of a linked handoff (channel key crm:<system>:<id>). */
export const OUTBOX_METHODS = [
  'chat.postMessage',
  'chat.update',
  'response_url',
  'views.publish',
  'crm.activity',
  'surfaces.refresh',
  'handoff.change',
] as const;
/** `cancelled`: superseded before delivery (a reminder for a handoff that was decided meanwhile). */
export const OUTBOX_STATUSES = ['pending', 'delivered', 'dead', 'cancelled'] as const;

/**
 * Slack side effects written in the same transaction as the state change that needs them, delivered after
 * commit by the outbox worker. Rows are never deleted, so what was sent (or parked) stays auditable.
 */
export const outbox = sqliteTable(
  'outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    dedupeKey: text('dedupe_key').notNull(),
    /** Messages with the same key (one conversation) are delivered one at a time, in id order. */
    channelKey: text('channel_key').notNull(),
    method: text('method', { enum: OUTBOX_METHODS }).notNull(),
    payload: text('payload', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    /** chat.update: the message to edit; chat.postMessage: the message to link to. By its recorded key. */
    targetMessageKey: text('target_message_key'),
    /** For chat.postMessage: remember the posted channel and ts under this key. */
    recordAs: text('record_as'),
    /** For chat.postMessage: reply in the thread of this earlier message (by its recorded key). */
    threadOf: text('thread_of'),
    /** Who reads it: partner rows go to a partner-facing channel and wait there until the app is invited. */
    audience: text('audience', { enum: ['internal', 'partner'] })
      .notNull()
      .default('internal'),
    handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /**
     * Set while a post may have reached Slack without us knowing (sent, then a crash, a timeout or a 5xx): the next
     * attempt first looks for it in the conversation (by its metadata) instead of posting it twice.
     */
    uncertainSince: timestamp('uncertain_since'),
    /**
     * When `nextAttemptAt` was last set (the clock then); null: when the row was queued (`createdAt`). A stamp later
     * than now can only come from a clock that stepped back since (NTP, a restored VM): the row is then due now
     * instead of waiting out the step. A row queued for a later time keeps its time (its stamp is not ahead).
     */
    scheduledAt: timestamp('scheduled_at'),
    /**
     * An intent rendered at delivery: the surface (a message about a handoff, see `surfaces`) this row posts or
     * brings up to date, from the handoff's state when it is sent. Null: `payload` is sent as it is (history).
     */
    surfaceKey: text('surface_key'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_key_idx').on(t.dedupeKey),
    // Looked up by a surface or a record key only (`= ?`, which implies not null): the rows without one, a lifecycle
    // change's among them (one per Accept), write no entry (issue 32).
    index('outbox_surface_key_status_idx').on(t.surfaceKey, t.status).where(sql`${t.surfaceKey} is not null`),
    index('outbox_status_next_attempt_at_idx').on(t.status, t.nextAttemptAt),
    index('outbox_channel_key_status_id_idx').on(t.channelKey, t.status, t.id),
    index('outbox_record_as_idx').on(t.recordAs).where(sql`${t.recordAs} is not null`),
    index('outbox_handoff_id_status_idx').on(t.handoffId, t.status),
  ],
);

/** Where the app's own messages landed, so they can be updated in place later. */
export const postedMessages = sqliteTable('posted_messages', {
  messageKey: text('message_key').primaryKey(),
  channelId: text('channel_id').notNull(),
  ts: text('ts').notNull(),
  handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
  postedAt: timestamp('posted_at').notNull(),
});

export const SURFACE_KINDS = [
  'ae_packet',
  'sent_confirmation',
  'owner_assigned',
  'decision_notice',
  'reminder',
  'expired_owner',
  'escalation',
  'reassigned_notice',
  'extended_owner',
  'extended_ae',
  'withdrawn_notice',
  'outcome_notice',
  'stall_nudge',
  'partner_parent',
  /** The author is asked about partner text held back from the partner (it stopped being true). */
  'held_back_notice',
  /** An owner's or author's report of an outcome: the AE's (Confirm, Not right) and the reporter's. */
  'outcome_report',
  /** The AE's question before deciding: the author's (with Answer, under their confirmation) and the owner's. */
  'question',
  /** The AE's request for more time: the owner's (their one click), and what the AE and the author are told. */
  'more_time',
  /** After the Accept (issue 51): the AE's reminder and check-in of their first step, and the owner's overdue notice. */
  'step_check',
  /** After the Accept (issue 51): the deal handed back or taken back; the owner's (Reassign, Withdraw), the AE's. */
  'taken_back_notice',
] as const;
export type SurfaceKind = (typeof SURFACE_KINDS)[number];

/**
 * Every message the app has sent (or is sending) about a handoff that shows its state: a view of the handoff, brought
 * up to date from the current state whenever the handoff changes. History (a partner thread reply) is not a surface.
 * `wanted` counts the changes asked for; `shown` is the one the message shows (rendered and delivered), so a change
 * that lands while a delivery is in flight is caught up after it.
 */
export const surfaces = sqliteTable(
  'surfaces',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The message's key: its outbox post records it under this key in posted_messages. */
    key: text('key').notNull(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: SURFACE_KINDS }).notNull(),
    /** Who reads it, for the actions it offers: a DM's person; null for a channel. */
    viewerUserId: text('viewer_user_id'),
    channelKey: text('channel_key').notNull(),
    audience: text('audience', { enum: ['internal', 'partner'] })
      .notNull()
      .default('internal'),
    /** What the message is about (the event it reports: its cycle, assignment, step, ...). */
    params: text('params', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
    posted: integer('posted', { mode: 'boolean' }).notNull().default(false),
    wanted: integer('wanted').notNull().default(1),
    shown: integer('shown').notNull().default(0),
    /** The change count the last post attempt was rendered at: a post found after a lost answer shows this one. */
    attempted: integer('attempted').notNull().default(0),
    /** A hash of what Slack shows now: an update that would render the same is not sent. */
    renderedHash: text('rendered_hash'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('surfaces_key_idx').on(t.key), index('surfaces_handoff_id_idx').on(t.handoffId)],
);

/**
 * People who have opened the app's Home tab, with the hash of the view last published to them: after a change to a
 * handoff their Home shows, it is published again (with the hash, so a stale view never replaces a newer one).
 */
export const homeViews = sqliteTable('home_views', {
  userId: text('user_id').primaryKey(),
  /** Slack's hash of the view last published (null until known). */
  hash: text('hash'),
  /** The metrics period a RevOps reader picked. */
  period: text('period'),
  /** Their Home shows program metrics (RevOps, admins): any handoff change is theirs to see. */
  metrics: integer('metrics', { mode: 'boolean' }).notNull().default(false),
  /** Changes asked for, and the one the Home last published shows: a change during a publish is caught up. */
  wanted: integer('wanted').notNull().default(0),
  shown: integer('shown').notNull().default(0),
  openedAt: timestamp('opened_at').notNull(),
});

/**
 * A validated packet waiting in the review step. Keyed by the packet modal's view, so editing and submitting
 * again replaces it, and sending it twice stores one handoff.
 */
export const drafts = sqliteTable('drafts', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  sourceViewId: text('source_view_id').notNull().unique(),
  authorUserId: text('author_user_id').notNull(),
  teamId: text('team_id').notNull(),
  /** Everything needed to send: the packet, the AE's details, the scorecard and the checks, as reviewed. */
  content: text('content', { mode: 'json' }).notNull().$type<Record<string, unknown>>(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** Every outcome step recorded after acceptance: append-only, so the deal's history stays visible. */
export const outcomes = sqliteTable(
  'outcomes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
    /** The CRM opportunity (id or link) when one was created: internal. */
    crmOpportunity: text('crm_opportunity'),
    reasonCode: text('reason_code'),
    /** Internal only: never rendered where a partner can see it. */
    note: text('note'),
    recordedByUserId: text('recorded_by_user_id').notNull(),
    recordedAt: timestamp('recorded_at').notNull(),
  },
  (t) => [uniqueIndex('outcomes_handoff_id_outcome_idx').on(t.handoffId, t.outcome)],
);

/** The outcome report's states: waiting for the AE, confirmed by them, declined ("Not right"), replaced by a newer one. */
export const OUTCOME_REPORT_STATUSES = ['pending', 'confirmed', 'declined', 'replaced'] as const;

/**
 * An owner's or author's report of an outcome step, for the AE to confirm: nothing reaches the partner until the AE
 * confirms it (then it is recorded in `outcomes` as the AE's step). One waits per handoff (a newer one replaces it).
 */
export const outcomeReports = sqliteTable(
  'outcome_reports',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
    /** What the reporter wrote in the step's modal (internal), recorded with the step when the AE confirms. */
    crmOpportunity: text('crm_opportunity'),
    reasonCode: text('reason_code'),
    note: text('note'),
    reportedByUserId: text('reported_by_user_id').notNull(),
    reportedAt: timestamp('reported_at').notNull(),
    status: text('status', { enum: OUTCOME_REPORT_STATUSES }).notNull(),
    answeredByUserId: text('answered_by_user_id'),
    answeredAt: timestamp('answered_at'),
  },
  (t) => [index('outcome_reports_handoff_id_status_idx').on(t.handoffId, t.status)],
);

/**
 * A question the AE asked the author before deciding (issue 51 item 3), one per assignment, and its answer. Internal:
 * never shown where the partner reads. While it waits, the AE's clock may be paused (`pausedAt`, until
 * `pauseEndedAt`: the answer, the pause's longest, a decision, a move); the pause does not count in the AE's time to
 * decision.
 */
export const questions = sqliteTable(
  'questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    /** The assignment (which AE) that asked. */
    assignment: integer('assignment').notNull(),
    askedByUserId: text('asked_by_user_id').notNull(),
    askedAt: timestamp('asked_at').notNull(),
    text: text('text').notNull(),
    pausedAt: timestamp('paused_at'),
    pauseEndedAt: timestamp('pause_ended_at'),
    answer: text('answer'),
    answeredByUserId: text('answered_by_user_id'),
    answeredAt: timestamp('answered_at'),
  },
  // One question per AE of the handoff: a double submit or a retry stores one.
  (t) => [uniqueIndex('questions_handoff_id_assignment_idx').on(t.handoffId, t.assignment)],
);

/** The audit trail of RevOps corrections to a handoff's classification: who, when, from, to, why. */
export const classificationCorrections = sqliteTable(
  'classification_corrections',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    fromClassification: text('from_classification').notNull(),
    toClassification: text('to_classification').notNull(),
    reason: text('reason').notNull(),
    correctedByUserId: text('corrected_by_user_id').notNull(),
    correctedAt: timestamp('corrected_at').notNull(),
  },
  (t) => [index('classification_corrections_handoff_id_idx').on(t.handoffId)],
);

/** Resellers registered on an account, maintained by RevOps; a different partner on that account is a conflict. */
export const registeredResellers = sqliteTable(
  'registered_resellers',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    accountKey: text('account_key').notNull(),
    accountName: text('account_name').notNull(),
    resellerKey: text('reseller_key').notNull(),
    resellerName: text('reseller_name').notNull(),
    addedByUserId: text('added_by_user_id').notNull(),
    addedAt: timestamp('added_at').notNull(),
  },
  (t) => [uniqueIndex('registered_resellers_account_key_reseller_key_idx').on(t.accountKey, t.resellerKey)],
);

export const HANDOFF_EVENT_TYPES = [
  'sent',
  'reminded',
  'accepted',
  'declined',
  'expired',
  'reassigned',
  'extended',
  'withdrawn',
  'stall_nudged',
  'meeting_held',
  'opportunity_created',
  'won',
  'lost',
  'classification_corrected',
  /** The author (or owner, or an admin) changed the packet while it was undecided; `detail.fields` says what. */
  'edited',
  /** After the AE's answer, a note to the AE (a reply under their packet); `detail.length` its size. */
  'note_added',
  /** An escalation policy's level notified people (or found nobody to reassign to); `detail` says which. */
  'escalated',
  /** The owner or author reported an outcome for the AE to confirm; `detail.outcome` says which. */
  'outcome_reported',
  /** The AE said a reported outcome is not right; `detail.outcome` and `detail.reportedBy`. */
  'outcome_report_declined',
  /** An outcome step undone within its undo window, before the partner heard it; `detail.outcome`. */
  'outcome_undone',
  /** The AE asked the author a question before deciding; `detail.question` its id, `detail.paused` the clock's pause. */
  'question_asked',
  /** The author answered it; `detail.pausedHours`: business hours the AE's clock was paused. */
  'question_answered',
  /** The pause reached QUESTION_PAUSE_DAYS without an answer: the AE's clock runs again. */
  'clock_resumed',
  /** The AE asked for more time (`detail.days`); `detail.approval`: at once, or the owner's. */
  'more_time_asked',
  /** More time given: by the owner (the actor), or by the app at once (no actor); `detail.days`. */
  'more_time_granted',
  /** After the Accept (issue 51): the AE handed the deal back to the owner, before any outcome. */
  'handed_back',
  /**
   * The AE's first step went silent past the policy's take-back: the deal left them; `detail.due` the step's date,
   * `detail.to` the owner or `pool` (then a `reassigned` event follows, in the same transaction).
   */
  'taken_back',
  /** An admin asked the AE of a deal accepted before first steps to name one (`/handoff steps ask`). */
  'step_asked',
  /** The AE named the first step of such a deal; `detail.step`, `detail.due`. */
  'step_named',
  /** After the Accept: the AE reminded of their first step before its date (`detail.due`). */
  'step_reminded',
  /** The AE asked on the step's date how it went (`detail.due`). */
  'step_checked_in',
  /** No news of the step once the grace passed: the owner told (`detail.due`). */
  'step_overdue',
  /** The AE gave the step a new date (`detail.from`, `detail.to`; `detail.ownerTold` from the second on). */
  'step_new_date',
  /**
   * A Slack message attached with "Add to handoff" (issue 52 item 5) by the actor: `detail.permalink`, its link;
   * `detail.excerpt`, at most 200 characters of its text; `detail.byName`, the actor's name when Slack gave it.
   */
  'message_added',
] as const;
export type HandoffEventType = (typeof HANDOFF_EVENT_TYPES)[number];

/**
 * The touch log: one row per state change of a handoff, written in the same transaction as the change. Append-only
 * (triggers in migration 0004 refuse UPDATE and DELETE), so the history RevOps reads is the history that happened.
 */
export const handoffEvents = sqliteTable(
  'handoff_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    type: text('type', { enum: HANDOFF_EVENT_TYPES }).notNull(),
    /** The handoff's status before and after (equal for events that do not move it, such as a reminder). */
    fromStatus: text('from_status', { enum: HANDOFF_STATUSES }),
    toStatus: text('to_status', { enum: HANDOFF_STATUSES }).notNull(),
    /** Who did it; null for the app itself (sweep: reminders, expiry, nudges). */
    actorUserId: text('actor_user_id'),
    actorTeamId: text('actor_team_id'),
    /** The AE the handoff was with after this event, and which assignment and window it belonged to. */
    aeUserId: text('ae_user_id').notNull(),
    assignment: integer('assignment').notNull(),
    cycle: integer('cycle').notNull(),
    at: timestamp('at').notNull(),
    /** Accepted and declined: business hours from the request to the AE (send or reassignment) to the answer. */
    businessHours: real('business_hours'),
    /** What else matters for this kind of event (reason code, reminder number, extra days, previous AE, ...). */
    detail: text('detail', { mode: 'json' }).$type<Record<string, unknown>>(),
  },
  // Each index, the queries that use it (EXPLAIN QUERY PLAN over the statements the integration tests run); every
  // event writes an entry in each. `(ae_user_id, type)` served the metrics before metric_facts (migration 0009) and
  // no query since: dropped (migrations 0034, pg 0011).
  (t) => [
    // A handoff's touch log, in order (its page, the export, the partner thread's history, the window's events).
    index('handoff_events_handoff_id_id_idx').on(t.handoffId, t.id),
    // Events of a type (a pool's last pick, the export's columns by type).
    index('handoff_events_type_at_idx').on(t.type, t.at),
    // Whether anything happened before a moment (the digest).
    index('handoff_events_at_idx').on(t.at),
  ],
);

export const HELP_REQUEST_STATUSES = ['open', 'claimed'] as const;

/** An AE asking partner marketing for partner help on an account: routed to a channel, tracked, counted. */
export const helpRequests = sqliteTable(
  'help_requests',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The modal view that produced it: a double submit stores one request. */
    sourceViewId: text('source_view_id').notNull(),
    requestedByUserId: text('requested_by_user_id').notNull(),
    requestedByTeamId: text('requested_by_team_id').notNull(),
    accountName: text('account_name').notNull(),
    accountKey: text('account_key').notNull(),
    /** A partner the AE has in mind (optional). */
    partnerOrg: text('partner_org'),
    partnerKey: text('partner_key'),
    ask: text('ask').notNull(),
    status: text('status', { enum: HELP_REQUEST_STATUSES }).notNull(),
    claimedByUserId: text('claimed_by_user_id'),
    claimedAt: timestamp('claimed_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('help_requests_source_view_id_idx').on(t.sourceViewId),
    index('help_requests_created_at_idx').on(t.createdAt),
  ],
);

/** Chart images already uploaded to Slack, by a hash of their content: the same picture is uploaded once. */
export const chartFiles = sqliteTable('chart_files', {
  contentHash: text('content_hash').primaryKey(),
  fileId: text('file_id').notNull(),
  uploadedAt: timestamp('uploaded_at').notNull(),
});

export type HandoffRow = typeof handoffs.$inferSelect;
export type SurfaceRow = typeof surfaces.$inferSelect;
export type NewHandoffRow = typeof handoffs.$inferInsert;
export type DecisionRow = typeof decisions.$inferSelect;
export type HandoffScorecardRow = typeof handoffScorecards.$inferSelect;
export type OutboxRow = typeof outbox.$inferSelect;
export type DraftRow = typeof drafts.$inferSelect;
export type OutcomeRow = typeof outcomes.$inferSelect;
export type OutcomeReportRow = typeof outcomeReports.$inferSelect;
export type QuestionRow = typeof questions.$inferSelect;
export type ResellerRow = typeof registeredResellers.$inferSelect;
export type HandoffEventRow = typeof handoffEvents.$inferSelect;
export type NewHandoffEventRow = typeof handoffEvents.$inferInsert;
export type HelpRequestRow = typeof helpRequests.$inferSelect;
export type PartnerRow = typeof partners.$inferSelect;
export type PartnerChannelRow = typeof partnerChannels.$inferSelect;
export type PartnerWorkspaceRow = typeof partnerWorkspaces.$inferSelect;
export type RemovedChannelRow = typeof removedChannels.$inferSelect;
export type ChannelAccessNoticeRow = typeof channelAccessNotices.$inferSelect;

/**
 * Each AE's first accepted handoff overall ('' scope), per partner and per author, and the first accept after it
 * of a different handoff: whether an accept had an earlier one (repeat use) is then one lookup, not a scan of the
 * AE's history. Kept by a trigger on handoff_events (migration 0006), so it cannot drift from the touch log.
 */
export const firstAccepts = sqliteTable(
  'first_accepts',
  {
    aeUserId: text('ae_user_id').notNull(),
    scope: text('scope', { enum: ['', 'partner', 'author'] }).notNull(),
    scopeKey: text('scope_key').notNull(),
    firstEventId: integer('first_event_id').notNull(),
    firstHandoffId: integer('first_handoff_id').notNull(),
    /** The first later accept of another handoff (null until there is one). */
    secondEventId: integer('second_event_id'),
  },
  (t) => [primaryKey({ columns: [t.aeUserId, t.scope, t.scopeKey] })],
);

/**
 * The touch log as the metrics read it: one narrow row per metric event (sent, reassigned, accepted, declined,
 * expired and the outcome steps), with the handoff's partner, author and score copied in, clustered by time
 * (WITHOUT ROWID, hand-added in migration 0009, which drizzle-kit does not track). Kept by a trigger on
 * handoff_events, so it is written in the same transaction as the event; the migration backfills it. A period's
 * metrics are then one contiguous range read instead of a lookup of each event and a join to its 2 KB handoff.
 * The partner, author and score of a handoff never change once it is sent; its classification can (a RevOps
 * correction), so that one is still read from the handoff.
 */
export const metricFacts = sqliteTable(
  'metric_facts',
  {
    at: timestamp('at').notNull(),
    eventId: integer('event_id').notNull(),
    type: text('type', { enum: HANDOFF_EVENT_TYPES }).notNull(),
    handoffId: integer('handoff_id').notNull(),
    aeUserId: text('ae_user_id').notNull(),
    businessHours: real('business_hours'),
    partnerKey: text('partner_key').notNull(),
    partnerOrg: text('partner_org').notNull(),
    authorUserId: text('author_user_id').notNull(),
    score: integer('score'),
  },
  (t) => [primaryKey({ columns: [t.at, t.eventId] })],
);

/**
 * One row the health check writes (`GET /healthz`, and once at start): a real write, so a database that can be read
 * but not written (a full disk, a read-only file) answers unhealthy. The row is overwritten, never added to.
 */
export const healthProbe = sqliteTable('health_probe', {
  id: integer('id').primaryKey(),
  probedAt: timestamp('probed_at').notNull(),
});

/**
 * Cover: who answers for an AE while they are away (`/handoff cover`), until a day (inclusive, in the AE's
 * calendar). New handoffs to the AE offer the cover; escalation levels can target it. One per AE. Naming a cover does
 * not make the AE away: only their Slack status, or the days they gave (`awayFrom` to `until`), do (issue 50).
 */
export const covers = sqliteTable('covers', {
  aeUserId: text('ae_user_id').primaryKey(),
  coverUserId: text('cover_user_id').notNull(),
  /** The last day of the cover, YYYY-MM-DD. */
  until: text('until').notNull(),
  setAt: timestamp('set_at').notNull(),
  /**
   * The first day the AE said they are away, YYYY-MM-DD in their calendar (away from it through `until`); null: no
   * dates given, the cover answers only while their Slack status says they are away.
   */
  awayFrom: text('away_from'),
});
export type CoverRow = typeof covers.$inferSelect;

/**
 * Which process runs a scheduled job's slot (issue 34): the first to claim it, for a lease; a claim whose run never
 * finished can be taken over once its lease has passed. So each slot runs once across replicas (runtime/jobClaims.ts).
 */
export const jobClaims = sqliteTable(
  'job_claims',
  {
    job: text('job').notNull(),
    /** The slot of the schedule the run stands for (the cron time, the same in every process). */
    slot: timestamp('slot').notNull(),
    holder: text('holder').notNull(),
    claimedAt: timestamp('claimed_at').notNull(),
    leaseUntil: timestamp('lease_until').notNull(),
    doneAt: timestamp('done_at'),
  },
  (t) => [primaryKey({ columns: [t.job, t.slot] })],
);
export type JobClaimRow = typeof jobClaims.$inferSelect;

/**
 * What Slack last said of each internal channel the app posts to (the settings' and the policy file's): shared with
 * another organization or not, and when it said so. Every process reads the newest word, whichever process heard it
 * (a start-time check, a `channel_shared` event, a re-check): issue 34, replicas (partners/internalChannels.ts).
 */
export const internalChannelSharing = sqliteTable('internal_channel_sharing', {
  channelId: text('channel_id').primaryKey(),
  shared: integer('shared', { mode: 'boolean' }).notNull(),
  checkedAt: timestamp('checked_at').notNull(),
});

/**
 * Which process delivers each outbox conversation (channel key), until when (issue 34, replicas): one at a time, so a
 * conversation's messages go out in order and paced; a lease that is not renewed (its process died) is taken over
 * once it has passed (outbox/leases.ts, db/repositories/outboxLeases.ts).
 */
export const outboxLeases = sqliteTable('outbox_leases', {
  channelKey: text('channel_key').primaryKey(),
  holder: text('holder').notNull(),
  leaseUntil: timestamp('lease_until').notNull(),
});
export type OutboxLeaseRow = typeof outboxLeases.$inferSelect;

/**
 * Slack's word, by an event, that the app was uninstalled or its bot token revoked (`app_uninstalled`,
 * `tokens_revoked`), per bot token (a SHA-256 of it, never the token itself): every process on the database reads
 * it, whichever one Slack told (issue 50 item 23), and holds its outbox and the jobs that call Slack while it runs
 * with that token. A start whose auth.test accepts the token forgets its row (runtime/revocations.ts).
 */
export const slackRevocations = sqliteTable('slack_revocations', {
  tokenHash: text('token_hash').primaryKey(),
  event: text('event', { enum: ['app_uninstalled', 'tokens_revoked'] }).notNull(),
  revokedAt: timestamp('revoked_at').notNull(),
});

/**
 * The Slack installations this deployment serves (issue 55). One row per workspace or Enterprise Grid org: its ids in
 * the clear (to find it, and to compare a request's ids with), and what @slack/oauth calls the installation (its bot
 * and user tokens, refresh tokens, scopes) sealed with SLACK_TOKEN_KEY (AES-256-GCM, src/install/seal.ts), never in
 * the clear. `source` says how it came: `token` (SLACK_BOT_TOKEN: the identity only, no token stored) or `oauth`
 * (/slack/install). An uninstall deletes the sealed tokens and keeps the row (`uninstalled_at`).
 */
export const installations = sqliteTable('installations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  /** `E…` for an org-wide install, else the workspace's `T…`: one row per installation. */
  installKey: text('install_key').notNull().unique(),
  teamId: text('team_id'),
  enterpriseId: text('enterprise_id'),
  isEnterpriseInstall: integer('is_enterprise_install', { mode: 'boolean' }).notNull().default(false),
  appId: text('app_id'),
  botUserId: text('bot_user_id'),
  botId: text('bot_id'),
  source: text('source', { enum: ['token', 'oauth'] }).notNull(),
  /** The installation as @slack/oauth gives it, JSON, sealed; null for `token` and after an uninstall. */
  sealed: text('sealed'),
  /** When the bot token expires (token rotation), so a refresh is due without opening the seal; null: never. */
  botTokenExpiresAt: timestamp('bot_token_expires_at'),
  installerUserId: text('installer_user_id'),
  installedAt: timestamp('installed_at').notNull(),
  updatedAt: timestamp('updated_at').notNull(),
  uninstalledAt: timestamp('uninstalled_at'),
});
export type InstallationRow = typeof installations.$inferSelect;

/**
 * The partner program as data (issue 53): pools, escalation policies, routes, limits, managers, closures, holiday
 * regions, roles and each person's days, one entry per edit. Append-only: the current value of a part is its newest
 * entry (`body` null: removed), the older ones are its history (who, when, before and after) and the versions
 * handoffs stay pinned to (handoffs.policy_version). Read by src/program/.
 */
export const programLog = sqliteTable(
  'program_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The part's kind (src/program/kinds.ts): `pool`, `policy`, `routes`, `roles`, `person`… */
    kind: text('kind').notNull(),
    /** Which one of its kind: the pool's or policy's id, the person's user id; `-` for a kind with one value. */
    key: text('key').notNull(),
    /** The value, in the policy file's own JSON shape where the file has one; null: removed. */
    body: text('body', { mode: 'json' }).$type<unknown>(),
    /** Who: a Slack user id, or `import` (the settings and file read at the first start) or `config` (the CLI). */
    actor: text('actor').notNull(),
    /** Why, when it says more than the edit: "imported from ESCALATION_POLICY_FILE", "applied to open handoffs". */
    note: text('note'),
    at: timestamp('at').notNull(),
  },
  (t) => [index('program_log_part').on(t.kind, t.key, t.id)],
);
export type ProgramLogRow = typeof programLog.$inferSelect;

/**
 * Who follows a handoff (issue 53 item 6): an internal person who may view it chose to hear of its decisions (and,
 * with `all`, its outcomes) in their DMs. Unfollow deletes the row. Nobody outside our workspaces is ever stored here,
 * and nothing of it is shown to the partner.
 */
export const handoffFollowers = sqliteTable(
  'handoff_followers',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    userId: text('user_id').notNull(),
    notify: text('notify', { enum: FOLLOW_CHOICES }).notNull(),
    createdAt: timestamp('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.handoffId, t.userId] })],
);
export type HandoffFollowerRow = typeof handoffFollowers.$inferSelect;

/**
 * Money read back from the CRM (issue 54): what each linked handoff's opportunity or deal says now, one row per
 * handoff, rewritten when a poll reads a change. Internal: no partner view reads it.
 */
export const crmMoney = sqliteTable(
  'crm_money',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    recordId: text('record_id').notNull(),
    amount: real('amount'),
    currency: text('currency'),
    /** The amount in the CRM's corporate currency as the CRM converted it (HubSpot), else null. */
    amountCorporate: real('amount_corporate'),
    stage: text('stage'),
    closed: integer('closed', { mode: 'boolean' }).notNull(),
    won: integer('won', { mode: 'boolean' }).notNull(),
    closeDate: text('close_date'),
    owner: text('owner'),
    /** The last poll that read the record (the figures' as-of time). */
    readAt: timestamp('read_at').notNull(),
    /** When the poll first read what the row now holds. */
    changedAt: timestamp('changed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.handoffId] })],
);
export type CrmMoneyRow = typeof crmMoney.$inferSelect;

/** Every change the read-back saw, append-only: the history behind `crm_money`. */
export const crmMoneyHistory = sqliteTable(
  'crm_money_history',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    recordId: text('record_id').notNull(),
    amount: real('amount'),
    currency: text('currency'),
    amountCorporate: real('amount_corporate'),
    stage: text('stage'),
    closed: integer('closed', { mode: 'boolean' }).notNull(),
    won: integer('won', { mode: 'boolean' }).notNull(),
    closeDate: text('close_date'),
    owner: text('owner'),
    at: timestamp('at').notNull(),
  },
  (t) => [index('crm_money_history_handoff').on(t.handoffId, t.id)],
);
export type CrmMoneyHistoryRow = typeof crmMoneyHistory.$inferSelect;

/** A CRM's corporate currency and conversion rates as last read (`CrmCurrency`), one row per CRM. */
export const crmCurrencies = sqliteTable('crm_currencies', {
  system: text('system', { enum: CRM_SYSTEMS }).primaryKey(),
  corporate: text('corporate'),
  rates: text('rates', { mode: 'json' })
    .$type<{ currency: string; perCorporate: number; from: string | null; to: string | null }[]>()
    .notNull(),
  readAt: timestamp('read_at').notNull(),
});
export type CrmCurrencyRow = typeof crmCurrencies.$inferSelect;

/**
 * "Review attribution" items (issue 54): the CRM's read-back contradicts the class chosen at entry. Credit is fixed at
 * entry and changed only by an audited decision (seed 002): the item holds the evidence until RevOps decides.
 */
export const attributionReviews = sqliteTable(
  'attribution_reviews',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    /** What the CRM says, in the app's words and figures (record, its creation day, the class it gives). */
    evidence: text('evidence', { mode: 'json' }).$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['open', 'kept', 'corrected'] }).notNull(),
    openedAt: timestamp('opened_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at'),
    note: text('note'),
  },
  (t) => [index('attribution_reviews_status').on(t.status, t.handoffId)],
);
export type AttributionReviewRow = typeof attributionReviews.$inferSelect;
