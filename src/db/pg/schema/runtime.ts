import { boolean, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { CRM_SYSTEMS } from '../../../domain/crmFacts.js';
import { id, installationId, timestamp } from '../columns.js';

/** SQLite's `integer primary key` (no AUTOINCREMENT) is assigned when not given, so the id is optional here too. */
export const healthProbe = pgTable('health_probe', {
  id: id(),
  probedAt: timestamp('probed_at').notNull(),
});

export const jobClaims = pgTable(
  'job_claims',
  {
    job: text('job').notNull(),
    slot: timestamp('slot').notNull(),
    holder: text('holder').notNull(),
    claimedAt: timestamp('claimed_at').notNull(),
    leaseUntil: timestamp('lease_until').notNull(),
    doneAt: timestamp('done_at'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.job, t.slot] })],
);

export const internalChannelSharing = pgTable(
  'internal_channel_sharing',
  {
    channelId: text('channel_id').notNull(),
    shared: boolean('shared').notNull(),
    checkedAt: timestamp('checked_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelId] })],
);

export const slackRevocations = pgTable(
  'slack_revocations',
  {
    tokenHash: text('token_hash').notNull(),
    event: text('event', { enum: ['app_uninstalled', 'tokens_revoked'] }).notNull(),
    revokedAt: timestamp('revoked_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.tokenHash] })],
);

export const installations = pgTable('installations', {
  id: id(),
  installKey: text('install_key').notNull().unique(),
  teamId: text('team_id'),
  enterpriseId: text('enterprise_id'),
  isEnterpriseInstall: boolean('is_enterprise_install').notNull().default(false),
  appId: text('app_id'),
  botUserId: text('bot_user_id'),
  botId: text('bot_id'),
  source: text('source', { enum: ['token', 'oauth'] }).notNull(),
  sealed: text('sealed'),
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

export const crmConnections = pgTable(
  'crm_connections',
  {
    system: text('system', { enum: CRM_SYSTEMS }).notNull(),
    sealed: text('sealed').notNull(),
    connectedBy: text('connected_by').notNull(),
    connectedAt: timestamp('connected_at').notNull(),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.system] })],
);

/**
 * Each erasure of a person on request (erasure/), kept without the erased data: when, who asked (an
 * admin's Slack id, or `cli`), how the person was named (a Slack id, an email, a name: the kind, not the value), the
 * pseudonym their ids became, and how many rows and Slack messages changed.
 */
export const erasures = pgTable('erasures', {
  id: id(),
  at: timestamp('at').notNull(),
  requestedBy: text('requested_by').notNull(),
  namedBy: text('named_by', { enum: ['slack_id', 'email', 'name'] }).notNull(),
  pseudonym: text('pseudonym').notNull(),
  rowsChanged: integer('rows_changed').notNull(),
  messagesUpdated: integer('messages_updated').notNull(),
  installationId: installationId(),
});
