import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/outbox.js';
import { markCancelled } from '../../src/db/repositories/outboxAttempts.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { outboxFixtures } from './seed.js';

export default contract('outbox repository', ({ db, at, write }) => {
  const { plus, addHandoff, outboxRow, queue, rows } = outboxFixtures(() => db, at);

  it('queues each kind of message as its row, ignoring a dedupe key already queued', async () => {
    const handoffId = await addHandoff();
    const messages: repo.OutboxMessage[] = [
      {
        method: 'chat.postMessage',
        dedupeKey: 'post',
        channel: 'C0PARTNER',
        payload: { text: 'hi', blocks: [{ type: 'section', n: 1, ok: true, none: null }] },
        recordAs: 'post-key',
        permalinkOf: 'earlier-key',
        threadOf: 'parent-key',
        audience: 'partner',
        handoffId,
      },
      { method: 'chat.postMessage', dedupeKey: 'plain', channel: 'U0AE', payload: { text: 'dm' } },
      {
        method: 'chat.update',
        dedupeKey: 'update',
        channel: 'C0PARTNER',
        targetMessageKey: 'post-key',
        payload: { text: 'edited' },
        audience: 'partner',
        handoffId,
      },
      {
        method: 'response_url',
        dedupeKey: 'respond',
        responseUrl: 'https://hooks.slack.test/1',
        payload: { text: 'ephemeral' },
      },
      {
        method: 'crm.activity',
        dedupeKey: 'crm',
        system: 'hubspot',
        recordId: 'R1',
        handoffId,
        eventId: 7,
      },
    ];
    await write(repo.enqueue, messages, at);
    // The same keys again (other content): nothing changes.
    await write(
      repo.enqueue,
      [{ method: 'chat.postMessage', dedupeKey: 'post', channel: 'C0X', payload: {} }],
      plus(1),
    );
    // Each row as read back: what is not said is pending, untried, unset, internal, of no handoff.
    const queued = (
      row: Pick<OutboxRow, 'dedupeKey' | 'method' | 'channelKey' | 'payload'> & Partial<OutboxRow>,
    ) => ({
      installationId: 1,
      status: 'pending',
      attempts: 0,
      nextAttemptAt: at,
      createdAt: at,
      lastError: null,
      uncertainSince: null,
      scheduledAt: null,
      deliveredAt: null,
      surfaceKey: null,
      postedChannelId: null,
      postedTs: null,
      recordAs: null,
      targetMessageKey: null,
      threadOf: null,
      audience: 'internal',
      handoffId: null,
      ...row,
    });
    expect((await rows()).map(({ id: _id, ...r }) => r)).toEqual([
      queued({
        dedupeKey: 'post',
        method: 'chat.postMessage',
        channelKey: 'C0PARTNER',
        payload: {
          text: 'hi',
          blocks: [{ type: 'section', n: 1, ok: true, none: null }],
          channel: 'C0PARTNER',
        },
        recordAs: 'post-key',
        targetMessageKey: 'earlier-key',
        threadOf: 'parent-key',
        audience: 'partner',
        handoffId,
      }),
      queued({
        dedupeKey: 'plain',
        method: 'chat.postMessage',
        channelKey: 'U0AE',
        payload: { text: 'dm', channel: 'U0AE' },
      }),
      queued({
        dedupeKey: 'update',
        method: 'chat.update',
        channelKey: 'C0PARTNER',
        payload: { text: 'edited' },
        targetMessageKey: 'post-key',
        audience: 'partner',
        handoffId,
      }),
      queued({
        dedupeKey: 'respond',
        method: 'response_url',
        channelKey: 'response_url:respond',
        payload: { text: 'ephemeral', response_url: 'https://hooks.slack.test/1' },
      }),
      queued({
        dedupeKey: 'crm',
        method: 'crm.activity',
        channelKey: 'crm:hubspot:R1',
        payload: { system: 'hubspot', recordId: 'R1', eventId: 7 },
        handoffId,
      }),
    ]);
    expect(await repo.isQueued(db, 'post')).toBe(true);
    expect(await repo.isQueued(db, 'crm')).toBe(true);
    expect(await repo.isQueued(db, 'never')).toBe(false);
  });

  it('queues a surface’s post with its surface, once: under its key, its payload only the channel', async () => {
    const handoffId = await addHandoff();
    const message: repo.OutboxMessage = {
      method: 'chat.postMessage',
      dedupeKey: 'reminder:1',
      channel: 'U0AE',
      payload: { text: 'ignored for a surface' },
      handoffId,
      surface: { kind: 'reminder', viewer: 'U0AE', params: { n: 1 } },
    };
    await write(repo.enqueue, [message], at);
    await write(repo.enqueue, [{ ...message, recordAs: 'other-key' }], plus(1));
    expect((await rows()).map((r) => [r.recordAs, r.surfaceKey, r.payload, r.audience])).toEqual([
      ['reminder:1', 'reminder:1', { channel: 'U0AE' }, 'internal'],
    ]);
    const { surfaces } = tablesOf(db);
    const stored = await db.select().from(surfaces).where(own(db, surfaces));
    expect(stored.map((r) => [r.key, r.handoffId, r.kind, r.viewerUserId, r.params, r.createdAt])).toEqual([
      ['reminder:1', handoffId, 'reminder', 'U0AE', { n: 1 }, at],
    ]);
  });

  it('refuses a surface that names no handoff, and writes nothing of the failed transaction', async () => {
    await expect(
      write(
        repo.enqueue,
        [
          { method: 'chat.postMessage', dedupeKey: 'first', channel: 'C0', payload: {} },
          {
            method: 'chat.postMessage',
            dedupeKey: 'surface',
            channel: 'C0',
            payload: {},
            surface: { kind: 'reminder', viewer: null, params: {} },
          },
        ],
        at,
      ),
    ).rejects.toThrow('surface surface names no handoff');
    expect(await rows()).toEqual([]);
  });

  it('reads the due head of each conversation, oldest due first, skipping the paced ones, at most limit', async () => {
    const [a1, , b1, c1, , , e1, f1] = await queue(
      outboxRow({ dedupeKey: 'a1', channelKey: 'A', nextAttemptAt: plus(-3) }),
      // Behind a1 in its conversation, though due earlier.
      outboxRow({ dedupeKey: 'a2', channelKey: 'A', nextAttemptAt: plus(-10) }),
      outboxRow({ dedupeKey: 'b1', channelKey: 'B', nextAttemptAt: plus(-5) }),
      outboxRow({ dedupeKey: 'c1', channelKey: 'C', nextAttemptAt: at }),
      // Not due yet (one millisecond later).
      outboxRow({ dedupeKey: 'd1', channelKey: 'D', nextAttemptAt: plus(1) }),
      // Delivered, parked and cancelled rows do not hold back the conversation.
      outboxRow({ dedupeKey: 'e0', channelKey: 'E', status: 'delivered', nextAttemptAt: plus(-99) }),
      outboxRow({ dedupeKey: 'e1', channelKey: 'E', nextAttemptAt: plus(-1) }),
      // Another method: left out only while its own is held back.
      outboxRow({ dedupeKey: 'f1', channelKey: 'F', method: 'chat.update', nextAttemptAt: plus(-20) }),
    );
    expect((await repo.dueHeads(db, at, 10, [], ['chat.update'])).map((r) => r.id)).toEqual([b1, a1, e1, c1]);
    expect((await repo.dueHeads(db, at, 10, [], ['chat.postMessage'])).map((r) => r.id)).toEqual([f1]);
    expect(
      (await repo.dueHeads(db, at, 1, [], ['chat.postMessage', 'chat.update'])).map((r) => r.id),
    ).toEqual([]);
    const [other] = await repo.dueHeads(db, at, 1, [], ['chat.postMessage']);
    if (other) await write(markCancelled, other, 'out of the way');
    const heads = async (limit: number, skip?: readonly string[], now = at) =>
      (await repo.dueHeads(db, now, limit, skip)).map((r) => r.id);
    expect(await heads(10)).toEqual([b1, a1, e1, c1]);
    expect(await heads(2)).toEqual([b1, a1]);
    expect(await heads(10, ['B', 'E'])).toEqual([a1, c1]);
    expect(await heads(10, [])).toEqual([b1, a1, e1, c1]);
    expect(await heads(10, ['A', 'B', 'C', 'E'])).toEqual([]);
    expect(await heads(10, [], plus(-6))).toEqual([]);
    const [head] = await repo.dueHeads(db, at, 1);
    expect(head).toMatchObject({ dedupeKey: 'b1', nextAttemptAt: plus(-5), payload: { text: 'hello' } });
    // Once the head is no longer pending, the next row of its conversation is not held back by it.
    await write(markCancelled, head as OutboxRow, 'gone');
    expect(await heads(10)).toEqual([a1, e1, c1]);
  });

  it('cancels the pending posts of a handoff’s reminders and stall nudges only', async () => {
    const handoffId = await addHandoff();
    const other = await addHandoff();
    await db.transaction(async (tx) => {
      const surface = (key: string, id: number, kind: 'reminder' | 'stall_nudge' | 'ae_packet') => ({
        key,
        handoffId: id,
        kind,
        viewerUserId: null,
        channelKey: 'C0CHAN',
        params: {},
        createdAt: at,
      });
      await tx
        .insert(tablesOf(tx).surfaces)
        .values(
          [
            surface('reminder-1', handoffId, 'reminder'),
            surface('nudge-1', handoffId, 'stall_nudge'),
            surface('packet-1', handoffId, 'ae_packet'),
            surface('reminder-other', other, 'reminder'),
          ].map((row) => ownRow(tx, row)),
        );
    });
    const [reminder, nudge, packet, update, sent, elsewhere, noSurface] = await queue(
      outboxRow({ dedupeKey: 'reminder', handoffId, surfaceKey: 'reminder-1' }),
      outboxRow({ dedupeKey: 'nudge', handoffId, surfaceKey: 'nudge-1' }),
      outboxRow({ dedupeKey: 'packet', handoffId, surfaceKey: 'packet-1' }),
      outboxRow({ dedupeKey: 'update', handoffId, surfaceKey: 'reminder-1', method: 'chat.update' }),
      outboxRow({ dedupeKey: 'sent', handoffId, surfaceKey: 'nudge-1', status: 'delivered' }),
      outboxRow({ dedupeKey: 'elsewhere', handoffId: other, surfaceKey: 'reminder-other' }),
      outboxRow({ dedupeKey: 'none', handoffId }),
    );
    await write(repo.cancelPendingReminders, handoffId);
    const byId = new Map((await rows()).map((r) => [r.id, [r.status, r.lastError]]));
    const superseded = ['cancelled', 'superseded by a later change'];
    expect(byId.get(reminder as number)).toEqual(superseded);
    expect(byId.get(nudge as number)).toEqual(superseded);
    expect(byId.get(packet as number)).toEqual(['pending', null]);
    expect(byId.get(update as number)).toEqual(['pending', null]);
    expect(byId.get(sent as number)).toEqual(['delivered', null]);
    expect(byId.get(elsewhere as number)).toEqual(['pending', null]);
    expect(byId.get(noSurface as number)).toEqual(['pending', null]);
  });
});
