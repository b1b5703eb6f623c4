import {
  type AnyPgColumn,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { FOLLOW_CHOICES } from '../../../domain/following.js';
import { HANDOFF_STATUSES } from '../../../domain/lifecycle.js';
import { OUTCOMES } from '../../../domain/outcomes.js';
import { HANDOFF_EVENT_TYPES, HELP_REQUEST_STATUSES, OUTCOME_REPORT_STATUSES } from '../../schema.js';
import { createdAt, id, installationId, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';

/** A warning that the app is not in a channel, edited once it is back (SQLite: channel_access_notices). */
export const channelAccessNotices = pgTable(
  'channel_access_notices',
  {
    messageKey: text('message_key').notNull(),
    channelId: text('channel_id').notNull(),
    readerUserId: text('reader_user_id').notNull(),
    handoffId: integer('handoff_id').references((): AnyPgColumn => handoffs.id, { onDelete: 'restrict' }),
    toldAt: timestamp('told_at').notNull(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.messageKey] }),
    uniqueIndex('channel_access_notices_channel_handoff_idx').on(t.installationId, t.channelId, t.handoffId),
  ],
);

export const outcomes = pgTable(
  'outcomes',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
    crmOpportunity: text('crm_opportunity'),
    reasonCode: text('reason_code'),
    note: text('note'),
    recordedByUserId: text('recorded_by_user_id').notNull(),
    recordedAt: timestamp('recorded_at').notNull(),
    installationId: installationId(),
  },
  (t) => [uniqueIndex('outcomes_handoff_id_outcome_idx').on(t.installationId, t.handoffId, t.outcome)],
);

export const outcomeReports = pgTable(
  'outcome_reports',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
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

export const questions = pgTable(
  'questions',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
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
  (t) => [uniqueIndex('questions_handoff_id_assignment_idx').on(t.installationId, t.handoffId, t.assignment)],
);

export const classificationCorrections = pgTable(
  'classification_corrections',
  {
    id: id(),
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

/** Append-only: the triggers of migrations-pg/0001 refuse UPDATE, DELETE and TRUNCATE. */
export const handoffEvents = pgTable(
  'handoff_events',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    type: text('type', { enum: HANDOFF_EVENT_TYPES }).notNull(),
    fromStatus: text('from_status', { enum: HANDOFF_STATUSES }),
    toStatus: text('to_status', { enum: HANDOFF_STATUSES }).notNull(),
    actorUserId: text('actor_user_id'),
    actorTeamId: text('actor_team_id'),
    aeUserId: text('ae_user_id').notNull(),
    assignment: integer('assignment').notNull(),
    cycle: integer('cycle').notNull(),
    at: timestamp('at').notNull(),
    businessHours: doublePrecision('business_hours'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    installationId: installationId(),
  },
  (t) => [
    index('handoff_events_handoff_id_id_idx').on(t.handoffId, t.id),
    index('handoff_events_type_at_idx').on(t.type, t.at),
    index('handoff_events_at_idx').on(t.at),
  ],
);

export const helpRequests = pgTable(
  'help_requests',
  {
    id: id(),
    sourceViewId: text('source_view_id').notNull(),
    requestedByUserId: text('requested_by_user_id').notNull(),
    requestedByTeamId: text('requested_by_team_id').notNull(),
    accountName: text('account_name').notNull(),
    accountKey: text('account_key').notNull(),
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

export const handoffFollowers = pgTable(
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

export const attributionReviews = pgTable(
  'attribution_reviews',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    evidence: jsonb('evidence').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: ['open', 'kept', 'corrected'] }).notNull(),
    openedAt: timestamp('opened_at').notNull(),
    decidedBy: text('decided_by'),
    decidedAt: timestamp('decided_at'),
    note: text('note'),
    installationId: installationId(),
  },
  (t) => [index('attribution_reviews_status').on(t.status, t.handoffId)],
);
