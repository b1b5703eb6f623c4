import { expect, it } from 'vitest';
import { queueChange } from '../../src/db/repositories/changes.js';
import { insertMessages } from '../../src/db/repositories/outboxInsert.js';
import { surfacesOf } from '../../src/db/repositories/surfaces.js';
import { contract } from './engine.js';
import { outboxFixtures } from './seed.js';

/** The rows of messages, written as given (db/repositories/outboxInsert.ts); `enqueue`'s expansion is outbox.ts's. */
export default contract('outbox rows of messages', ({ db, at, write }) => {
  const { addHandoff, rows } = outboxFixtures(() => db, at);

  it('writes each message and the surface it posts, in order, counting only new dedupe keys', async () => {
    const handoffId = await addHandoff();
    // A change waiting for the handoff is left alone here: expanding it first is `enqueue`'s.
    await write(queueChange, {
      handoffId,
      eventId: 1,
      at,
      intent: { messages: [], cancelReminders: false, refresh: true, homes: [], token: '1' },
    });
    const added = await write(
      insertMessages,
      [
        {
          method: 'chat.postMessage',
          dedupeKey: 'notice',
          channel: 'U0OWNER',
          payload: {},
          handoffId,
          surface: { kind: 'decision_notice', viewer: 'U0OWNER', params: { partner: 'told' } },
        },
        { method: 'chat.postMessage', dedupeKey: 'notice', channel: 'U0ELSE', payload: {}, handoffId },
        { method: 'chat.postMessage', dedupeKey: 'plain', channel: 'U0AE', payload: { text: 'hi' } },
      ],
      at,
    );
    expect(added).toBe(2);
    expect((await rows()).map((r) => [r.dedupeKey, r.channelKey, r.status, r.surfaceKey])).toEqual([
      ['change:1', `refresh:${handoffId}`, 'pending', null],
      ['notice', 'U0OWNER', 'pending', 'notice'],
      ['plain', 'U0AE', 'pending', null],
    ]);
    expect((await surfacesOf(db, handoffId)).map((s) => [s.key, s.kind, s.viewerUserId])).toEqual([
      ['notice', 'decision_notice', 'U0OWNER'],
    ]);
  });
});
