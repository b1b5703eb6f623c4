import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { addReseller, findResellers, listResellers, removeReseller } from '../db/repositories/checks.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import { classificationCorrections, type HandoffRow, type ResellerRow } from '../db/schema.js';
import { accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import type { Classification } from '../domain/attribution.js';
import { HANDOFF_STATUSES } from '../domain/lifecycle.js';
import { may } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import type { RequestContext } from './requestContext.js';

export interface RevopsDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  revopsUserIds: readonly string[];
  adminUserIds: readonly string[];
  /** Wakes the outbox after a commit that queued messages (a correction brings the AE's packet up to date). */
  onOutboxWrite?: () => void;
}

export type RevopsResult<T = undefined> =
  | { kind: 'forbidden' }
  | { kind: 'invalid'; message: string }
  | { kind: 'done'; value: T };

/** RevOps' maintenance: the reseller registry, and audited corrections of a handoff's classification. */
export function createRevops(deps: RevopsDeps) {
  const { db, clock, logger } = deps;

  function refuse(ctx: RequestContext, what: string): { kind: 'forbidden' } {
    logger.warn({ userId: ctx.actor.userId, teamId: ctx.actor.teamId, what }, 'RevOps action refused');
    return { kind: 'forbidden' };
  }

  function registerReseller(ctx: RequestContext, account: string, reseller: string): RevopsResult<boolean> {
    if (!may(deps, ctx, 'resellers')) return refuse(ctx, 'reseller add');
    const key = accountKey(account);
    const resellerKey = accountKey(reseller);
    if (!key || !resellerKey) return { kind: 'invalid', message: 'Give both an account and a reseller.' };
    const added = addReseller(db, {
      accountKey: key,
      accountName: account.trim(),
      resellerKey,
      resellerName: reseller.trim(),
      addedByUserId: ctx.actor.userId,
      addedAt: clock.now(),
    });
    logger.info({ account: key, reseller: resellerKey, by: ctx.actor.userId, added }, 'reseller registered');
    return { kind: 'done', value: added };
  }

  function unregisterReseller(ctx: RequestContext, account: string, reseller: string): RevopsResult<boolean> {
    if (!may(deps, ctx, 'resellers')) return refuse(ctx, 'reseller remove');
    const removed = removeReseller(db, accountKey(account), accountKey(reseller));
    logger.info(
      { account: accountKey(account), reseller: accountKey(reseller), by: ctx.actor.userId, removed },
      'reseller removed',
    );
    return { kind: 'done', value: removed };
  }

  /** Any internal member may look: authors check before writing a packet. */
  function resellers(ctx: RequestContext, account: string | undefined): RevopsResult<ResellerRow[]> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return refuse(ctx, 'reseller list');
    return { kind: 'done', value: account ? findResellers(db, accountKey(account)) : listResellers(db, 50) };
  }

  /** Changes a handoff's classification with an audit record (who, when, from, to, why) in the same transaction. */
  function correctClassification(
    ctx: RequestContext,
    handoffId: number,
    to: Classification,
    reason: string,
  ): RevopsResult<{ handoff: HandoffRow; from: Classification }> {
    if (!may(deps, ctx, 'classify')) return refuse(ctx, 'classification correction');
    const handoff = Number.isSafeInteger(handoffId) ? findHandoff(db, handoffId) : undefined;
    if (!handoff?.classification)
      return { kind: 'invalid', message: `There is no classified handoff #${handoffId}.` };
    if (!reason.trim())
      return { kind: 'invalid', message: 'Say why: the reason is kept in the audit record.' };
    const from = handoff.classification;
    if (from === to)
      return { kind: 'invalid', message: `Handoff #${handoffId} is already ${to.replace('_', '-')}.` };
    const now = clock.now();
    const updated = db.transaction((tx) => {
      const row = updateIfUnchanged(
        tx,
        handoff.id,
        { statuses: HANDOFF_STATUSES, cycle: handoff.cycle },
        { classification: to, classificationReason: `Corrected by RevOps: ${reason.trim()}`, updatedAt: now },
      );
      if (!row) return undefined;
      tx.insert(classificationCorrections)
        .values({
          handoffId: handoff.id,
          fromClassification: from,
          toClassification: to,
          reason: reason.trim(),
          correctedByUserId: ctx.actor.userId,
          correctedAt: now,
        })
        .run();
      logEvent(tx, {
        type: 'classification_corrected',
        before: handoff,
        after: row,
        actor: ctx.actor,
        at: now,
        detail: { from, to },
      });
      // The packet shows the classification: every message showing the handoff follows.
      requestRefresh(tx, row.id, now);
      return row;
    });
    if (!updated) return { kind: 'invalid', message: 'The handoff changed meanwhile; please try again.' };
    deps.onOutboxWrite?.();
    logger.info({ handoffId, from, to, by: ctx.actor.userId }, 'classification corrected');
    return { kind: 'done', value: { handoff: updated, from } };
  }

  return { registerReseller, unregisterReseller, resellers, correctClassification };
}

export type Revops = ReturnType<typeof createRevops>;
