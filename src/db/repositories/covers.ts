import { eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { type CoverRow, covers } from '../schema.js';

export type { CoverRow };

/** The cover an AE named (`/handoff cover`), past its last day or not. */
export async function findCover(exec: Executor, aeUserId: string): Promise<CoverRow | undefined> {
  return exec.select().from(covers).where(eq(covers.aeUserId, aeUserId)).get();
}

/** Names the AE's cover, replacing the one named before. */
export async function saveCover(exec: Tx, row: CoverRow): Promise<void> {
  exec
    .insert(covers)
    .values(row)
    .onConflictDoUpdate({
      target: covers.aeUserId,
      set: { coverUserId: row.coverUserId, until: row.until, setAt: row.setAt },
    })
    .run();
}

export async function deleteCover(exec: Tx, aeUserId: string): Promise<void> {
  exec.delete(covers).where(eq(covers.aeUserId, aeUserId)).run();
}
