import { createHash } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { forgetRevocation, recordRevocation, revocationOf } from '../db/repositories/slackRevocations.js';
import type { RevocationRecord } from './health.js';

/** The bot token as the database knows it: a SHA-256, never the token itself. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * Slack's word that the app was uninstalled or its bot token revoked, kept in the database per bot token (issue 50
 * item 23): with replicas, Slack tells one of them, and every one must stop sending and hold the jobs that call Slack
 * (a sweep would otherwise expire handoffs the docs say wait). A process started with another token (the new one of
 * a reinstall) reads nothing of the old one.
 */
export function revocationRecord(deps: { db: Db; clock: Clock; token: string }): RevocationRecord & {
  /** Slack accepted the token at this start (auth.test): what was said of it before no longer holds. */
  forget(): Promise<number>;
} {
  const hash = tokenHash(deps.token);
  return {
    read: () => revocationOf(deps.db, hash),
    write: (event) =>
      deps.db.transaction((tx) => recordRevocation(tx, { tokenHash: hash, event, at: deps.clock.now() })),
    forget: () => deps.db.transaction((tx) => forgetRevocation(tx, hash)),
  };
}
