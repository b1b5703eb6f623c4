import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { createdAt, installationId, type Stored, timestamp } from '../columns.js';
import { handoffs } from './handoffs.js';

/**
 * `crm.activity`: a Salesforce Task or HubSpot note for one event of a linked handoff (channel key crm:<system>:<id>);
 * `crm.create`: the opportunity or deal the AE asked for at the accept (channel key crm:<system>:new:<handoff id>).
 */
export const OUTBOX_METHODS = [
  'chat.postMessage',
  'chat.update',
  'response_url',
  'views.publish',
  'crm.activity',
  'crm.create',
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

/** Where the app's own messages landed, so they can be updated in place later. */
export const postedMessages = sqliteTable(
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
  /**
   * The partner thread's reply about a decision: a view of the deal too, so it never names an AE the
   * deal moved from or a step whose date has passed. Outcome and withdrawal replies report closed facts: history.
   */
  'partner_reply',
  /** The author is asked about partner text held back from the partner (it stopped being true). */
  'held_back_notice',
  /** An owner's or author's report of an outcome: the AE's (Confirm, Not right) and the reporter's. */
  'outcome_report',
  /** The AE's question before deciding: the author's (with Answer, under their confirmation) and the owner's. */
  'question',
  /** The AE's request for more time: the owner's (their one click), and what the AE and the author are told. */
  'more_time',
  /** After the Accept: the AE's reminder and check-in of their first step, and the owner's overdue notice. */
  'step_check',
  /** After the Accept: the deal handed back or taken back; the owner's (Reassign, Withdraw), the AE's. */
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
    installationId: installationId(),
  },
  (t) => [
    uniqueIndex('surfaces_key_idx').on(t.installationId, t.key),
    index('surfaces_handoff_id_idx').on(t.handoffId),
  ],
);

/**
 * People who have opened the app's Home tab, with the hash of the view last published to them: after a change to a
 * handoff their Home shows, it is published again (with the hash, so a stale view never replaces a newer one).
 */
export const homeViews = sqliteTable(
  'home_views',
  {
    userId: text('user_id').notNull(),
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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.userId] })],
);

/** Chart images already uploaded to Slack, by a hash of their content: the same picture is uploaded once. */
export const chartFiles = sqliteTable(
  'chart_files',
  {
    contentHash: text('content_hash').notNull(),
    fileId: text('file_id').notNull(),
    uploadedAt: timestamp('uploaded_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.contentHash] })],
);

export type SurfaceRow = Stored<typeof surfaces.$inferSelect>;

export type OutboxRow = Stored<typeof outbox.$inferSelect>;

/**
 * CSV exports the app shared into a person's DM (core/slackFiles.ts), kept so that data retention
 * (RETAIN_EXPORTS_DAYS) can delete them from Slack (files.delete) once they have aged out.
 */
export const exportFiles = sqliteTable(
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

/**
 * Which process delivers each outbox conversation (channel key), until when (replicas): one at a time, so a
 * conversation's messages go out in order and paced; a lease that is not renewed (its process died) is taken over
 * once it has passed (outbox/leases.ts, db/repositories/outboxLeases.ts).
 */
export const outboxLeases = sqliteTable(
  'outbox_leases',
  {
    channelKey: text('channel_key').notNull(),
    holder: text('holder').notNull(),
    leaseUntil: timestamp('lease_until').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelKey] })],
);

export type OutboxLeaseRow = Stored<typeof outboxLeases.$inferSelect>;
