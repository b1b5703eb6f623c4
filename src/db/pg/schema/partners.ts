import {
  type AnyPgColumn,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { PARTNER_CHANNEL_STATUSES, REMOVED_CHANNEL_HOWS } from '../../schema.js';
import { createdAt, id, installationId, timestamp, updatedAt } from '../columns.js';

export const partners = pgTable(
  'partners',
  {
    id: id(),
    name: text('name').notNull(),
    key: text('key').notNull(),
    domain: text('domain'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  (t) => [uniqueIndex('partners_key_idx').on(t.installationId, t.key)],
);

export const partnerAliases = pgTable(
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

export const partnerWorkspaces = pgTable(
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

export const removedChannels = pgTable(
  'removed_channels',
  {
    channelId: text('channel_id').notNull(),
    how: text('how', { enum: REMOVED_CHANNEL_HOWS }).notNull(),
    since: timestamp('since').notNull(),
    adminsToldAt: timestamp('admins_told_at'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.channelId] })],
);

export const partnerChannels = pgTable(
  'partner_channels',
  {
    channelId: text('channel_id').notNull(),
    channelName: text('channel_name'),
    partnerId: integer('partner_id').references((): AnyPgColumn => partners.id, { onDelete: 'set null' }),
    status: text('status', { enum: PARTNER_CHANNEL_STATUSES }).notNull(),
    heldReason: text('held_reason'),
    strangerTeamIds: jsonb('stranger_team_ids').$type<string[]>().notNull().default([]),
    strangersHeardAt: jsonb('strangers_heard_at').$type<Record<string, string>>().notNull().default({}),
    boundByUserId: text('bound_by_user_id').notNull(),
    updatedAt: updatedAt(),
    installationId: installationId(),
  },
  (t) => [
    primaryKey({ columns: [t.installationId, t.channelId] }),
    index('partner_channels_partner_id_idx').on(t.partnerId),
  ],
);

export const registeredResellers = pgTable(
  'registered_resellers',
  {
    id: id(),
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
