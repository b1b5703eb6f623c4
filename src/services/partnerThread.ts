import type { Executor } from '../db/client.js';
import { findPostedMessage, outboxStatusByRecordAs } from '../db/repositories/outbox.js';
import type { HandoffRow } from '../db/schema.js';
import { messageKey, type PartnerThread } from './notifications.js';

/**
 * Whether the handoff's partner thread exists: its parent queued, waiting or delivered. A parent Slack refused for
 * good does not count, so the next event starts a fresh thread instead of replying under nothing. Call inside the
 * transaction.
 */
export function partnerThread(exec: Executor, h: HandoffRow): PartnerThread {
  const key = messageKey.partnerParent(h);
  // Posted (remembered for good), or still queued: its outbox row is deleted after OUTBOX_RETENTION_DAYS.
  if (findPostedMessage(exec, key)) return { started: true };
  const parent = outboxStatusByRecordAs(exec, key);
  return { started: parent !== undefined && parent !== 'dead' && parent !== 'cancelled' };
}
