import { integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { CRM_SYSTEMS } from '../../domain/crmFacts.js';
import { installationId, type Stored, timestamp } from '../columns.js';

/**
 * One row the health check writes (`GET /healthz`, and once at start): a real write, so a database that can be read
 * but not written (a full disk, a read-only file) answers unhealthy. The row is overwritten, never added to.
 */
export const healthProbe = sqliteTable('health_probe', {
  id: integer('id').primaryKey(),
  probedAt: timestamp('probed_at').notNull(),
});

/**
 * Which process runs a scheduled job's slot: the first to claim it, for a lease; a claim whose run never
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
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.job, t.slot] })],
);

export type JobClaimRow = Stored<typeof jobClaims.$inferSelect>;

/**
 * What Slack last said of each internal channel the app posts to (the settings' and the policy file's): shared with
 * another organization or not, and when it said so. Every process reads the newest word, whichever process heard it
 * (a start-time check, a `channel_shared` event, a re-check): issue 34, replicas (partners/internalChannels.ts).
 */
export const internalChannelSharing = sqliteTable(
  'internal_channel_sharing',
  {
    channelId: text('channel_id').notNull(),
    shared: integer('shared', { mode: 'boolean' }).notNull(),
    checkedAt: timestamp('checked_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelId] })],
);

/**
 * Slack's word, by an event, that the app was uninstalled or its bot token revoked (`app_uninstalled`,
 * `tokens_revoked`), per bot token (a SHA-256 of it, never the token itself): every process on the database reads
 * it, whichever one Slack told, and holds its outbox and the jobs that call Slack while it runs
 * with that token. A start whose auth.test accepts the token forgets its row (runtime/revocations.ts).
 */
export const slackRevocations = sqliteTable(
  'slack_revocations',
  {
    tokenHash: text('token_hash').notNull(),
    event: text('event', { enum: ['app_uninstalled', 'tokens_revoked'] }).notNull(),
    revokedAt: timestamp('revoked_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.tokenHash] })],
);

/**
 * The Slack installations this deployment serves. One row per workspace or Enterprise Grid org: its ids in
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
  /**
   * When its data was deleted after its uninstall (UNINSTALL_DELETE_AFTER_DAYS, issue 57, retention/uninstall.ts): the
   * row stays, with no person in it, and is installed again as any other. Null: its data is kept.
   */
  dataDeletedAt: timestamp('data_deleted_at'),
});

export type InstallationRow = Stored<typeof installations.$inferSelect>;

/**
 * An installation's own CRM: on a deployment serving several workspaces, each company connects its own
 * Salesforce or HubSpot from Slack (`/handoff crm`, its admins). The credentials are sealed with SLACK_TOKEN_KEY as
 * the Slack tokens are, never in the clear; who connected it and when are not secret. One row per installation and
 * CRM; a disconnect deletes it.
 */
export const crmConnections = sqliteTable(
  'crm_connections',
  {
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    /** The CRM's credentials (crm/ownCrm.ts), JSON, sealed. */
    sealed: text('sealed').notNull(),
    connectedBy: text('connected_by').notNull(),
    connectedAt: timestamp('connected_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.system] })],
);

export type CrmConnectionRow = Stored<typeof crmConnections.$inferSelect>;

/**
 * Each erasure of a person on request (erasure/), kept without the erased data: when, who asked (an
 * admin's Slack id, or `cli`), how the person was named (a Slack id, an email, a name: the kind, not the value), the
 * pseudonym their ids became, and how many rows and Slack messages changed.
 */
export const erasures = sqliteTable('erasures', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  at: timestamp('at').notNull(),
  requestedBy: text('requested_by').notNull(),
  namedBy: text('named_by', { enum: ['slack_id', 'email', 'name'] }).notNull(),
  pseudonym: text('pseudonym').notNull(),
  rowsChanged: integer('rows_changed').notNull(),
  messagesUpdated: integer('messages_updated').notNull(),
  installationId: installationId(),
});
