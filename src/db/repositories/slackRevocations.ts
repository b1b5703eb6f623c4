import { and, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** What Slack said by an event of a bot token (runtime/revocations.ts), kept for every process on the database. */
export type RevocationEvent = 'app_uninstalled' | 'tokens_revoked';

/** Slack said the token is gone for good: the first event to come is kept (Slack sends both, in any order). */
export async function recordRevocation(
  tx: Tx,
  revoked: { tokenHash: string; event: RevocationEvent; at: Date },
): Promise<void> {
  const { slackRevocations } = tablesOf(tx);
  await tx
    .insert(slackRevocations)
    .values(ownRow(tx, { tokenHash: revoked.tokenHash, event: revoked.event, revokedAt: revoked.at }))
    .onConflictDoNothing();
}

/** The event in which Slack said this token is gone, if it did (whichever process heard it). */
export async function revocationOf(exec: Executor, tokenHash: string): Promise<RevocationEvent | undefined> {
  const { slackRevocations } = tablesOf(exec);
  const row = await first(
    exec
      .select({ event: slackRevocations.event })
      .from(slackRevocations)
      .where(and(own(exec, slackRevocations), eq(slackRevocations.tokenHash, tokenHash))),
  );
  return row?.event;
}

/** Slack accepted the token at a start (auth.test): whatever was said of it before no longer holds. */
export async function forgetRevocation(tx: Tx, tokenHash: string): Promise<number> {
  const { slackRevocations } = tablesOf(tx);
  const gone = await tx
    .delete(slackRevocations)
    .where(and(own(tx, slackRevocations), eq(slackRevocations.tokenHash, tokenHash)))
    .returning({ tokenHash: slackRevocations.tokenHash });
  return gone.length;
}
