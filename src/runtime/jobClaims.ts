import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { databaseNow } from '../db/engine.js';
import { claimSlot, finishSlot, pruneSlots } from '../db/repositories/jobClaims.js';
import type { JobSpec, SlotClaims } from './scheduler.js';

/** How long a run holds its slot when its job names no lease: another process takes it over only after that. */
export const DEFAULT_LEASE_MS = 15 * 60_000;

/**
 * How often a job's claims of past slots are pruned, at the end of one of its runs: each minute's statement in every
 * installation was 5% of what an idle installation sent, for rows that age out in days.
 */
export const PRUNE_EVERY_MS = 60 * 60_000;

/** This process, as the holder of the slots it claims: host, process id and a random part (a restart is another). */
export const processHolder = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Each scheduled slot runs once across the processes on one database: a tick or a catch-up claims its
 * slot first (db/repositories/jobClaims.ts), and only the process that got it runs it. A process that dies in the
 * middle leaves its claim unfinished: once the lease has passed, another process's catch-up of that slot takes it over.
 * A slot the wall clock lives again (it stepped back) is claimed as a new one: a step back of an
 * hour must not leave the sweep, its reminders and expiries, unrun for the hour. On Postgres a claim's time and lease
 * are the database's clock (db/engine.ts `databaseNow`), so a replica whose clock runs ahead does not take over a
 * slot another is still running.
 */
export function createSlotClaims(deps: { db: Db; clock: Clock; holder: string }): SlotClaims {
  /** When each job's old claims were last pruned by this process (the app's clock). */
  const pruned = new Map<string, number>();
  return {
    async claim(job: JobSpec, slot: Date, again = false) {
      return deps.db.transaction(async (tx) => {
        const now = (await databaseNow(tx)) ?? deps.clock.now();
        const leaseUntil = new Date(now.getTime() + (job.leaseMs ?? DEFAULT_LEASE_MS));
        return claimSlot(tx, { job: job.name, slot, holder: deps.holder, now, leaseUntil, again });
      });
    },
    async finish(job: JobSpec, slot: Date) {
      const now = deps.clock.now();
      const last = pruned.get(job.name);
      const prune = last === undefined || Math.abs(now.getTime() - last) >= PRUNE_EVERY_MS;
      await deps.db.transaction(async (tx) => {
        await finishSlot(tx, { job: job.name, slot, holder: deps.holder, now });
        if (prune) await pruneSlots(tx, job.name, now);
      });
      if (prune) pruned.set(job.name, now.getTime());
    },
  };
}
