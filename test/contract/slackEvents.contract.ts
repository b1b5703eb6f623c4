import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import { forgetAccessErrors, waitingForAe } from '../../src/db/repositories/slackEvents.js';
import type { HandoffRow, NewHandoffRow, OutboxRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { handoffRow } from './seed.js';

export default contract('slackEvents repository', ({ db, at, write }) => {
  const handoff = (sourceViewId: string, over: Partial<NewHandoffRow> = {}) =>
    handoffRow(db, at, { sourceViewId, ...over });

  it('lists the handoffs waiting for this AE only, by id, at most the limit, read back whole', async () => {
    expect(await waitingForAe(db, 'U0AE', 10)).toEqual([]);
    const first = await handoff('V1');
    await handoff('V2', { aeUserId: 'U0OTHER' });
    await handoff('V3', { status: 'accepted' });
    const second = await handoff('V4');
    await handoff('V5', { status: 'declined' });
    const third = await handoff('V6', { nextReminderAt: new Date(at.getTime() + 1) });
    const waiting = await waitingForAe(db, 'U0AE', 10);
    expect(waiting).toEqual([first, second, third]);
    expect(waiting[0]?.partnerAgreedInWriting).toBe(true);
    expect(waiting[0]?.sentAt).toEqual(at);
    expect(waiting[2]?.nextReminderAt).toEqual(new Date(at.getTime() + 1));
    expect((await waitingForAe(db, 'U0AE', 2)).map((h: HandoffRow) => h.id)).toEqual([first.id, second.id]);
    expect(await waitingForAe(db, 'U0OTHER', 10)).toHaveLength(1);
    expect(await waitingForAe(db, 'U0NOBODY', 10)).toEqual([]);
  });

  const message = (
    dedupeKey: string,
    over: Partial<Pick<OutboxRow, 'channelKey' | 'status' | 'lastError' | 'attempts'>>,
  ) =>
    db.transaction(async (tx) => {
      const [row] = await tx
        .insert(tablesOf(tx).outbox)
        .values(
          ownRow(tx, {
            dedupeKey,
            channelKey: 'C0PARTNER',
            method: 'chat.postMessage',
            payload: { text: dedupeKey },
            status: 'pending',
            attempts: 3,
            nextAttemptAt: at,
            lastError: 'not_in_channel',
            createdAt: at,
            ...over,
          }),
        )
        .returning();
      if (!row) throw new Error('no message');
      return row;
    });
  const messages = async () => {
    const { outbox } = tablesOf(db);
    const rows = await db.select().from(outbox).where(own(db, outbox));
    return new Map(rows.map((row) => [row.dedupeKey, row]));
  };

  it('forgets the access errors of the channel’s waiting messages, starting their attempts again, and counts them; nothing for no errors or a channel without messages', async () => {
    const refused = await message('refused', {});
    const held = await message('held', { lastError: 'held_for_invite', attempts: 0 });
    const otherError = await message('other-error', { lastError: 'rate_limited' });
    const noError = await message('no-error', { lastError: null, attempts: 1 });
    const otherChannel = await message('other-channel', { channelKey: 'C0ELSE' });
    const delivered = await message('delivered', { status: 'delivered' });
    const dead = await message('dead', { status: 'dead' });
    // No errors named, or a channel without messages: nothing forgotten.
    const before = await messages();
    expect(await write(forgetAccessErrors, 'C0PARTNER', [])).toBe(0);
    expect(await write(forgetAccessErrors, 'C0NONE', ['not_in_channel'])).toBe(0);
    expect(await messages()).toEqual(before);
    expect(
      await write(forgetAccessErrors, 'C0PARTNER', [
        'not_in_channel',
        'held_for_invite',
        'channel_not_found',
      ]),
    ).toBe(2);
    const after = await messages();
    expect(after.get('refused')).toEqual({ ...refused, lastError: null, attempts: 0 });
    expect(after.get('held')).toEqual({ ...held, lastError: null, attempts: 0 });
    for (const unchanged of [otherError, noError, otherChannel, delivered, dead]) {
      expect(after.get(unchanged.dedupeKey)).toEqual(unchanged);
    }
    expect(await write(forgetAccessErrors, 'C0PARTNER', ['not_in_channel', 'held_for_invite'])).toBe(0);
  });
});
