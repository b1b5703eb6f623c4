import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/changes.js';
import { dueHeads, enqueue, type OutboxMessage } from '../../src/db/repositories/outbox.js';
import { surfacesOf } from '../../src/db/repositories/surfaces.js';
import { contract } from './engine.js';
import { outboxFixtures } from './seed.js';

/** One change of a handoff as one outbox row, expanded into its rows in order (db/repositories/changes.ts). */
export default contract("a handoff's changes as one row each", ({ db, at, write }) => {
  const { plus, addHandoff, rows } = outboxFixtures(() => db, at);

  type Post = Extract<OutboxMessage, { method: 'chat.postMessage' }>;
  const post = (handoffId: number, key: string, channel = 'C0PARTNER'): Post => ({
    method: 'chat.postMessage',
    dedupeKey: key,
    channel,
    payload: { text: key },
    handoffId,
  });
  /** The post as the owner's decision notice (a surface of the handoff). */
  const decisionNotice = (message: Post): OutboxMessage => ({
    ...message,
    surface: { kind: 'decision_notice', viewer: 'U0OWNER', params: { partner: 'told' } },
  });
  const intent = (messages: OutboxMessage[], over: Partial<repo.ChangeIntent> = {}): repo.ChangeIntent => ({
    messages,
    cancelReminders: false,
    refresh: false,
    homes: [],
    token: 'T',
    ...over,
  });
  const change = (handoffId: number, eventId: number, messages: OutboxMessage[], when = at) =>
    write(repo.queueChange, { handoffId, eventId, at: when, intent: intent(messages) });
  const expand = (...handoffIds: number[]) => write(repo.expandPendingChanges, handoffIds, plus(500));
  const summary = async () => (await rows()).map((r) => [r.dedupeKey, r.method, r.channelKey, r.status]);

  it('queues one row per change, keyed by its event, in the handoff’s refresh conversation', async () => {
    const handoffId = await addHandoff();
    await change(handoffId, 41, [post(handoffId, 'reply'), post(handoffId, 'notice', 'U0OWNER')]);
    // The same event again: nothing more.
    await change(handoffId, 41, []);
    const [row, ...more] = await rows();
    expect(more).toEqual([]);
    expect(row).toMatchObject({
      dedupeKey: 'change:41',
      method: 'handoff.change',
      channelKey: `refresh:${handoffId}`,
      handoffId,
      status: 'pending',
      nextAttemptAt: at,
      createdAt: at,
      payload: intent([post(handoffId, 'reply'), post(handoffId, 'notice', 'U0OWNER')]),
    });
  });

  it('expands a handoff’s waiting changes oldest first, due when each was made, once', async () => {
    const handoffId = await addHandoff();
    const other = await addHandoff();
    await change(handoffId, 1, [post(handoffId, 'first')], plus(-20));
    await change(other, 2, [post(other, 'elsewhere')], plus(-10));
    await change(handoffId, 3, [post(handoffId, 'second'), post(handoffId, 'third', 'U0OWNER')]);
    await expand(handoffId);
    // Twice, or from two writers: an expanded change is no longer waiting and expands to nothing.
    await expand(handoffId);
    expect(await summary()).toEqual([
      ['change:1', 'handoff.change', `refresh:${handoffId}`, 'delivered'],
      ['change:2', 'handoff.change', `refresh:${other}`, 'pending'],
      ['change:3', 'handoff.change', `refresh:${handoffId}`, 'delivered'],
      ['first', 'chat.postMessage', 'C0PARTNER', 'pending'],
      ['second', 'chat.postMessage', 'C0PARTNER', 'pending'],
      ['third', 'chat.postMessage', 'U0OWNER', 'pending'],
    ]);
    const byKey = new Map((await rows()).map((r) => [r.dedupeKey, r]));
    expect(byKey.get('first')?.nextAttemptAt).toEqual(plus(-20));
    expect(byKey.get('second')?.createdAt).toEqual(at);
    expect(byKey.get('change:1')?.deliveredAt).toEqual(plus(500));
  });

  it('the worker expands the change it read, once, and not one a request expanded after its look', async () => {
    const handoffId = await addHandoff();
    const other = await addHandoff();
    await change(handoffId, 1, [post(handoffId, 'first')], plus(-20));
    await change(handoffId, 2, [post(handoffId, 'second')], plus(-10));
    const notice = decisionNotice(post(other, 'elsewhere'));
    await write(repo.queueChange, {
      handoffId: other,
      eventId: 3,
      at,
      intent: intent([notice], { refresh: true }),
    });
    const heads = await dueHeads(db, plus(1), 10);
    expect(heads.map((r) => r.dedupeKey)).toEqual(['change:1', 'change:3']);
    const [first, elsewhere] = heads;
    if (!first || !elsewhere) throw new Error('two heads expected');
    // A request of the other handoff expands its change between the worker's look and its delivery.
    await expand(other);
    await db.transaction(async (tx) => {
      await repo.expandChange(tx, first);
      await repo.expandChange(tx, elsewhere);
      // Twice: the row is no longer waiting.
      await repo.expandChange(tx, first);
    });
    expect(await summary()).toEqual([
      ['change:1', 'handoff.change', `refresh:${handoffId}`, 'delivered'],
      ['change:2', 'handoff.change', `refresh:${handoffId}`, 'pending'],
      ['change:3', 'handoff.change', `refresh:${other}`, 'delivered'],
      ['elsewhere', 'chat.postMessage', 'C0PARTNER', 'pending'],
      ['first', 'chat.postMessage', 'C0PARTNER', 'pending'],
    ]);
    const byKey = new Map((await rows()).map((r) => [r.dedupeKey, r]));
    // Due when its change was made; the change marked as of then (the worker's delivery then records its own time).
    expect(byKey.get('first')?.nextAttemptAt).toEqual(plus(-20));
    expect(byKey.get('change:1')?.deliveredAt).toEqual(plus(-20));
    // Counted once on the other handoff's surface (which starts at 1): its change was expanded once.
    expect((await surfacesOf(db, other)).map((s) => [s.key, s.wanted])).toEqual([['elsewhere', 2]]);
    // The handoff's next change is its conversation's next head.
    expect((await dueHeads(db, plus(1), 10)).map((r) => r.dedupeKey)).toEqual(['change:2', 'elsewhere']);
  });

  it('a message queued for a handoff comes after what its waiting changes owed', async () => {
    const handoffId = await addHandoff();
    await change(handoffId, 1, [post(handoffId, 'decided')]);
    const added = await write(enqueue, [post(handoffId, 'later')], plus(1));
    expect(added).toBe(1);
    expect((await summary()).map(([key, , , status]) => [key, status])).toEqual([
      ['change:1', 'delivered'],
      ['decided', 'pending'],
      ['later', 'pending'],
    ]);
  });

  it('holds back a handoff’s other messages while a change of it waits, not its changes nor other handoffs', async () => {
    const handoffId = await addHandoff();
    const other = await addHandoff();
    await write(
      enqueue,
      [post(handoffId, 'before', 'C0ONE'), post(other, 'unrelated', 'C0TWO'), post(handoffId, 'dm', 'U0AE')],
      plus(-5),
    );
    await change(handoffId, 9, [post(handoffId, 'owed', 'C0ONE')]);
    const heads = async () => (await dueHeads(db, plus(1), 10)).map((r) => r.dedupeKey).sort();
    expect(await heads()).toEqual(['change:9', 'unrelated']);
    await expand(handoffId);
    expect(await heads()).toEqual(['before', 'dm', 'unrelated']);
  });

  it('cancels the handoff’s queued reminders first, then queues its messages, refreshes and App Homes', async () => {
    const handoffId = await addHandoff();
    const reminder: OutboxMessage = {
      ...post(handoffId, 'reminder', 'U0AE'),
      surface: { kind: 'reminder', viewer: 'U0AE', params: {} },
    };
    await write(enqueue, [reminder], plus(-5));
    const notice = decisionNotice(post(handoffId, 'notice', 'U0OWNER'));
    await write(repo.queueChange, {
      handoffId,
      eventId: 5,
      at,
      intent: intent([notice], { cancelReminders: true, refresh: true, homes: ['U0NOHOME'] }),
    });
    await expand(handoffId);
    const byKey = new Map((await rows()).map((r) => [r.dedupeKey, r]));
    expect(byKey.get('reminder')).toMatchObject({
      status: 'cancelled',
      lastError: 'superseded by a later change',
    });
    expect(byKey.get('notice')).toMatchObject({ status: 'pending', surfaceKey: 'notice' });
    // The change is counted on every surface of the handoff (each starts at 1), the new one among them, as when
    // each row was written with the change (nothing posted: no update queued).
    expect((await surfacesOf(db, handoffId)).map((s) => [s.key, s.kind, s.wanted])).toEqual([
      ['reminder', 'reminder', 2],
      ['notice', 'decision_notice', 2],
    ]);
    expect([...byKey.values()].filter((r) => r.method !== 'chat.postMessage').map((r) => r.method)).toEqual([
      'handoff.change',
    ]);
  });
});
