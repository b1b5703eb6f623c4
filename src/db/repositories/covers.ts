import { eq } from 'drizzle-orm';
import type { Executor } from '../client.js';
import { type CoverRow, covers } from '../schema.js';

export type { CoverRow };

/** The cover an AE named (`/handoff cover`), past its last day or not. */
export function findCover(exec: Executor, aeUserId: string): CoverRow | undefined {
  return exec.select().from(covers).where(eq(covers.aeUserId, aeUserId)).get();
}

/** Names the AE's cover, replacing the one named before. */
export function saveCover(exec: Executor, row: CoverRow): void {
  exec
    .insert(covers)
    .values(row)
    .onConflictDoUpdate({
      target: covers.aeUserId,
      set: { coverUserId: row.coverUserId, until: row.until, setAt: row.setAt },
    })
    .run();
}

export function deleteCover(exec: Executor, aeUserId: string): void {
  exec.delete(covers).where(eq(covers.aeUserId, aeUserId)).run();
}
