import type { Hearer } from '../core/lifecycle.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import { TRANSITIONS } from '../domain/lifecycle.js';

/** The handoff's link to a CRM record, as stored. */
export interface CrmLinked {
  id: number;
  crmSystem: CrmSystem | null;
  crmRecordId: string | null;
}

/**
 * The outbox row that writes one touch-log event to the handoff's CRM record (a Task, a note), or none when the
 * handoff is not linked. Queued in the transaction of the change, like its Slack messages; rendered at delivery.
 */
export function crmActivityMessage(h: CrmLinked, eventId: number): OutboxMessage[] {
  if (!h.crmSystem || !h.crmRecordId) return [];
  return [
    {
      method: 'crm.activity',
      dedupeKey: `crm:${eventId}`,
      system: h.crmSystem,
      recordId: h.crmRecordId,
      handoffId: h.id,
      eventId,
    },
  ];
}

/**
 * The CRM as a hearer of every change (core/lifecycle.ts): a linked record hears of each state change the transition
 * table marks for it, one activity per event (its own queue, in order), held with the change's undo window.
 */
export const crmActivityHearer: Hearer = (_tx, change) =>
  TRANSITIONS[change.event].crm
    ? crmActivityMessage(change.after, change.eventId).map((m) =>
        change.holdUntil === undefined ? m : { ...m, holdUntil: change.holdUntil },
      )
    : [];
