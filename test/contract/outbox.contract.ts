import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import {
  cancelPendingReminders,
  dueHeads,
  enqueue,
  isQueued,
  markCancelled,
  markDelivered,
  markRetry,
  markSending,
  type OutboxMessage,
  rearm,
  stillPending,
} from '../../src/db/repositories/outbox.js';
import type { OutboxRow } from '../../src/db/schema.js';
import type { Db, Tx } from '../../src/db/types.js';
import { type Engine, eachTestOn } from './engine.js';
import { type NewOutboxRow, outboxRowsAt, queueRows, addHandoff as seedHandoff } from './seed.js';

export function outboxContract(engine: Engine): void {
  describe(`outbox repository (${engine.name})`, () => {
    let db: Db;
    eachTestOn(engine, (opened) => {
      db = opened;
    });

    const at = new Date('2026-11-23T15:04:05.678Z');
    const plus = (ms: number) => new Date(at.getTime() + ms);

    const addHandoff = () => seedHandoff(db, at);

    const outboxRow = outboxRowsAt(at);

    const queue = (...rows: NewOutboxRow[]) => queueRows(db, rows);

    async function rows(): Promise<OutboxRow[]> {
      const { outbox: table } = tablesOf(db);
      return db.select().from(table).orderBy(asc(table.id));
    }

    /** Reads a row, then writes with it in a transaction of its own (as the worker does). */
    async function withRow(id: number, write: (tx: Tx, r: OutboxRow) => Promise<void>): Promise<void> {
      const r = await row(id);
      await db.transaction((tx) => write(tx, r));
    }

    async function row(id: number): Promise<OutboxRow> {
      const found = (await rows()).find((r) => r.id === id);
      if (!found) throw new Error(`no outbox row ${id}`);
      return found;
    }

    it('queues each kind of message as its row, ignoring a dedupe key already queued', async () => {
      const handoffId = await addHandoff();
      const messages: OutboxMessage[] = [
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
      await db.transaction((tx) => enqueue(tx, messages, at));
      // The same keys again (other content): nothing changes.
      await db.transaction((tx) =>
        enqueue(
          tx,
          [{ method: 'chat.postMessage', dedupeKey: 'post', channel: 'C0X', payload: {} }],
          plus(1),
        ),
      );
      const common = { status: 'pending', attempts: 0, nextAttemptAt: at, createdAt: at, lastError: null };
      const unset = { uncertainSince: null, scheduledAt: null, deliveredAt: null, surfaceKey: null };
      expect((await rows()).map(({ id: _id, ...r }) => r)).toEqual([
        {
          ...common,
          ...unset,
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
        },
        {
          ...common,
          ...unset,
          dedupeKey: 'plain',
          method: 'chat.postMessage',
          channelKey: 'U0AE',
          payload: { text: 'dm', channel: 'U0AE' },
          recordAs: null,
          targetMessageKey: null,
          threadOf: null,
          audience: 'internal',
          handoffId: null,
        },
        {
          ...common,
          ...unset,
          dedupeKey: 'update',
          method: 'chat.update',
          channelKey: 'C0PARTNER',
          payload: { text: 'edited' },
          recordAs: null,
          targetMessageKey: 'post-key',
          threadOf: null,
          audience: 'partner',
          handoffId,
        },
        {
          ...common,
          ...unset,
          dedupeKey: 'respond',
          method: 'response_url',
          channelKey: 'response_url:respond',
          payload: { text: 'ephemeral', response_url: 'https://hooks.slack.test/1' },
          recordAs: null,
          targetMessageKey: null,
          threadOf: null,
          audience: 'internal',
          handoffId: null,
        },
        {
          ...common,
          ...unset,
          dedupeKey: 'crm',
          method: 'crm.activity',
          channelKey: 'crm:hubspot:R1',
          payload: { system: 'hubspot', recordId: 'R1', eventId: 7 },
          recordAs: null,
          targetMessageKey: null,
          threadOf: null,
          audience: 'internal',
          handoffId,
        },
      ]);
      expect(await isQueued(db, 'post')).toBe(true);
      expect(await isQueued(db, 'crm')).toBe(true);
      expect(await isQueued(db, 'never')).toBe(false);
    });

    it('queues a surface’s post with its surface, once: under its key, its payload only the channel', async () => {
      const handoffId = await addHandoff();
      const message: OutboxMessage = {
        method: 'chat.postMessage',
        dedupeKey: 'reminder:1',
        channel: 'U0AE',
        payload: { text: 'ignored for a surface' },
        handoffId,
        surface: { kind: 'reminder', viewer: 'U0AE', params: { n: 1 } },
      };
      await db.transaction((tx) => enqueue(tx, [message], at));
      await db.transaction((tx) => enqueue(tx, [{ ...message, recordAs: 'other-key' }], plus(1)));
      expect((await rows()).map((r) => [r.recordAs, r.surfaceKey, r.payload, r.audience])).toEqual([
        ['reminder:1', 'reminder:1', { channel: 'U0AE' }, 'internal'],
      ]);
      const { surfaces } = tablesOf(db);
      const stored = await db.select().from(surfaces);
      expect(stored.map((r) => [r.key, r.handoffId, r.kind, r.viewerUserId, r.params, r.createdAt])).toEqual([
        ['reminder:1', handoffId, 'reminder', 'U0AE', { n: 1 }, at],
      ]);
    });

    it('refuses a surface that names no handoff, and writes nothing of the failed transaction', async () => {
      await expect(
        db.transaction((tx) =>
          enqueue(
            tx,
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
        ),
      ).rejects.toThrow('surface surface names no handoff');
      expect(await rows()).toEqual([]);
    });

    it('reads the due head of each conversation, oldest due first, skipping the paced ones, at most limit', async () => {
      const [a1, , b1, c1, , , e1] = await queue(
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
      );
      const heads = async (limit: number, skip?: readonly string[], now = at) =>
        (await dueHeads(db, now, limit, skip)).map((r) => r.id);
      expect(await heads(10)).toEqual([b1, a1, e1, c1]);
      expect(await heads(2)).toEqual([b1, a1]);
      expect(await heads(10, ['B', 'E'])).toEqual([a1, c1]);
      expect(await heads(10, [])).toEqual([b1, a1, e1, c1]);
      expect(await heads(10, ['A', 'B', 'C', 'E'])).toEqual([]);
      expect(await heads(10, [], plus(-6))).toEqual([]);
      const [head] = await dueHeads(db, at, 1);
      expect(head).toMatchObject({ dedupeKey: 'b1', nextAttemptAt: plus(-5), payload: { text: 'hello' } });
      // Once the head is no longer pending, the next row of its conversation is not held back by it.
      await db.transaction((tx) => markCancelled(tx, head as OutboxRow, 'gone'));
      expect(await heads(10)).toEqual([a1, e1, c1]);
    });

    it('marks a row delivered and remembers its post once; without a post or a key, remembers nothing', async () => {
      const handoffId = await addHandoff();
      const [posted, plain, again] = await queue(
        outboxRow({
          dedupeKey: 'posted',
          recordAs: 'posted-key',
          handoffId,
          attempts: 2,
          uncertainSince: at,
        }),
        outboxRow({ dedupeKey: 'plain', lastError: 'earlier failure' }),
        outboxRow({ dedupeKey: 'again', recordAs: 'posted-key' }),
      );
      const later = plus(5_000);
      await withRow(posted as number, (tx, r) =>
        markDelivered(tx, r, later, { channelId: 'C0REAL', ts: '1.000100' }),
      );
      await withRow(plain as number, (tx, r) => markDelivered(tx, r, later));
      // The key already remembered: the first post stays.
      await withRow(again as number, (tx, r) =>
        markDelivered(tx, r, plus(9_000), { channelId: 'C0OTHER', ts: '2.0' }),
      );
      expect(await row(posted as number)).toMatchObject({
        status: 'delivered',
        deliveredAt: later,
        attempts: 3,
        lastError: null,
        uncertainSince: null,
      });
      expect(await row(plain as number)).toMatchObject({
        status: 'delivered',
        deliveredAt: later,
        attempts: 1,
        lastError: null,
      });
      const { postedMessages } = tablesOf(db);
      expect(await db.select().from(postedMessages)).toEqual([
        { messageKey: 'posted-key', channelId: 'C0REAL', ts: '1.000100', handoffId, postedAt: later },
      ]);
      expect(await stillPending(db, posted as number)).toBe(false);
    });

    it('re-arms a row due now, with a fresh count and no error or mark', async () => {
      const [id] = await queue(
        outboxRow({
          dedupeKey: 'r',
          attempts: 4,
          lastError: 'x',
          uncertainSince: at,
          nextAttemptAt: plus(-7),
        }),
      );
      const now = plus(1_234);
      await withRow(id as number, (tx, r) => rearm(tx, r, now));
      expect(await row(id as number)).toMatchObject({
        status: 'pending',
        nextAttemptAt: now,
        scheduledAt: now,
        attempts: 0,
        lastError: null,
        uncertainSince: null,
      });
    });

    it('schedules a retry: keeps an uncertain mark, sets one where none, clears it when certain', async () => {
      const [marked, unmarked, certain] = await queue(
        outboxRow({ dedupeKey: 'marked', attempts: 1, uncertainSince: plus(-50) }),
        outboxRow({ dedupeKey: 'unmarked', attempts: 0 }),
        outboxRow({ dedupeKey: 'certain', attempts: 2, uncertainSince: plus(-50) }),
      );
      const now = plus(100);
      const next = plus(60_001);
      const retry = async (id: number, uncertainAt?: Date) =>
        withRow(id, async (tx, r) => {
          await markRetry(tx, r, { now, nextAttemptAt: next, error: `failed ${id}`, uncertainAt });
        });
      await retry(marked as number, plus(99));
      await retry(unmarked as number, plus(99));
      await retry(certain as number);
      const expected = { status: 'pending', nextAttemptAt: next, scheduledAt: now };
      expect(await row(marked as number)).toMatchObject({
        ...expected,
        attempts: 2,
        lastError: `failed ${marked}`,
        uncertainSince: plus(-50),
      });
      expect(await row(unmarked as number)).toMatchObject({
        ...expected,
        attempts: 1,
        uncertainSince: plus(99),
      });
      expect(await row(certain as number)).toMatchObject({ ...expected, attempts: 3, uncertainSince: null });
    });

    it('holds a row only if it was not woken since it was read: a release committed in between wins', async () => {
      const [woken, still] = await queue(
        outboxRow({ dedupeKey: 'woken' }),
        outboxRow({ dedupeKey: 'still' }),
      );
      const readWoken = await row(woken as number);
      const readStill = await row(still as number);
      // The app is invited back: the channel's rows are due now (outboxChannels.ts wakeChannel), after the read, at
      // the very millisecond they were already due at (a fresh row: only its schedule shows the wake).
      const wokenAt = readWoken.nextAttemptAt;
      await db.transaction(async (tx) => {
        const { outbox } = tablesOf(tx);
        await tx
          .update(outbox)
          .set({ nextAttemptAt: wokenAt, scheduledAt: wokenAt })
          .where(eq(outbox.id, woken as number));
      });
      const hold = {
        now: plus(10),
        nextAttemptAt: plus(3_600_000),
        error: 'not_in_channel',
        unlessWoken: true,
      };
      expect(await db.transaction((tx) => markRetry(tx, readWoken, hold))).toBe(0);
      expect(await db.transaction((tx) => markRetry(tx, readStill, hold))).toBe(1);
      expect(await row(woken as number)).toMatchObject({
        nextAttemptAt: wokenAt,
        attempts: 0,
        lastError: null,
      });
      expect(await row(still as number)).toMatchObject({ nextAttemptAt: plus(3_600_000), attempts: 1 });
    });

    it('counts a retry in the database: a count started again after the row was read is not written over', async () => {
      const [id] = await queue(outboxRow({ dedupeKey: 'a', attempts: 1 }));
      const read = await row(id as number);
      await db.transaction(async (tx) => {
        const { outbox } = tablesOf(tx);
        await tx
          .update(outbox)
          .set({ attempts: 0 })
          .where(eq(outbox.id, id as number));
      });
      const retry = { now: plus(10), nextAttemptAt: plus(2_000), error: 'restricted_action' };
      expect(await db.transaction((tx) => markRetry(tx, read, retry))).toBe(1);
      expect(await row(id as number)).toMatchObject({ attempts: 1, lastError: 'restricted_action' });
    });

    it('marks a row as sending once: a row already marked keeps its mark', async () => {
      const [fresh, marked] = await queue(
        outboxRow({ dedupeKey: 'fresh' }),
        outboxRow({ dedupeKey: 'marked', uncertainSince: plus(-1) }),
      );
      await withRow(fresh as number, (tx, r) => markSending(tx, r, plus(7)));
      expect((await row(fresh as number)).uncertainSince).toEqual(plus(7));
      // The row as read before the mark: marked again with the newer time.
      const stale = { ...(await row(fresh as number)), uncertainSince: null };
      await db.transaction((tx) => markSending(tx, stale, plus(8)));
      expect((await row(fresh as number)).uncertainSince).toEqual(plus(8));
      // Marked as read: left alone.
      await withRow(marked as number, (tx, r) => markSending(tx, r, plus(9)));
      expect((await row(marked as number)).uncertainSince).toEqual(plus(-1));
    });

    it('tells whether a row is still pending, and cancels one with its reason', async () => {
      const [id, parked] = await queue(
        outboxRow({ dedupeKey: 'p', uncertainSince: at }),
        outboxRow({ dedupeKey: 'dead', status: 'dead' }),
      );
      expect(await stillPending(db, id as number)).toBe(true);
      expect(await stillPending(db, parked as number)).toBe(false);
      expect(await stillPending(db, 999)).toBe(false);
      await withRow(id as number, (tx, r) => markCancelled(tx, r, 'ephemeral expired'));
      expect(await row(id as number)).toMatchObject({
        status: 'cancelled',
        lastError: 'ephemeral expired',
        uncertainSince: null,
      });
      expect(await stillPending(db, id as number)).toBe(false);
      expect(await isQueued(db, 'p')).toBe(true);
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
          .values([
            surface('reminder-1', handoffId, 'reminder'),
            surface('nudge-1', handoffId, 'stall_nudge'),
            surface('packet-1', handoffId, 'ae_packet'),
            surface('reminder-other', other, 'reminder'),
          ]);
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
      await db.transaction((tx) => cancelPendingReminders(tx, handoffId));
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
}
