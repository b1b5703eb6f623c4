import { partnerUpdate } from '../blocks/partnerUpdate.js';
import type { Executor } from '../db/client.js';
import {
  formerAeIds,
  latestAeName,
  movedFromNames,
  type PartnerThreadRecord,
  partnerThreadRecord,
} from '../db/repositories/partnerThreads.js';
import type { HandoffRow } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import { partnerFacts } from '../domain/partnerView.js';
import { messageKey, type PartnerThread, partnerNewsOf } from './notifications.js';

/**
 * The handoff's partner thread as the notifications read it: whether it exists (its parent queued, waiting or
 * delivered), and the history the partner's view is derived from (decisions, outcome steps, a withdrawal). A parent
 * Slack refused for good does not count, so the next event starts a fresh thread instead of replying under nothing.
 * Call inside the transaction, after the change's own rows were written.
 */
export async function partnerThread(exec: Executor, h: HandoffRow): Promise<PartnerThread> {
  const record = await recordOf(exec, h);
  return { started: startedBy(record), facts: factsOf(h, record) };
}

/** What happened to the handoff that its partner may come to know of, in order (domain/partnerView.ts). */
export async function partnerHistory(exec: Executor, h: HandoffRow) {
  return factsOf(h, await recordOf(exec, h));
}

/** The thread's parent, decisions and outcome steps: one statement. */
const recordOf = (exec: Executor, h: Pick<HandoffRow, 'id'>) =>
  partnerThreadRecord(exec, h.id, messageKey.partnerParent(h));

// Posted (remembered for good), or still queued: its outbox row is deleted after OUTBOX_RETENTION_DAYS.
const startedBy = ({ posted, parentStatus }: PartnerThreadRecord) =>
  posted || (parentStatus !== undefined && parentStatus !== 'dead' && parentStatus !== 'cancelled');

const factsOf = (h: HandoffRow, record: PartnerThreadRecord) =>
  partnerFacts(h, record.decisions, record.outcomes);

/**
 * The names of the people who were this handoff's AE before and are not now: the partner's next move may still name
 * one of them (it was written for the first AE), and is then held back from the partner. A move records the name it
 * moved from with its messages (`move.fromName` in their params); for an AE it did not, the name stored with another
 * of their handoffs.
 */
export async function formerAeNames(exec: Executor, h: HandoffRow): Promise<string[]> {
  const recorded = (await movedFromNames(exec, h.id)).filter(
    (name): name is string => typeof name === 'string' && name.trim() !== '',
  );
  if (h.assignment === 1) return recorded;
  const looked: string[] = [];
  for (const ae of await formerAeIds(exec, h.id, h.aeUserId)) {
    const name = await latestAeName(exec, ae);
    if (name !== undefined) looked.push(name);
  }
  return [...new Set([...recorded, ...looked])];
}

/**
 * What the partner would read if the AE declined now with `reason`: the reply the decline posts, from the same view
 * and renderer as the real one (`partnerNewsOf`, blocks/partnerUpdate.ts), so the decline modal can show it word for
 * word. Null when they would read nothing: no partner channel, or nothing new to them (told of a decline already).
 */
export async function declineNews(
  exec: Executor,
  h: HandoffRow,
  reason: DeclineReason,
): Promise<string | null> {
  if (!h.partnerChannelId) return null;
  const thread = await partnerThread(exec, h);
  const decline = {
    kind: 'decision' as const,
    // Not recorded yet: after every decision there is.
    id: Number.MAX_SAFE_INTEGER,
    assignment: h.assignment,
    decision: 'declined' as const,
    reasonCode: reason,
  };
  const news = partnerNewsOf(h, thread, decline);
  return news ? partnerUpdate(news).text : null;
}
