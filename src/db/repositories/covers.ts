import { eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import type { CoverRow } from '../schema.js';

export type { CoverRow };

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** The cover an AE named (`/handoff cover`), past its last day or not. */
export async function findCover(exec: Executor, aeUserId: string): Promise<CoverRow | undefined> {
  const { covers } = tablesOf(exec);
  return first(exec.select().from(covers).where(eq(covers.aeUserId, aeUserId)));
}

/** Names the AE's cover, replacing the one named before. */
export async function saveCover(exec: Tx, row: CoverRow): Promise<void> {
  const { covers } = tablesOf(exec);
  await exec
    .insert(covers)
    .values(row)
    .onConflictDoUpdate({
      target: [covers.installationId, covers.aeUserId],
      set: { coverUserId: row.coverUserId, until: row.until, setAt: row.setAt, awayFrom: row.awayFrom },
    });
}

export async function deleteCover(exec: Tx, aeUserId: string): Promise<void> {
  const { covers } = tablesOf(exec);
  await exec.delete(covers).where(eq(covers.aeUserId, aeUserId));
}
