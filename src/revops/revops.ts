import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { addReseller, findResellers, listResellers, removeReseller } from '../db/repositories/checks.js';
import { insertClassificationCorrection } from '../db/repositories/crm.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { requestRefresh } from '../db/repositories/surfaces.js';
import type { HandoffRow, ResellerRow } from '../db/schema.js';
import { accountKey } from '../domain/accountMatch.js';
import { isInternalActor } from '../domain/actor.js';
import type { Classification } from '../domain/attribution.js';
import { HANDOFF_STATUSES } from '../domain/lifecycle.js';
import { may } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import { attributionReviewDecisions } from './attributionReviews.js';

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
  return {
    registerReseller: (ctx: RequestContext, account: string, reseller: string) =>
      registerReseller(deps, ctx, account, reseller),
    unregisterReseller: (ctx: RequestContext, account: string, reseller: string) =>
      unregisterReseller(deps, ctx, account, reseller),
    resellers: (ctx: RequestContext, account: string | undefined) => resellers(deps, ctx, account),
    correctClassification: (ctx: RequestContext, handoffId: number, to: Classification, reason: string) =>
      correctClassification(deps, ctx, handoffId, to, reason),
    // "Review attribution" items: Change goes through the correction above.
    ...attributionReviewDecisions(deps, (ctx, handoffId, to, reason) =>
      correctClassification(deps, ctx, handoffId, to, reason),
    ),
  };
}

function refuse(deps: RevopsDeps, ctx: RequestContext, what: string): { kind: 'forbidden' } {
  deps.logger.warn({ userId: ctx.actor.userId, teamId: ctx.actor.teamId, what }, 'RevOps action refused');
  return { kind: 'forbidden' };
}

async function registerReseller(
  deps: RevopsDeps,
  ctx: RequestContext,
  account: string,
  reseller: string,
): Promise<RevopsResult<boolean>> {
  if (!may(deps, ctx, 'resellers')) return refuse(deps, ctx, 'reseller add');
  const key = accountKey(account);
  const resellerKey = accountKey(reseller);
  if (!key || !resellerKey) return { kind: 'invalid', message: 'Give both an account and a reseller.' };
  const row = {
    accountKey: key,
    accountName: account.trim(),
    resellerKey,
    resellerName: reseller.trim(),
    addedByUserId: ctx.actor.userId,
    addedAt: deps.clock.now(),
  };
  const added = await deps.db.transaction((tx) => addReseller(tx, row));
  deps.logger.info(
    { account: key, reseller: resellerKey, by: ctx.actor.userId, added },
    'reseller registered',
  );
  return { kind: 'done', value: added };
}

async function unregisterReseller(
  deps: RevopsDeps,
  ctx: RequestContext,
  account: string,
  reseller: string,
): Promise<RevopsResult<boolean>> {
  if (!may(deps, ctx, 'resellers')) return refuse(deps, ctx, 'reseller remove');
  const removed = await deps.db.transaction((tx) =>
    removeReseller(tx, accountKey(account), accountKey(reseller)),
  );
  deps.logger.info(
    { account: accountKey(account), reseller: accountKey(reseller), by: ctx.actor.userId, removed },
    'reseller removed',
  );
  return { kind: 'done', value: removed };
}

/** Any internal member may look: authors check before writing a packet. */
async function resellers(
  deps: RevopsDeps,
  ctx: RequestContext,
  account: string | undefined,
): Promise<RevopsResult<ResellerRow[]>> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return refuse(deps, ctx, 'reseller list');
  return {
    kind: 'done',
    value: account ? await findResellers(deps.db, accountKey(account)) : await listResellers(deps.db, 50),
  };
}

/** Changes a handoff's classification with an audit record (who, when, from, to, why) in the same transaction. */
async function correctClassification(
  deps: RevopsDeps,
  ctx: RequestContext,
  handoffId: number,
  to: Classification,
  reason: string,
): Promise<RevopsResult<{ handoff: HandoffRow; from: Classification }>> {
  if (!may(deps, ctx, 'classify')) return refuse(deps, ctx, 'classification correction');
  const handoff = Number.isSafeInteger(handoffId) ? await findHandoff(deps.db, handoffId) : undefined;
  if (!handoff?.classification)
    return { kind: 'invalid', message: `There is no classified handoff #${handoffId}.` };
  if (!reason.trim()) return { kind: 'invalid', message: 'Say why: the reason is kept in the audit record.' };
  const from = handoff.classification;
  if (from === to)
    return { kind: 'invalid', message: `Handoff #${handoffId} is already ${to.replace('_', '-')}.` };
  const now = deps.clock.now();
  const updated = await deps.db.transaction(async (tx) => {
    const row = await updateIfUnchanged(
      tx,
      handoff.id,
      { statuses: HANDOFF_STATUSES, cycle: handoff.cycle },
      { classification: to, classificationReason: `Corrected by RevOps: ${reason.trim()}`, updatedAt: now },
    );
    if (!row) return undefined;
    await insertClassificationCorrection(tx, {
      handoffId: handoff.id,
      fromClassification: from,
      toClassification: to,
      reason: reason.trim(),
      correctedByUserId: ctx.actor.userId,
      correctedAt: now,
    });
    await logEvent(tx, {
      type: 'classification_corrected',
      before: handoff,
      after: row,
      actor: ctx.actor,
      at: now,
      detail: { from, to },
    });
    // The packet shows the classification: every message showing the handoff follows.
    await requestRefresh(tx, row.id, now);
    return row;
  });
  if (!updated) return { kind: 'invalid', message: 'The handoff changed meanwhile; please try again.' };
  deps.onOutboxWrite?.();
  deps.logger.info({ handoffId, from, to, by: ctx.actor.userId }, 'classification corrected');
  return { kind: 'done', value: { handoff: updated, from } };
}

export type Revops = ReturnType<typeof createRevops>;
