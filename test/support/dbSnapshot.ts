import {
  classificationCorrections,
  decisions,
  drafts,
  handoffEvents,
  handoffs,
  helpRequests,
  outbox,
  outcomes,
  partnerAliases,
  partnerChannels,
  partners,
  partnerWorkspaces,
  postedMessages,
  registeredResellers,
  surfaces,
} from '../../src/db/schema.js';
import type { Harness } from './harness.js';

/**
 * The one "what did a refusal leave alone" helper. Every table of handoff state, and the outbox without ephemeral
 * replies (a refusal answers the actor ephemerally, nothing else) and App Home republishes. Compare a snapshot taken before a refused request
 * with one taken after: `expect(dbSnapshot(h)).toEqual(before)`. Take both once the outbox has settled, since the
 * worker moves pending rows on by itself.
 */
export const STATE_TABLES = {
  handoffs,
  decisions,
  outcomes,
  handoff_events: handoffEvents,
  help_requests: helpRequests,
  drafts,
  classification_corrections: classificationCorrections,
  registered_resellers: registeredResellers,
  posted_messages: postedMessages,
  partners,
  partner_aliases: partnerAliases,
  partner_workspaces: partnerWorkspaces,
  partner_channels: partnerChannels,
  surfaces,
} as const;

export type DbSnapshot = Record<keyof typeof STATE_TABLES | 'outbox', unknown[]>;

export function dbSnapshot(h: Pick<Harness, 'database'>): DbSnapshot {
  const db = h.database.db;
  const tables = Object.fromEntries(
    Object.entries(STATE_TABLES).map(([name, table]) => [name, db.select().from(table).all()]),
  ) as Record<keyof typeof STATE_TABLES, unknown[]>;
  return {
    ...tables,
    outbox: db
      .select()
      .from(outbox)
      .all()
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
