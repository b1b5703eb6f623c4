import { and, eq, gt, isNotNull, isNull, lt, lte, or } from 'drizzle-orm';
import type { Tx } from '../client.js';
import { tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** How long the claims of past slots are kept: enough to read what ran when, after an incident. */
const KEPT_MS = 30 * 86_400_000;

/**
 * Claims a job's slot for `holder` until `leaseUntil`: true when this holder may run it. A slot no one claimed is
 * taken; one that another holder claimed is taken over only when its run never finished and its lease has passed
 * (the process that claimed it died or hangs). A slot that ran is not claimed again, unless it is lived again: the
 * wall clock stepped back over it. That is so when the claimer says so (`again`: the scheduler
 * ticked this slot or a later one before), or when the job's own sequence has gone past it (a later slot of the job
 * was claimed: a process whose clock stepped back, across a restart too). Such a slot is taken once its run is over
 * (finished, or its lease passed), as a new one.
 */
export async function claimSlot(
  tx: Tx,
  claim: { job: string; slot: Date; holder: string; now: Date; leaseUntil: Date; again?: boolean },
): Promise<boolean> {
  const { jobClaims } = tablesOf(tx);
  const row = { ...claim, claimedAt: claim.now };
  const relived =
    claim.again === true ||
    (
      await tx
        .select({ slot: jobClaims.slot })
        .from(jobClaims)
        .where(and(own(tx, jobClaims), eq(jobClaims.job, claim.job), gt(jobClaims.slot, claim.slot)))
        .limit(1)
    ).length > 0;
  const over = lte(jobClaims.leaseUntil, row.claimedAt);
  const taken = await tx
    .insert(jobClaims)
    .values(
      ownRow(tx, {
        job: row.job,
        slot: row.slot,
        holder: row.holder,
        claimedAt: row.claimedAt,
        leaseUntil: row.leaseUntil,
      }),
    )
    .onConflictDoUpdate({
      target: [jobClaims.installationId, jobClaims.job, jobClaims.slot],
      set: { holder: row.holder, claimedAt: row.claimedAt, leaseUntil: row.leaseUntil, doneAt: null },
      // The existing claim: its run never finished, and its lease has passed; lived again: its run is over.
      setWhere: relived ? or(isNotNull(jobClaims.doneAt), over) : and(isNull(jobClaims.doneAt), over),
    })
    .returning({ holder: jobClaims.holder });
  return taken.length > 0;
}

/** The holder's run of the slot ended: it is not run again. */
export async function finishSlot(
  tx: Tx,
  done: { job: string; slot: Date; holder: string; now: Date },
): Promise<void> {
  const { jobClaims } = tablesOf(tx);
  await tx
    .update(jobClaims)
    .set({ doneAt: done.now })
    .where(
      and(
        own(tx, jobClaims),
        eq(jobClaims.job, done.job),
        eq(jobClaims.slot, done.slot),
        eq(jobClaims.holder, done.holder),
      ),
    );
}

/** Drops the job's claims of slots older than the kept period. */
export async function pruneSlots(tx: Tx, job: string, now: Date): Promise<void> {
  const { jobClaims } = tablesOf(tx);
  await tx
    .delete(jobClaims)
    .where(
      and(own(tx, jobClaims), eq(jobClaims.job, job), lt(jobClaims.slot, new Date(now.getTime() - KEPT_MS))),
    );
}
