import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own } from '../../src/db/owned.js';
import { claimSlot, finishSlot, pruneSlots } from '../../src/db/repositories/jobClaims.js';
import { contract } from './engine.js';

export default contract('jobClaims repository', ({ db, write }) => {
  const slot = new Date('2026-11-23T15:00:00.000Z');
  const at = new Date('2026-11-23T15:00:00.123Z');
  const plus = (ms: number, from = at) => new Date(from.getTime() + ms);
  const day = 86_400_000;

  async function claims() {
    const { jobClaims } = tablesOf(db);
    return db.select().from(jobClaims).where(own(db, jobClaims)).orderBy(jobClaims.job, jobClaims.slot);
  }

  /** The one claim held, as read back: A's of the sweep's slot, from `at` for a minute, unless `over` says otherwise. */
  const only = (over: Record<string, unknown> = {}) => [
    {
      installationId: 1,
      job: 'sweep',
      slot,
      holder: 'A',
      claimedAt: at,
      leaseUntil: plus(60_000),
      doneAt: null,
      ...over,
    },
  ];
  const claim = (holder: string, now: Date, leaseUntil: Date, job = 'sweep', s = slot) =>
    write(claimSlot, { job, slot: s, holder, now, leaseUntil });

  it('takes a slot no one claimed (the claim recorded to the millisecond), refuses it to others while its lease runs, and lets another take it over once it has passed', async () => {
    expect(await claim('A', at, plus(60_000))).toBe(true);
    expect(await claim('B', plus(1), plus(60_001))).toBe(false);
    expect(await claim('B', plus(59_999), plus(120_000))).toBe(false);
    // The same holder is refused too while its own lease runs.
    expect(await claim('A', plus(30_000), plus(90_000))).toBe(false);
    expect(await claims()).toEqual(only());
    // The lease ends at leaseUntil: a claim at that very millisecond takes it over.
    expect(await claim('B', plus(60_000), plus(120_000))).toBe(true);
    expect(await claims()).toEqual(only({ holder: 'B', claimedAt: plus(60_000), leaseUntil: plus(120_000) }));
  });

  it('never claims a slot again once its run finished, lease passed or not', async () => {
    expect(await claim('A', at, plus(60_000))).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'A', now: plus(5_000) });
    expect(await claims()).toEqual(only({ doneAt: plus(5_000) }));
    expect(await claim('B', plus(10 * 60_000), plus(11 * 60_000))).toBe(false);
    expect(await claim('A', plus(10 * 60_000), plus(11 * 60_000))).toBe(false);
    expect((await claims())[0]?.holder).toBe('A');
  });

  it('claims a finished slot again when it is lived again (the clock stepped back), once its run is over', async () => {
    // Issue 50 item 25. The claimer says so (`again`): taken, as a new claim, though its run finished.
    expect(await claim('A', at, plus(60_000))).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'A', now: plus(5_000) });
    const again = (holder: string, now: Date) =>
      write(claimSlot, { job: 'sweep', slot, holder, now, leaseUntil: plus(60_000, now), again: true });
    expect(await again('A', plus(1_000))).toBe(true);
    expect(await claims()).toEqual(only({ claimedAt: plus(1_000), leaseUntil: plus(61_000) }));
    // That new run is not over (unfinished, its lease running): not taken again meanwhile.
    expect(await again('B', plus(2_000))).toBe(false);
    expect((await claims())[0]?.holder).toBe('A');
  });

  it('claims a finished slot again when a later slot of the job was claimed (its sequence went past it)', async () => {
    // A process whose clock stepped back across a restart knows no tick of its own: the claims say so.
    const next = plus(60_000, slot);
    expect(await claim('A', at, plus(60_000))).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'A', now: plus(5_000) });
    // Without a later slot it ran, and is not claimed again.
    expect(await claim('B', plus(10_000), plus(70_000))).toBe(false);
    expect(await claim('A', plus(60_000), plus(120_000), 'sweep', next)).toBe(true);
    expect(await claim('B', plus(10_000), plus(70_000))).toBe(true);
    // Another job's later slot says nothing of this one.
    expect(await claim('A', at, plus(60_000), 'digest')).toBe(true);
    expect(await claim('C', at, plus(60_000), 'digest', plus(-60_000, slot))).toBe(true);
    expect(
      (await claims()).map((c) => [c.job, c.slot.toISOString().slice(11, 16), c.holder, c.doneAt]),
    ).toEqual([
      ['digest', '14:59', 'C', null],
      ['digest', '15:00', 'A', null],
      ['sweep', '15:00', 'B', null],
      ['sweep', '15:01', 'A', null],
    ]);
  });

  it('keeps slots and jobs apart', async () => {
    expect(await claim('A', at, plus(60_000))).toBe(true);
    expect(await claim('B', at, plus(60_000), 'digest')).toBe(true);
    expect(await claim('C', at, plus(60_000), 'sweep', plus(60_000, slot))).toBe(true);
    expect((await claims()).map((c) => [c.job, c.slot, c.holder])).toEqual([
      ['digest', slot, 'B'],
      ['sweep', slot, 'A'],
      ['sweep', plus(60_000, slot), 'C'],
    ]);
  });

  it('finishes only the holder’s own claim', async () => {
    expect(await claim('A', at, plus(60_000))).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'B', now: plus(1) });
    await write(finishSlot, { job: 'digest', slot, holder: 'A', now: plus(1) });
    expect((await claims())[0]?.doneAt).toBeNull();
    // A holder that lost its claim to another cannot mark the other's run done.
    expect(await claim('B', plus(60_000), plus(120_000))).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'A', now: plus(60_001) });
    expect((await claims())[0]).toMatchObject({ holder: 'B', doneAt: null });
  });

  it('drops the job’s claims of slots older than 30 days when pruned, not others', async () => {
    const old = new Date(slot.getTime() - 30 * day - 1);
    const kept = new Date(slot.getTime() - 30 * day);
    expect(await claim('A', old, plus(60_000, old), 'sweep', old)).toBe(true);
    expect(await claim('A', kept, plus(60_000, kept), 'sweep', kept)).toBe(true);
    expect(await claim('A', old, plus(60_000, old), 'digest', old)).toBe(true);
    expect(await claim('A', slot, plus(60_000, slot), 'sweep', slot)).toBe(true);
    await write(finishSlot, { job: 'sweep', slot, holder: 'A', now: slot });
    expect(await claims()).toHaveLength(4);
    await write(pruneSlots, 'sweep', slot);
    expect((await claims()).map((c) => [c.job, c.slot])).toEqual([
      ['digest', old],
      ['sweep', kept],
      ['sweep', slot],
    ]);
  });
});
