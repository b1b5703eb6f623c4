import { and, desc, eq, gte, inArray, or } from 'drizzle-orm';
import { OPEN_STATUSES } from '../../domain/lifecycleState.js';
import type { Executor, Tx } from '../client.js';
import { changed, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { HandoffRow, ResellerRow, registeredResellers } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * Other handoffs on the same account (same account key, or same company domain when one is given) that are still
 * open, or were sent since `since`. Uses handoffs_account_key_idx and handoffs_account_domain_idx.
 */
export async function findSameAccount(
  exec: Executor,
  account: { key: string; domain: string | null },
  since: Date,
  limit = 10,
): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  const sameAccount = account.domain
    ? or(eq(handoffs.accountKey, account.key), eq(handoffs.accountDomain, account.domain))
    : eq(handoffs.accountKey, account.key);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        own(exec, handoffs),
        sameAccount,
        or(inArray(handoffs.status, [...OPEN_STATUSES]), gte(handoffs.sentAt, since)),
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(limit);
}

export async function findResellers(exec: Executor, accountKey: string): Promise<ResellerRow[]> {
  const { registeredResellers } = tablesOf(exec);
  return exec
    .select()
    .from(registeredResellers)
    .where(and(own(exec, registeredResellers), eq(registeredResellers.accountKey, accountKey)));
}

export async function listResellers(exec: Executor, limit: number): Promise<ResellerRow[]> {
  const { registeredResellers } = tablesOf(exec);
  return exec
    .select()
    .from(registeredResellers)
    .where(own(exec, registeredResellers))
    .orderBy(registeredResellers.accountKey)
    .limit(limit);
}

export async function addReseller(exec: Tx, row: typeof registeredResellers.$inferInsert): Promise<boolean> {
  const { registeredResellers } = tablesOf(exec);
  return (
    changed(await exec.insert(registeredResellers).values(ownRow(exec, row)).onConflictDoNothing()) === 1
  );
}

export async function removeReseller(exec: Tx, accountKey: string, resellerKey: string): Promise<boolean> {
  const { registeredResellers } = tablesOf(exec);
  return (
    changed(
      await exec
        .delete(registeredResellers)
        .where(
          and(
            own(exec, registeredResellers),
            eq(registeredResellers.accountKey, accountKey),
            eq(registeredResellers.resellerKey, resellerKey),
          ),
        ),
    ) === 1
  );
}
