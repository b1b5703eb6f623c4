import {
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
} from 'drizzle-orm/pg-core';
import { CRM_SYSTEMS } from '../../../domain/crmFacts.js';
import { HANDOFF_EVENT_TYPES } from '../../schema.js';
import { id, installationId, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';

/** Kept by the trigger handoff_events_first_accepts (migrations-pg/0001), as SQLite's migration 0006 keeps it. */
export const firstAccepts = pgTable(
  'first_accepts',
  {
    aeUserId: text('ae_user_id').notNull(),
    scope: text('scope', { enum: ['', 'partner', 'author'] }).notNull(),
    scopeKey: text('scope_key').notNull(),
    firstEventId: integer('first_event_id').notNull(),
    firstHandoffId: integer('first_handoff_id').notNull(),
    secondEventId: integer('second_event_id'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.aeUserId, t.scope, t.scopeKey] })],
);

/**
 * Kept by the trigger handoff_events_metric_facts (migrations-pg/0001), as SQLite's migrations 0009, 0010 and 0019
 * keep it. SQLite stores it WITHOUT ROWID, clustered by (at, event_id); Postgres has no table kept in key order (its
 * CLUSTER is one-off), so here a period's range is read through the primary key's index instead.
 */
export const metricFacts = pgTable(
  'metric_facts',
  {
    at: timestamp('at').notNull(),
    eventId: integer('event_id').notNull(),
    type: text('type', { enum: HANDOFF_EVENT_TYPES }).notNull(),
    handoffId: integer('handoff_id').notNull(),
    aeUserId: text('ae_user_id').notNull(),
    businessHours: doublePrecision('business_hours'),
    partnerKey: text('partner_key').notNull(),
    partnerOrg: text('partner_org').notNull(),
    authorUserId: text('author_user_id').notNull(),
    score: integer('score'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.at, t.eventId] })],
);

/** Money read back from the CRM: see ../schema.ts. */
export const crmMoney = pgTable(
  'crm_money',
  {
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    recordId: text('record_id').notNull(),
    amount: doublePrecision('amount'),
    currency: text('currency'),
    amountCorporate: doublePrecision('amount_corporate'),
    stage: text('stage'),
    closed: boolean('closed').notNull(),
    won: boolean('won').notNull(),
    closeDate: text('close_date'),
    owner: text('owner'),
    readAt: timestamp('read_at').notNull(),
    changedAt: timestamp('changed_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.handoffId] })],
);

export const crmMoneyHistory = pgTable(
  'crm_money_history',
  {
    id: id(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    recordId: text('record_id').notNull(),
    amount: doublePrecision('amount'),
    currency: text('currency'),
    amountCorporate: doublePrecision('amount_corporate'),
    stage: text('stage'),
    closed: boolean('closed').notNull(),
    won: boolean('won').notNull(),
    closeDate: text('close_date'),
    owner: text('owner'),
    at: timestamp('at').notNull(),
    installationId: installationId(),
  },
  (t) => [index('crm_money_history_handoff').on(t.handoffId, t.id)],
);

export const crmCurrencies = pgTable(
  'crm_currencies',
  {
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    corporate: text('corporate'),
    rates: jsonb('rates')
      .$type<{ currency: string; perCorporate: number; from: string | null; to: string | null }[]>()
      .notNull(),
    readAt: timestamp('read_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.system] })],
);
