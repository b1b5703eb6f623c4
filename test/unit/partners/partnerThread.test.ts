import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { messageKey } from '../../../src/core/notifications.js';
import { partnerThread } from '../../../src/core/partnerThread.js';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { insertHandoff, insertOutcome, recordDecision } from '../../../src/db/repositories/handoffs.js';
import { enqueue } from '../../../src/db/repositories/outbox.js';
import { markDelivered } from '../../../src/db/repositories/outboxAttempts.js';
import { type HandoffRow, outbox } from '../../../src/db/schema.js';
import type { Db } from '../../../src/db/types.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

const at = new Date('2026-11-23T14:00:00Z');

/** partnerThread on a real migrated SQLite file: whether a handoff's next partner post replies in its thread. */
let database: AppDatabase;
let db: Db;
let handoff: HandoffRow;
beforeEach(async () => {
  database = freshDatabase('partner-thread-');
  db = firstInstallationOf(database.db);
  handoff = (await db.transaction((tx) => insertHandoff(tx, sentHandoffRow(at, { sourceViewId: 'V1' }))))
    .handoff;
});
afterEach(() => {
  database.close();
});

/** Queues the thread's parent post, as the first partner-visible event does. */
const queueParent = async (dedupeKey: string) => {
  await db.transaction((tx) =>
    enqueue(
      tx,
      [
        {
          method: 'chat.postMessage',
          dedupeKey,
          channel: handoff.partnerChannelId ?? 'C0PARTNER',
          payload: { text: 'parent' },
          recordAs: messageKey.partnerParent(handoff),
          audience: 'partner',
          handoffId: handoff.id,
        },
      ],
      at,
    ),
  );
  const row = db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).get();
  if (!row) throw new Error('the parent was not queued');
  return row;
};
const setStatus = (id: number, status: 'dead' | 'cancelled') =>
  db.transaction((tx) => tx.update(outbox).set({ status }).where(eq(outbox.id, id)).run());

it('the partner thread has started once its parent is queued or posted, not before, nor when its parent was refused or cancelled', async () => {
  const notStarted = { started: false, facts: [] };
  expect(await partnerThread(db, handoff)).toEqual(notStarted);
  // Refused for good or cancelled: the next post starts a fresh thread.
  const refused = await queueParent('parent:1');
  expect(await partnerThread(db, handoff)).toEqual({ started: true, facts: [] });
  await setStatus(refused.id, 'dead');
  expect(await partnerThread(db, handoff)).toEqual(notStarted);
  await setStatus(refused.id, 'cancelled');
  expect(await partnerThread(db, handoff)).toEqual(notStarted);
  // The newest parent is read: a fresh one queued after a refused one has started the thread, and once posted.
  const fresh = await queueParent('parent:2');
  expect(await partnerThread(db, handoff)).toEqual({ started: true, facts: [] });
  await db.transaction((tx) => markDelivered(tx, fresh, at, { channelId: 'C0PARTNER', ts: '1.000100' }));
  expect(await partnerThread(db, handoff)).toEqual({ started: true, facts: [] });
});

it('the partner thread reads the history the partner view is made of: the decision, then the outcome steps, in order', async () => {
  const decided = await db.transaction((tx) =>
    recordDecision(tx, {
      handoffId: handoff.id,
      decision: 'accepted',
      reasonCode: null,
      note: 'internal',
      actor: { userId: handoff.aeUserId, teamId: handoff.aeTeamId },
      at,
      cycle: handoff.cycle,
    }),
  );
  if (!decided) throw new Error('not decided');
  const step = (outcome: 'meeting_held' | 'lost', reasonCode: string | null) =>
    db.transaction((tx) =>
      insertOutcome(tx, {
        handoffId: handoff.id,
        outcome,
        crmOpportunity: null,
        reasonCode,
        note: 'internal note',
        byUserId: handoff.aeUserId,
        at,
      }),
    );
  const met = await step('meeting_held', null);
  const lost = await step('lost', 'timing');
  expect((await partnerThread(db, decided.handoff)).facts).toEqual([
    {
      kind: 'decision',
      id: decided.decision.id,
      assignment: 1,
      decision: 'accepted',
      reasonCode: null,
    },
    // With when each step was recorded: a next move is checked against it.
    { kind: 'outcome', id: met.id, outcome: 'meeting_held', reasonCode: null, at: at.getTime() },
    { kind: 'outcome', id: lost.id, outcome: 'lost', reasonCode: 'timing', at: at.getTime() },
  ]);
});
