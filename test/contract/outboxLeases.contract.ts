import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/outboxLeases.js';
import { contract } from './engine.js';

export default contract('outboxLeases repository', ({ db, at, plus, write }) => {
  const LEASE = 60_000;

  const claim = (holder: string, keys: string[], now = at, until = new Date(now.getTime() + LEASE)) =>
    write(repo.claimConversations, keys, holder, now, until);

  async function leases() {
    const { outboxLeases } = tablesOf(db);
    const rows = await db
      .select()
      .from(outboxLeases)
      .where(own(db, outboxLeases))
      .orderBy(outboxLeases.channelKey);
    return rows.map((l) => [l.channelKey, l.holder, l.leaseUntil]);
  }

  it('takes conversations no one holds, each once, and records the lease to the millisecond; renews the holder’s own', async () => {
    expect(await claim('A', ['C2', 'C1', 'C2', 'U1'])).toEqual(['C1', 'C2', 'U1']);
    expect(await leases()).toEqual([
      ['C1', 'A', plus(LEASE)],
      ['C2', 'A', plus(LEASE)],
      ['U1', 'A', plus(LEASE)],
    ]);
    expect(await claim('A', [])).toEqual([]);
    // The holder's own lease, renewed before it has passed.
    expect(await claim('A', ['C1'], plus(30_000))).toEqual(['C1']);
    expect((await leases())[0]).toEqual(['C1', 'A', plus(30_000 + LEASE)]);
  });

  it('keeps another holder’s running lease, takes it over from the moment it has passed, and reads the leases asked for', async () => {
    expect(await claim('A', ['C1', 'C2'])).toEqual(['C1', 'C2']);
    // B asks for both and a free one: it gets only the free one.
    expect(await claim('B', ['C1', 'C2', 'C3'], plus(LEASE - 1))).toEqual(['C3']);
    expect(await leases()).toEqual([
      ['C1', 'A', plus(LEASE)],
      ['C2', 'A', plus(LEASE)],
      ['C3', 'B', plus(2 * LEASE - 1)],
    ]);
    // At lease_until itself the lease has passed: B takes C1 over.
    expect(await claim('B', ['C1'], plus(LEASE))).toEqual(['C1']);
    expect(await leases()).toEqual([
      ['C1', 'B', plus(2 * LEASE)],
      ['C2', 'A', plus(LEASE)],
      ['C3', 'B', plus(2 * LEASE - 1)],
    ]);
    // A lost C1: asking again does not take it back while B's lease runs.
    expect(await claim('A', ['C1', 'C2'], plus(LEASE + 1))).toEqual(['C2']);
    // The leases of the conversations asked for, none for a conversation never claimed.
    expect(await repo.conversationLeases(db, ['C3', 'C1', 'C9', 'C1'])).toEqual([
      { installationId: 1, channelKey: 'C1', holder: 'B', leaseUntil: plus(2 * LEASE) },
      { installationId: 1, channelKey: 'C3', holder: 'B', leaseUntil: plus(2 * LEASE - 1) },
    ]);
    expect(await repo.conversationLeases(db, [])).toEqual([]);
  });

  it('releases only the holder’s own conversations (all, or those named), so another takes them at once', async () => {
    await claim('A', ['C1', 'C2', 'C3']);
    await claim('B', ['C4']);
    expect(await write(repo.releaseConversations, 'A', ['C1', 'C4'])).toBe(1);
    expect(await leases()).toEqual([
      ['C2', 'A', plus(LEASE)],
      ['C3', 'A', plus(LEASE)],
      ['C4', 'B', plus(LEASE)],
    ]);
    expect(await write(repo.releaseConversations, 'A', [])).toBe(0);
    expect(await write(repo.releaseConversations, 'A')).toBe(2);
    expect(await claim('B', ['C1', 'C2', 'C3'], plus(1))).toEqual(['C1', 'C2', 'C3']);
  });

  it('drops the leases that passed before a moment, and no other', async () => {
    await claim('A', ['C1'], at, plus(1_000));
    await claim('A', ['C2'], at, plus(2_000));
    await claim('B', ['C3'], at, plus(3_000));
    expect(await write(repo.dropPassedLeases, plus(2_000))).toBe(1);
    expect((await leases()).map(([key]) => key)).toEqual(['C2', 'C3']);
  });
});
