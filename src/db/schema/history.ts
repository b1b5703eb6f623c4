import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { FOLLOW_CHOICES } from '../../domain/following.js';
import { HANDOFF_STATUSES } from '../../domain/lifecycle.js';
import { OUTCOMES } from '../../domain/outcomes.js';
import { createdAt, installationId, type Stored, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';

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
    messageKey: text('message_key').notNull(),
    channelId: text('channel_id').notNull(),
    readerUserId: text('reader_user_id').notNull(),
    handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
    toldAt: timestamp('told_at').notNull(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.messageKey] }),
    uniqueIndex('channel_access_notices_channel_handoff_idx').on(t.installationId, t.channelId, t.handoffId),
  ],
);

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
    installationId: installationId(),
  },
  (t) => [uniqueIndex('outcomes_handoff_id_outcome_idx').on(t.installationId, t.handoffId, t.outcome)],
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
    installationId: installationId(),
  },
  (t) => [index('outcome_reports_handoff_id_status_idx').on(t.handoffId, t.status)],
);

/**
 * A question the AE asked the author before deciding, one per assignment, and its answer. Internal:
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
    installationId: installationId(),
  },
  // One question per AE of the handoff: a double submit or a retry stores one.
  (t) => [uniqueIndex('questions_handoff_id_assignment_idx').on(t.installationId, t.handoffId, t.assignment)],
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
    installationId: installationId(),
  },
  (t) => [index('classification_corrections_handoff_id_idx').on(t.handoffId)],
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
  /** After the Accept: the AE handed the deal back to the owner, before any outcome. */
  'handed_back',
  /**
   * The AE's first step went silent past the policy's take-back: the deal left them; `detail.due` the step's date,
   * `detail.to` the owner or `pool` (then a `reassigned` event follows, in the same transaction).
   */
  'taken_back',
  /**
   * Back with its owner and given to nobody: the owner reminded on a working morning; `detail.days`
   * the business days it has waited, `detail.manager` their manager told with it.
   */
  'owner_reminded',
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
   * A Slack message attached with "Add to handoff" by the actor: `detail.permalink`, its link;
   * `detail.excerpt`, at most 200 characters of its text; `detail.byName`, the actor's name when Slack gave it.
   */
  'message_added',
  /**
   * The AE a cover answered this handoff for (sent to their cover, or moved to it) was told of it on their return, in
   * their "While you were away" DM (escalation/coverReturns.ts); `detail.coverFor`: that AE.
   */
  'cover_returned',
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
    installationId: installationId(),
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
    installationId: installationId(),
  },
  (t) => [
    uniqueIndex('help_requests_source_view_id_idx').on(t.installationId, t.sourceViewId),
    index('help_requests_created_at_idx').on(t.createdAt),
  ],
);

export type OutcomeRow = Stored<typeof outcomes.$inferSelect>;

export type OutcomeReportRow = Stored<typeof outcomeReports.$inferSelect>;

export type QuestionRow = Stored<typeof questions.$inferSelect>;

export type HandoffEventRow = Stored<typeof handoffEvents.$inferSelect>;

export type NewHandoffEventRow = typeof handoffEvents.$inferInsert;

export type HelpRequestRow = Stored<typeof helpRequests.$inferSelect>;

export type ChannelAccessNoticeRow = Stored<typeof channelAccessNotices.$inferSelect>;

/**
 * Who follows a handoff: an internal person who may view it chose to hear of its decisions (and,
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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.handoffId, t.userId] })],
);

export type HandoffFollowerRow = Stored<typeof handoffFollowers.$inferSelect>;

/**
 * "Review attribution" items: the CRM's read-back contradicts the class chosen at entry. Credit is fixed at
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
    installationId: installationId(),
  },
  (t) => [index('attribution_reviews_status').on(t.status, t.handoffId)],
);

export type AttributionReviewRow = Stored<typeof attributionReviews.$inferSelect>;
