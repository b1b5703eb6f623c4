import { and, desc, eq, gte, inArray, or } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { type HandoffRow, handoffs, type ResellerRow, registeredResellers } from '../schema.js';

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
  const sameAccount = account.domain
    ? or(eq(handoffs.accountKey, account.key), eq(handoffs.accountDomain, account.domain))
    : eq(handoffs.accountKey, account.key);
  return exec
    .select()
    .from(handoffs)
    .where(
      and(
        sameAccount,
        or(inArray(handoffs.status, ['sent', 'accepted', 'expired']), gte(handoffs.sentAt, since)),
      ),
    )
    .orderBy(desc(handoffs.id))
    .limit(limit)
    .all();
}

export async function findResellers(exec: Executor, accountKey: string): Promise<ResellerRow[]> {
  return exec.select().from(registeredResellers).where(eq(registeredResellers.accountKey, accountKey)).all();
}

export async function listResellers(exec: Executor, limit: number): Promise<ResellerRow[]> {
  return exec.select().from(registeredResellers).orderBy(registeredResellers.accountKey).limit(limit).all();
}

export async function addReseller(exec: Tx, row: typeof registeredResellers.$inferInsert): Promise<boolean> {
  return exec.insert(registeredResellers).values(row).onConflictDoNothing().run().changes === 1;
}

export async function removeReseller(exec: Tx, accountKey: string, resellerKey: string): Promise<boolean> {
  return (
    exec
      .delete(registeredResellers)
      .where(
        and(eq(registeredResellers.accountKey, accountKey), eq(registeredResellers.resellerKey, resellerKey)),
      )
      .run().changes === 1
  );
}
