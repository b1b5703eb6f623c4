import { and, eq, isNull, lt, lte } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { tablesOf } from '../engine.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

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
  const { jobClaims } = tablesOf(tx);
  const row = { ...claim, claimedAt: claim.now };
  const taken = await tx
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
      // The existing claim: its run never finished, and its lease has passed.
      setWhere: and(isNull(jobClaims.doneAt), lte(jobClaims.leaseUntil, row.claimedAt)),
    })
    .returning({ holder: jobClaims.holder });
  return taken.length > 0;
}

/** The holder's run of the slot ended (it is not run again); claims older than the kept period are dropped. */
export async function finishSlot(
  tx: Tx,
  done: { job: string; slot: Date; holder: string; now: Date },
): Promise<void> {
  const { jobClaims } = tablesOf(tx);
  await tx
    .update(jobClaims)
    .set({ doneAt: done.now })
    .where(
      and(eq(jobClaims.job, done.job), eq(jobClaims.slot, done.slot), eq(jobClaims.holder, done.holder)),
    );
  await tx
    .delete(jobClaims)
    .where(and(eq(jobClaims.job, done.job), lt(jobClaims.slot, new Date(done.now.getTime() - KEPT_MS))));
}
