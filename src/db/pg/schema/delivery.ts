import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { OUTBOX_METHODS, OUTBOX_STATUSES, SURFACE_KINDS } from '../../schema.js';
import { createdAt, id, installationId, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';

export const outbox = pgTable(
  'outbox',
  {
    id: id(),
    dedupeKey: text('dedupe_key').notNull(),
    channelKey: text('channel_key').notNull(),
    method: text('method', { enum: OUTBOX_METHODS }).notNull(),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    targetMessageKey: text('target_message_key'),
    recordAs: text('record_as'),
    threadOf: text('thread_of'),
    audience: text('audience', { enum: ['internal', 'partner'] })
      .notNull()
      .default('internal'),
    handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
    status: text('status', { enum: OUTBOX_STATUSES }).notNull(),
    attempts: integer('attempts').notNull(),
    nextAttemptAt: timestamp('next_attempt_at').notNull(),
    lastError: text('last_error'),
    uncertainSince: timestamp('uncertain_since'),
    scheduledAt: timestamp('scheduled_at'),
    surfaceKey: text('surface_key'),
    createdAt: createdAt(),
    deliveredAt: timestamp('delivered_at'),
    /**
     * Where a delivered chat.postMessage landed (its conversation and ts), kept with the row until it is pruned: an
     * erasure on request edits the app's history posts there (erasure/erase.ts).
     */
    postedChannelId: text('posted_channel_id'),
    postedTs: text('posted_ts'),
    installationId: installationId(),
  },
  (t) => [
    uniqueIndex('outbox_dedupe_key_idx').on(t.installationId, t.dedupeKey),
    // Looked up by a surface or a record key only (`= ?`, which implies not null): the rows without one, a lifecycle
    // change's among them (one per Accept), write no entry.
    index('outbox_surface_key_status_idx').on(t.surfaceKey, t.status).where(sql`${t.surfaceKey} is not null`),
    index('outbox_status_next_attempt_at_idx').on(t.status, t.nextAttemptAt),
    index('outbox_channel_key_status_id_idx').on(t.channelKey, t.status, t.id),
    index('outbox_record_as_idx').on(t.recordAs).where(sql`${t.recordAs} is not null`),
    index('outbox_handoff_id_status_idx').on(t.handoffId, t.status),
  ],
);

export const postedMessages = pgTable(
  'posted_messages',
  {
    messageKey: text('message_key').notNull(),
    channelId: text('channel_id').notNull(),
    ts: text('ts').notNull(),
    handoffId: integer('handoff_id').references(() => handoffs.id, { onDelete: 'restrict' }),
    postedAt: timestamp('posted_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.messageKey] })],
);

export const surfaces = pgTable(
  'surfaces',
  {
    id: id(),
    key: text('key').notNull(),
    handoffId: integer('handoff_id')
      .notNull()
      .references(() => handoffs.id, { onDelete: 'restrict' }),
    kind: text('kind', { enum: SURFACE_KINDS }).notNull(),
    viewerUserId: text('viewer_user_id'),
    channelKey: text('channel_key').notNull(),
    audience: text('audience', { enum: ['internal', 'partner'] })
      .notNull()
      .default('internal'),
    params: jsonb('params').notNull().$type<Record<string, unknown>>(),
    posted: boolean('posted').notNull().default(false),
    wanted: integer('wanted').notNull().default(1),
    shown: integer('shown').notNull().default(0),
    attempted: integer('attempted').notNull().default(0),
    renderedHash: text('rendered_hash'),
    createdAt: createdAt(),
    installationId: installationId(),
  },
  (t) => [
    uniqueIndex('surfaces_key_idx').on(t.installationId, t.key),
    index('surfaces_handoff_id_idx').on(t.handoffId),
  ],
);

export const homeViews = pgTable(
  'home_views',
  {
    userId: text('user_id').notNull(),
    hash: text('hash'),
    period: text('period'),
    metrics: boolean('metrics').notNull().default(false),
    wanted: integer('wanted').notNull().default(0),
    shown: integer('shown').notNull().default(0),
    openedAt: timestamp('opened_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.userId] })],
);

export const chartFiles = pgTable(
  'chart_files',
  {
    contentHash: text('content_hash').notNull(),
    fileId: text('file_id').notNull(),
    uploadedAt: timestamp('uploaded_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.contentHash] })],
);

/**
 * CSV exports the app shared into a person's DM (core/slackFiles.ts), kept so that data retention
 * (RETAIN_EXPORTS_DAYS) can delete them from Slack (files.delete) once they have aged out.
 */
export const exportFiles = pgTable(
  'export_files',
  {
    fileId: text('file_id').notNull(),
    userId: text('user_id').notNull(),
    sharedAt: timestamp('shared_at').notNull(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.fileId] }),
    index('export_files_shared_at_idx').on(t.sharedAt),
  ],
);

export const outboxLeases = pgTable(
  'outbox_leases',
  {
    channelKey: text('channel_key').notNull(),
    holder: text('holder').notNull(),
    leaseUntil: timestamp('lease_until').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelKey] })],
);
