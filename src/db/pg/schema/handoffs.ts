import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { AttributionBasis } from '../../../domain/attribution.js';
import { CRM_SYSTEMS } from '../../../domain/crmFacts.js';
import { DECLINE_REASON_CODES } from '../../../domain/decline.js';
import type { Step } from '../../../domain/escalation.js';
import { DECISIONS, HANDOFF_STATUSES, MORE_TIME_STATES, STEP_CHECKS } from '../../../domain/lifecycle.js';
import { OUTCOMES } from '../../../domain/outcomes.js';
import type { ComponentResult } from '../../../domain/scoring.js';
import type { AccountFinding } from '../../schema.js';
import { createdAt, id, installationId, optionalChannelId, timestamp, updatedAt } from '../columns.js';

export const handoffs = pgTable(
  'handoffs',
  {
    id: id(),
    teamId: text('team_id').notNull(),
    sourceViewId: text('source_view_id').notNull(),
    status: text('status', { enum: HANDOFF_STATUSES }).notNull(),
    authorUserId: text('author_user_id').notNull(),
    ownerUserId: text('owner_user_id').notNull(),
    aeUserId: text('ae_user_id').notNull(),
    aeTeamId: text('ae_team_id').notNull(),
    aeName: text('ae_name').notNull(),
    aeTimeZone: text('ae_time_zone').notNull(),
    partnerChannelId: optionalChannelId('partner_channel_id').notNull(),
    partnerId: integer('partner_id'),

    accountName: text('account_name').notNull(),
    crmOpportunity: text('crm_opportunity'),
    crmSystem: text('crm_system', { enum: CRM_SYSTEMS }),
    crmRecordId: text('crm_record_id'),
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
    partnerNextMoveConfirmed: text('partner_next_move_confirmed'),
    partnerAgreedInWriting: boolean('partner_agreed_in_writing').notNull(),
    riskNote: text('risk_note'),
    evidenceUrl: text('evidence_url'),
    responseWindowDays: integer('response_window_days').notNull(),

    sentAt: timestamp('sent_at').notNull(),
    dueAt: timestamp('due_at').notNull(),
    decidedAt: timestamp('decided_at'),
    assignment: integer('assignment').notNull().default(1),
    cycle: integer('cycle').notNull().default(1),
    windowStartedAt: timestamp('window_started_at'),
    askedAt: timestamp('asked_at'),
    windowDays: integer('window_days'),
    reminderSchedule: jsonb('reminder_schedule').$type<number[]>(),
    nextReminderAt: timestamp('next_reminder_at'),
    escalationPolicy: text('escalation_policy'),
    policyVersion: integer('policy_version'),
    escalationSteps: jsonb('escalation_steps').$type<Step[]>(),
    nextEscalationAt: timestamp('next_escalation_at'),
    expiredAt: timestamp('expired_at'),
    withdrawnAt: timestamp('withdrawn_at'),
    withdrawnByUserId: text('withdrawn_by_user_id'),

    accountKey: text('account_key').notNull().default(''),
    accountDomain: text('account_domain'),
    partnerKey: text('partner_key').notNull().default(''),
    onPriorityList: boolean('on_priority_list').notNull().default(false),
    opportunityCreatedOn: text('opportunity_created_on'),
    partnerTouchOn: text('partner_touch_on'),
    score: integer('score'),
    scoreBand: text('score_band', { enum: ['ready', 'fix', 'keep_building'] }),
    scorecard: jsonb('scorecard').$type<ComponentResult[]>(),
    classification: text('classification', { enum: ['partner_sourced', 'partner_influenced'] }),
    classificationReason: text('classification_reason'),
    attribution: jsonb('attribution').$type<AttributionBasis>(),
    classifiedLink: text('classified_link'),
    overrideReason: text('override_reason'),
    findings: jsonb('findings').$type<AccountFinding[]>(),
    editCount: integer('edit_count').notNull().default(0),
    editedAt: timestamp('edited_at'),
    editedFields: jsonb('edited_fields').$type<string[]>(),

    outcome: text('outcome', { enum: OUTCOMES }),
    lastActivityAt: timestamp('last_activity_at'),
    nextStallNudgeAt: timestamp('next_stall_nudge_at'),
    stallNudgedAt: timestamp('stall_nudged_at'),
    questionAssignment: integer('question_assignment'),
    questionOpen: boolean('question_open').notNull().default(false),
    pausedAt: timestamp('paused_at'),
    pauseEndsAt: timestamp('pause_ends_at'),
    moreTime: text('more_time', { enum: MORE_TIME_STATES }),
    moreTimeDays: integer('more_time_days'),
    firstStep: text('first_step'),
    firstStepDue: text('first_step_due'),
    estimatedValue: integer('estimated_value'),
    stepCheck: text('step_check', { enum: STEP_CHECKS }),
    nextStepCheckAt: timestamp('next_step_check_at'),
    firstStepDoneAt: timestamp('first_step_done_at'),
    stepNewDates: integer('step_new_dates').notNull().default(0),
    takenBackAt: timestamp('taken_back_at'),
    sourceUrl: text('source_url'),
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
  (t) => [
    uniqueIndex('handoffs_source_view_id_idx').on(t.installationId, t.sourceViewId),
    index('handoffs_status_due_at_idx').on(t.status, t.dueAt),
    index('handoffs_status_next_reminder_at_idx')
      .on(t.status, t.nextReminderAt)
      .where(sql`${t.nextReminderAt} is not null`),
    index('handoffs_status_next_escalation_at_idx')
      .on(t.status, t.nextEscalationAt)
      .where(sql`${t.nextEscalationAt} is not null`),
    index('handoffs_owner_user_id_status_idx').on(t.ownerUserId, t.status),
    index('handoffs_account_key_idx').on(t.accountKey),
    index('handoffs_account_domain_idx').on(t.accountDomain),
    index('handoffs_status_next_step_check_at_idx')
      .on(t.status, t.nextStepCheckAt)
      .where(sql`${t.nextStepCheckAt} is not null`),
    index('handoffs_status_next_stall_nudge_at_idx')
      .on(t.status, t.nextStallNudgeAt)
      .where(sql`${t.nextStallNudgeAt} is not null`),
    index('handoffs_ae_user_id_status_idx').on(t.aeUserId, t.status),
    index('handoffs_author_user_id_idx').on(t.authorUserId),
    index('handoffs_sent_at_idx').on(t.sentAt),
    index('handoffs_partner_id_idx').on(t.partnerId),
    index('handoffs_stalled_idx').on(t.lastActivityAt).where(sql`${t.stallNudgedAt} is not null`),
    index('handoffs_crm_record_idx').on(t.crmSystem, t.crmRecordId).where(sql`${t.crmRecordId} is not null`),
    index('handoffs_status_pause_ends_at_idx')
      .on(t.status, t.pauseEndsAt)
      .where(sql`${t.pauseEndsAt} is not null`),
  ],
);

export const handoffScorecards = pgTable(
  'handoff_scorecards',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    components: jsonb('components').notNull().$type<ComponentResult[]>(),
    scoredAt: timestamp('scored_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.handoffId] })],
);

export const decisions = pgTable(
  'decisions',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    assignment: integer('assignment').notNull().default(1),
    decision: text('decision', { enum: DECISIONS }).notNull(),
    reasonCode: text('reason_code', { enum: DECLINE_REASON_CODES as [string, ...string[]] }),
    note: text('note'),
    decidedByUserId: text('decided_by_user_id').notNull(),
    decidedByTeamId: text('decided_by_team_id').notNull(),
    decidedAt: timestamp('decided_at').notNull(),
    installationId: installationId(),
  },
  (t) => [uniqueIndex('decisions_handoff_id_assignment_idx').on(t.installationId, t.handoffId, t.assignment)],
);

export const drafts = pgTable(
  'drafts',
  {
    id: id(),
    sourceViewId: text('source_view_id').notNull(),
    authorUserId: text('author_user_id').notNull(),
    teamId: text('team_id').notNull(),
    content: jsonb('content').notNull().$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  (t) => [uniqueIndex('drafts_source_view_id_unique').on(t.installationId, t.sourceViewId)],
);
