import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { crmOutcomeMessages } from '../core/notifications.js';
import { partnerThread } from '../core/partnerThread.js';
import type { Db } from '../db/client.js';
import { findOpenLinked, findRelinked } from '../db/repositories/crm.js';
import { type HandoffRow, insertOutcome } from '../db/repositories/handoffs.js';
import type { Logger } from '../logger.js';
import { openAttributionReviews } from './attributionReview.js';
import type { Crm } from './index.js';
import { moneyUnread, refreshCurrencies, storeMoney } from './moneyReadBack.js';
import { correctFromLink } from './relinked.js';
import { CrmError } from './types.js';

export interface CrmReadBackDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  crm: Crm;
  lifecycle: Lifecycle;
}

export interface ReadBackResult {
  /** Records read, by CRM. */
  read: number;
  /** Handoffs recorded won or lost. */
  closed: number;
  /** Handoffs whose class a record linked after sending changed (audited like a RevOps correction). */
  reclassified: number;
  /** CRMs that could not be read this time (tried again at the next poll). */
  failed: string[];
  /** Records whose money or stage changed since the last read. */
  moneyChanged: number;
}

/**
 * Every CRM_POLL_SECONDS: the records of accepted linked handoffs whose deal is still open, read in one query (per
 * CRM, in batches of the API's size); a record that closed records won or lost on the handoff, with its messages (the
 * owner, author and AE told, the partner thread hears it, partner-safe: no amount, no stage). Records linked after
 * the class was decided are read in the same query: their creation date corrects a class they change (relinked.ts).
 */
export function createCrmReadBack(deps: CrmReadBackDeps) {
  return { poll: (): Promise<ReadBackResult> => poll(deps) };
}

async function record(deps: CrmReadBackDeps, h: HandoffRow, won: boolean, label: string): Promise<boolean> {
  const at = deps.clock.now();
  const outcome = won ? 'won' : 'lost';
  const applied = await deps.lifecycle.apply({
    event: outcome,
    before: h,
    actor: null,
    at,
    expect: { outcome: h.outcome },
    change: {
      outcome,
      lastActivityAt: at,
      nextStallNudgeAt: null,
      stallNudgedAt: null,
      // A deal the CRM closed has its first step behind it: done, its checks ended.
      ...(h.firstStep && !h.firstStepDoneAt
        ? { firstStepDoneAt: at, stepCheck: null, nextStepCheckAt: null }
        : {}),
    },
    record: (tx, after) =>
      insertOutcome(tx, {
        handoffId: after.id,
        outcome,
        crmOpportunity: null,
        // The CRM says closed lost, not why: "other" tells the partner nothing more than that it did not go ahead.
        reasonCode: won ? null : 'other',
        note: null,
        byUserId: `crm:${h.crmSystem}`,
        at,
      }),
    detail: { source: label, ...(won ? {} : { reasonCode: 'other' }) },
    owes: async (tx, after, step) => crmOutcomeMessages(after, step, await partnerThread(tx, after)),
  });
  return applied !== undefined;
}

async function poll(deps: CrmReadBackDeps): Promise<ReadBackResult> {
  const result: ReadBackResult = { read: 0, closed: 0, reclassified: 0, failed: [], moneyChanged: 0 };
  for (const connector of deps.crm.connectors) {
    const linked = await findOpenLinked(deps.db, connector.system);
    const relinked = await findRelinked(deps.db, connector.system);
    const unread = await moneyUnread(deps, connector);
    if (linked.length === 0 && relinked.length === 0 && unread.length === 0) continue;
    const ids = [...new Set([...linked, ...relinked, ...unread].map((h) => h.crmRecordId as string))];
    let states: Awaited<ReturnType<typeof connector.states>>;
    try {
      states = await connector.states(ids);
    } catch (error) {
      result.failed.push(connector.label);
      deps.logger.warn(
        {
          system: connector.system,
          records: ids.length,
          err: error instanceof CrmError ? error.message : error,
        },
        `${connector.label} could not be read for closed deals; trying again at the next poll`,
      );
      continue;
    }
    result.read += ids.length;
    // Money and stage first: a deal closing in this poll is stored with the amount it closed at.
    await refreshCurrencies(deps, connector);
    result.moneyChanged += await storeMoney(deps, connector, [...linked, ...relinked, ...unread], states);
    for (const h of linked) {
      const state = states.get(h.crmRecordId as string);
      if (!state?.closed) continue;
      if (await record(deps, h, state.won, connector.label)) {
        result.closed += 1;
        deps.logger.info(
          { handoffId: h.id, system: connector.system, recordId: h.crmRecordId, won: state.won },
          `${connector.label} closed the deal: handoff recorded as ${state.won ? 'won' : 'lost'}`,
        );
      }
    }
    for (const h of relinked) {
      const state = states.get(h.crmRecordId as string);
      // Not readable now (deleted, hidden): looked at again at the next poll.
      if (!state) continue;
      const corrected = await correctFromLink(
        deps.db,
        h,
        { createdOn: state.createdOn, createdAt: state.createdAt, label: connector.label },
        deps.clock.now(),
      );
      if (!corrected) continue;
      result.reclassified += 1;
      deps.logger.info(
        { handoffId: h.id, system: connector.system, recordId: h.crmRecordId, ...corrected },
        `${connector.label}: the record linked after sending changes the classification; corrected (audited)`,
      );
    }
    // A linked record that contradicts a class the read-back may not change: "Review attribution" for RevOps.
    await openAttributionReviews(deps, [...relinked, ...linked], states, connector.label);
  }
  return result;
}

export type CrmReadBack = ReturnType<typeof createCrmReadBack>;
