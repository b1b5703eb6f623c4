import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';
import { createdAt, installationId, type Stored, timestamp, updatedAt } from '../columns.js';

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
    installationId: installationId(),
  },
  (t) => [uniqueIndex('partners_key_idx').on(t.installationId, t.key)],
);

/** Names a partner goes by (its own name included), by match key: one partner per key. */
export const partnerAliases = sqliteTable(
  'partner_aliases',
  {
    aliasKey: text('alias_key').notNull(),
    alias: text('alias').notNull(),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.aliasKey] }),
    index('partner_aliases_partner_id_idx').on(t.partnerId),
  ],
);

/** The Slack Connect workspaces (or Grid orgs) a partner's people join from. */
export const partnerWorkspaces = sqliteTable(
  'partner_workspaces',
  {
    teamId: text('team_id').notNull(),
    teamName: text('team_name'),
    partnerId: integer('partner_id')
      .notNull()
      .references(() => partners.id, { onDelete: 'cascade' }),
    boundByUserId: text('bound_by_user_id').notNull(),
    boundAt: timestamp('bound_at').notNull(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.teamId] }),
    index('partner_workspaces_partner_id_idx').on(t.partnerId),
  ],
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
export const removedChannels = sqliteTable(
  'removed_channels',
  {
    channelId: text('channel_id').notNull(),
    how: text('how', { enum: REMOVED_CHANNEL_HOWS }).notNull(),
    since: timestamp('since').notNull(),
    /**
     * When the admins were told, by DM in the transaction that noted the removal (an internal channel); null: nobody
     * to tell (a partner channel, whose owners are told per held update by partners/partnerChannel.ts; no admins).
     */
    adminsToldAt: timestamp('admins_told_at'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelId] })],
);

export const PARTNER_CHANNEL_STATUSES = ['active', 'held'] as const;

/**
 * A partner-facing channel and the one partner it belongs to. `held`: posts wait (an organization other than the
 * partner's joined it, or it was used by several partners before the directory existed) until an admin confirms.
 */
export const partnerChannels = sqliteTable(
  'partner_channels',
  {
    channelId: text('channel_id').notNull(),
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
     * older event delivered after it (Slack does not promise order) changes nothing.
     */
    strangersHeardAt: text('strangers_heard_at', { mode: 'json' })
      .$type<Record<string, string>>()
      .notNull()
      .default({}),
    boundByUserId: text('bound_by_user_id').notNull(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.channelId] }),
    index('partner_channels_partner_id_idx').on(t.partnerId),
  ],
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
    installationId: installationId(),
  },
  (t) => [
    uniqueIndex('registered_resellers_account_key_reseller_key_idx').on(
      t.installationId,
      t.accountKey,
      t.resellerKey,
    ),
  ],
);

export type ResellerRow = Stored<typeof registeredResellers.$inferSelect>;

export type PartnerRow = Stored<typeof partners.$inferSelect>;

export type PartnerChannelRow = Stored<typeof partnerChannels.$inferSelect>;

export type PartnerWorkspaceRow = Stored<typeof partnerWorkspaces.$inferSelect>;

export type RemovedChannelRow = Stored<typeof removedChannels.$inferSelect>;
