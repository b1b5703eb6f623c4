import { index, jsonb, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { id, installationId, timestamp } from '../columns.js';

export const covers = pgTable(
  'covers',
  {
    aeUserId: text('ae_user_id').notNull(),
    coverUserId: text('cover_user_id').notNull(),
    until: text('until').notNull(),
    setAt: timestamp('set_at').notNull(),
    awayFrom: text('away_from'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.aeUserId] })],
);

export const programLog = pgTable(
  'program_log',
  {
    id: id(),
    kind: text('kind').notNull(),
    key: text('key').notNull(),
    body: jsonb('body').$type<unknown>(),
    actor: text('actor').notNull(),
    note: text('note'),
    at: timestamp('at').notNull(),
    installationId: installationId(),
  },
  (t) => [index('program_log_part').on(t.installationId, t.kind, t.key, t.id)],
);
