import { crmRefusedByRules } from '../blocks/crmRefused.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxRow } from '../db/repositories/outbox.js';

interface Deps {
  db: Db;
  clock: Clock;
  onOutboxWrite: () => void;
}

/**
 * Tells the owner of a handoff when a CRM write of its was refused by the account's own rules (HubSpot's validation
 * rules, from its 2026-09 API) and parked: by DM, in plain words, with the command that sends it again once fixed.
 * Each refusal is told once (a retry refused again is told again).
 */
export function crmRefusedNotifier(deps: Deps) {
  return async (row: OutboxRow, error: string): Promise<void> => {
    if (row.handoffId === null) return;
    const handoffId = row.handoffId;
    const now = deps.clock.now();
    const told = await deps.db.transaction(async (tx) => {
      const h = await findHandoff(tx, handoffId);
      if (!h) return false;
      const message = crmRefusedByRules(h, error, row.id);
      await enqueue(
        tx,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: `handoff:${h.id}:crm_refused:${row.id}:${now.getTime()}`,
            channel: h.ownerUserId,
            handoffId: h.id,
            payload: { text: message.text, blocks: message.blocks },
          },
        ],
        now,
      );
      return true;
    });
    if (told) deps.onOutboxWrite();
  };
}
