import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { insertHandoff } from '../../../src/db/repositories/handoffs.js';
import { enqueue, markDelivered } from '../../../src/db/repositories/outbox.js';
import { type HandoffRow, outbox } from '../../../src/db/schema.js';
import { messageKey } from '../../../src/services/notifications.js';
import { partnerThread } from '../../../src/services/partnerThread.js';
import { sentHandoffRow } from '../../support/handoffRow.js';

const at = new Date('2026-11-23T14:00:00Z');

/** Whether the next partner post of a handoff replies in its thread, by the state of the thread's parent post. */
describe('partnerThread (real migrated SQLite file)', () => {
  let dir: string;
  let database: AppDatabase;
  let handoff: HandoffRow;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'partner-thread-'));
    database = openDatabase(join(dir, 'handoff.db'));
    handoff = insertHandoff(database.db, sentHandoffRow(at, { sourceViewId: 'V1' })).handoff;
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Queues the thread's parent post, as the first partner-visible event does. */
  const queueParent = (dedupeKey: string) => {
    enqueue(
      database.db,
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
    );
    const row = database.db.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey)).get();
    if (!row) throw new Error('the parent was not queued');
    return row;
  };
  const setStatus = (id: number, status: 'dead' | 'cancelled') =>
    database.db.update(outbox).set({ status }).where(eq(outbox.id, id)).run();

  it('has not started before its parent is queued', () => {
    expect(partnerThread(database.db, handoff)).toEqual({ started: false });
  });

  it('has started once its parent is queued, and once it is posted', () => {
    const parent = queueParent('parent:1');
    expect(partnerThread(database.db, handoff)).toEqual({ started: true });
    markDelivered(database.db, parent, at, { channelId: 'C0PARTNER', ts: '1.000100' });
    expect(partnerThread(database.db, handoff)).toEqual({ started: true });
  });

  it('has not started when its parent was refused for good or cancelled: the next post starts a fresh thread', () => {
    const refused = queueParent('parent:1');
    setStatus(refused.id, 'dead');
    expect(partnerThread(database.db, handoff)).toEqual({ started: false });
    setStatus(refused.id, 'cancelled');
    expect(partnerThread(database.db, handoff)).toEqual({ started: false });
  });

  it('reads the newest parent: a fresh one queued after a refused one has started the thread', () => {
    setStatus(queueParent('parent:1').id, 'dead');
    queueParent('parent:2');
    expect(partnerThread(database.db, handoff)).toEqual({ started: true });
  });
});
