import { index, integer, primaryKey, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { CRM_SYSTEMS } from '../../domain/crmFacts.js';
import { installationId, type Stored, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';
import { HANDOFF_EVENT_TYPES } from './history.js';

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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.aeUserId, t.scope, t.scopeKey] })],
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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.at, t.eventId] })],
);

/**
 * Money read back from the CRM: what each linked handoff's opportunity or deal says now, one row per
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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.handoffId] })],
);

export type CrmMoneyRow = Stored<typeof crmMoney.$inferSelect>;

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
    installationId: installationId(),
  },
  (t) => [index('crm_money_history_handoff').on(t.handoffId, t.id)],
);

export type CrmMoneyHistoryRow = Stored<typeof crmMoneyHistory.$inferSelect>;

/** A CRM's corporate currency and conversion rates as last read (`CrmCurrency`), one row per CRM. */
export const crmCurrencies = sqliteTable(
  'crm_currencies',
  {
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    corporate: text('corporate'),
    rates: text('rates', { mode: 'json' })
      .$type<{ currency: string; perCorporate: number; from: string | null; to: string | null }[]>()
      .notNull(),
    readAt: timestamp('read_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.system] })],
);

export type CrmCurrencyRow = Stored<typeof crmCurrencies.$inferSelect>;
