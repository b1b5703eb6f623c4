import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { enqueue } from '../db/repositories/outbox.js';

export interface RepliesDeps {
  db: Db;
  clock: Clock;
  onOutboxWrite: () => void;
}

/** Replies to the person who acted, through the outbox like every other Slack side effect. */
export function createReplies(deps: RepliesDeps) {
  return {
    /** An ephemeral message through the interaction's response_url (shown only to the actor). */
    ephemeral(responseUrl: string | undefined, text: string): void {
      if (!responseUrl) return;
      enqueue(
        deps.db,
        [
          {
            method: 'response_url',
            dedupeKey: `ephemeral:${randomUUID()}`,
            responseUrl,
            payload: { response_type: 'ephemeral', replace_original: false, text },
          },
        ],
        deps.clock.now(),
      );
      deps.onOutboxWrite();
    },
  };
}

export type Replies = ReturnType<typeof createReplies>;
