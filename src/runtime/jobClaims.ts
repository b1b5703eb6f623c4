import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { databaseNow } from '../db/engine.js';
import { claimSlot, finishSlot } from '../db/repositories/jobClaims.js';
import type { JobSpec, SlotClaims } from './scheduler.js';

/** How long a run holds its slot when its job names no lease: another process takes it over only after that. */
export const DEFAULT_LEASE_MS = 15 * 60_000;

/** This process, as the holder of the slots it claims: host, process id and a random part (a restart is another). */
export const processHolder = () => `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

/**
 * Each scheduled slot runs once across the processes on one database (issue 34): a tick or a catch-up claims its
 * slot first (db/repositories/jobClaims.ts), and only the process that got it runs it. A process that dies in the
 * middle leaves its claim unfinished: once the lease has passed, another process's catch-up of that slot takes it over.
 * A slot the wall clock lives again (it stepped back) is claimed as a new one (issue 50 item 25): a step back of an
 * hour must not leave the sweep, its reminders and expiries, unrun for the hour. On Postgres a claim's time and lease
 * are the database's clock (db/engine.ts `databaseNow`), so a replica whose clock runs ahead does not take over a
 * slot another is still running (issue 50 item 31).
 */
export function createSlotClaims(deps: { db: Db; clock: Clock; holder: string }): SlotClaims {
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
      await deps.db.transaction((tx) => finishSlot(tx, { job: job.name, slot, holder: deps.holder, now }));
    },
  };
}
