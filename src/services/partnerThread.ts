import type { Executor } from '../db/client.js';
import { findOutboxByRecordAs } from '../db/repositories/outbox.js';
import type { HandoffRow } from '../db/schema.js';
import { messageKey, type PartnerThread } from './notifications.js';

/** Whether the handoff's partner thread exists (its parent queued, delivered or waiting). Call inside the transaction. */
export function partnerThread(exec: Executor, h: HandoffRow): PartnerThread {
  return { started: findOutboxByRecordAs(exec, messageKey.partnerParent(h)) !== undefined };
}
