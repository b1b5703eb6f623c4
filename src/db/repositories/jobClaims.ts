import { and, eq, lt, sql } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { jobClaims } from '../schema.js';

/** How long the claims of past slots are kept: enough to read what ran when, after an incident. */
const KEPT_MS = 30 * 86_400_000;

/**
 * Claims a job's slot for `holder` until `leaseUntil`: true when this holder may run it. A slot no one claimed is
 * taken; one that another holder claimed is taken over only when its run never finished and its lease has passed
 * (the process that claimed it died or hangs). A slot that ran is never claimed again.
 */
export async function claimSlot(
  tx: Tx,
  claim: { job: string; slot: Date; holder: string; now: Date; leaseUntil: Date },
): Promise<boolean> {
  const row = { ...claim, claimedAt: claim.now };
  const taken = tx
    .insert(jobClaims)
    .values({
      job: row.job,
      slot: row.slot,
      holder: row.holder,
      claimedAt: row.claimedAt,
      leaseUntil: row.leaseUntil,
    })
    .onConflictDoUpdate({
      target: [jobClaims.job, jobClaims.slot],
      set: { holder: row.holder, claimedAt: row.claimedAt, leaseUntil: row.leaseUntil },
      setWhere: sql`${jobClaims.doneAt} is null and ${jobClaims.leaseUntil} <= ${row.claimedAt.getTime()}`,
    })
    .returning({ holder: jobClaims.holder })
    .all();
  return taken.length > 0;
}

/** The holder's run of the slot ended (it is not run again); claims older than the kept period are dropped. */
export async function finishSlot(
  tx: Tx,
  done: { job: string; slot: Date; holder: string; now: Date },
): Promise<void> {
  tx.update(jobClaims)
    .set({ doneAt: done.now })
    .where(and(eq(jobClaims.job, done.job), eq(jobClaims.slot, done.slot), eq(jobClaims.holder, done.holder)))
    .run();
  tx.delete(jobClaims)
    .where(and(eq(jobClaims.job, done.job), lt(jobClaims.slot, new Date(done.now.getTime() - KEPT_MS))))
    .run();
}
