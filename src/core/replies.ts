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
    /**
     * A reply only the actor sees: an ephemeral through the interaction's response_url, or, where Slack gives none
     * (buttons in the App Home), a DM from the app. `blocks` (with `text` as the notification) for richer replies.
     */
    async ephemeral(
      responseUrl: string | undefined,
      text: string,
      userId?: string,
      blocks?: unknown[],
    ): Promise<void> {
      const dedupeKey = `ephemeral:${randomUUID()}`;
      const body = blocks ? { text, blocks } : { text };
      const message = responseUrl
        ? {
            method: 'response_url' as const,
            dedupeKey,
            responseUrl,
            payload: { response_type: 'ephemeral', replace_original: false, ...body },
          }
        : userId
          ? { method: 'chat.postMessage' as const, dedupeKey, channel: userId, payload: body }
          : undefined;
      if (!message) return;
      const now = deps.clock.now();
      await deps.db.transaction((tx) => enqueue(tx, [message], now));
      deps.onOutboxWrite();
    },
  };
}

export type Replies = ReturnType<typeof createReplies>;
