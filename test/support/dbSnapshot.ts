import { asc, getTableColumns } from 'drizzle-orm';
import type { AppDatabase } from '../../src/db/client.js';
import { type Tables, tablesOf } from '../../src/db/engine.js';
import type { Harness } from './harness.js';

/**
 * The one "what did a refusal leave alone" helper. Every table of handoff state, and the outbox without ephemeral
 * replies (a refusal answers the actor ephemerally, nothing else) and App Home republishes. Compare a snapshot taken before a refused request
 * with one taken after: `expect(await dbSnapshot(h)).toEqual(before)`. Take both once the outbox has settled, since the
 * worker moves pending rows on by itself.
 */
export const STATE_TABLES = {
  handoffs: 'handoffs',
  decisions: 'decisions',
  outcomes: 'outcomes',
  handoff_events: 'handoffEvents',
  help_requests: 'helpRequests',
  drafts: 'drafts',
  classification_corrections: 'classificationCorrections',
  registered_resellers: 'registeredResellers',
  posted_messages: 'postedMessages',
  partners: 'partners',
  partner_aliases: 'partnerAliases',
  partner_workspaces: 'partnerWorkspaces',
  partner_channels: 'partnerChannels',
  surfaces: 'surfaces',
  /** The program as data (issue 53): pools, policies, people's own days. */
  program_log: 'programLog',
  /** Who follows a handoff (issue 53 item 6). */
  handoff_followers: 'handoffFollowers',
  /** Money read back from the CRM, its history, and attribution reviews (issue 54). */
  crm_money: 'crmMoney',
  crm_money_history: 'crmMoneyHistory',
  attribution_reviews: 'attributionReviews',
} as const satisfies Record<string, keyof Tables>;

export type StateTable = keyof typeof STATE_TABLES;

/**
 * Every row of a state table in primary-key order: Postgres returns rows in any order without ORDER BY (an updated
 * row moves), and a snapshot compared before and after must not differ by order alone.
 */
export async function stateRows(db: AppDatabase['db'], name: StateTable): Promise<unknown[]> {
  const table = tablesOf(db)[STATE_TABLES[name]];
  const columns = Object.values(getTableColumns(table));
  const key = columns.find((column) => column.primary);
  // A table keyed by several columns: ordered by all of them, in the order the table declares its columns.
  return db
    .select()
    .from(table)
    .orderBy(...(key ? [asc(key)] : columns.map((column) => asc(column))));
}

export type DbSnapshot = Record<StateTable | 'outbox', unknown[]>;

/** `h.database.db` may be scoped to one installation (db/installationScope.ts): then its rows only. */
export async function dbSnapshot(h: { database: Pick<Harness['database'], 'db'> }): Promise<DbSnapshot> {
  const db = h.database.db;
  const { outbox } = tablesOf(db);
  const tables = {} as Record<StateTable, unknown[]>;
  for (const name of Object.keys(STATE_TABLES) as StateTable[]) tables[name] = await stateRows(db, name);
  const outboxRows = await db.select().from(outbox).orderBy(asc(outbox.id));
  return {
    ...tables,
    outbox: outboxRows
      // Ephemeral replies (a refusal's answer) and App Home republishes (a view of the state, queued by the
      // minute's metrics job whenever it runs) are not state a refusal could change.
      .filter((r) => !r.dedupeKey.startsWith('ephemeral:') && !r.dedupeKey.startsWith('home:'))
      .map(({ id, dedupeKey, status, attempts, handoffId, nextAttemptAt }) => ({
        id,
        dedupeKey,
        status,
        attempts,
        handoffId,
        nextAttemptAt,
      })),
  };
}
