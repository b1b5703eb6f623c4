import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { installationId, type Stored, timestamp } from '../columns.js';

/**
 * Cover: who answers for an AE while they are away (`/handoff cover`), until a day (inclusive, in the AE's
 * calendar). New handoffs to the AE offer the cover; escalation levels can target it. One per AE. Naming a cover does
 * not make the AE away: only their Slack status, or the days they gave (`awayFrom` to `until`), do.
 */
export const covers = sqliteTable(
  'covers',
  {
    aeUserId: text('ae_user_id').notNull(),
    coverUserId: text('cover_user_id').notNull(),
    /** The last day of the cover, YYYY-MM-DD. */
    until: text('until').notNull(),
    setAt: timestamp('set_at').notNull(),
    /**
     * The first day the AE said they are away, YYYY-MM-DD in their calendar (away from it through `until`); null: no
     * dates given, the cover answers only while their Slack status says they are away.
     */
    awayFrom: text('away_from'),
    installationId: installationId(),
  },
  (t) => [primaryKey({ columns: [t.installationId, t.aeUserId] })],
);

export type CoverRow = Stored<typeof covers.$inferSelect>;

/**
 * The partner program as data: pools, escalation policies, routes, limits, managers, closures, holiday
 * regions, roles and each person's days, one entry per edit. Append-only: the current value of a part is its newest
 * entry (`body` null: removed), the older ones are its history (who, when, before and after) and the versions
 * handoffs stay pinned to (handoffs.policy_version). Read by src/program/.
 */
export const programLog = sqliteTable(
  'program_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    /** The part's kind (src/program/kinds.ts): `pool`, `policy`, `routes`, `roles`, `person`… */
    kind: text('kind').notNull(),
    /** Which one of its kind: the pool's or policy's id, the person's user id; `-` for a kind with one value. */
    key: text('key').notNull(),
    /** The value, in the policy file's own JSON shape where the file has one; null: removed. */
    body: text('body', { mode: 'json' }).$type<unknown>(),
    /** Who: a Slack user id, or `import` (the settings and file read at the first start) or `config` (the CLI). */
    actor: text('actor').notNull(),
    /** Why, when it says more than the edit: "imported from ESCALATION_POLICY_FILE", "applied to open handoffs". */
    note: text('note'),
    at: timestamp('at').notNull(),
    installationId: installationId(),
  },
  (t) => [index('program_log_part').on(t.installationId, t.kind, t.key, t.id)],
);

export type ProgramLogRow = Stored<typeof programLog.$inferSelect>;
