import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSharedLooks } from '../../../src/compose/sharedLooks.js';
import { createSweepLook } from '../../../src/compose/sweepLook.js';
import type { Tenant } from '../../../src/compose/tenant.js';
import type { openDatabase } from '../../../src/db/client.js';
import { tablesOf } from '../../../src/db/engine.js';
import { ownedBy, ownRow } from '../../../src/db/owned.js';
import { programRevision } from '../../../src/db/repositories/program.js';
import { programLog } from '../../../src/db/schema.js';
import type { AnyDb } from '../../../src/db/types.js';
import { createLogger } from '../../../src/logger.js';
import { outboxRowsAt, queueRows } from '../../contract/seed.js';
import { TestClock } from '../../support/clock.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { signal } from '../../support/signal.js';
import { SteppedTimers } from '../../support/steppedTimers.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';

/**
 * One look at the outboxes and the programs for every installation a process serves. A fake tenant
 * per installation records what the looks ask of it; the rows are real, in a migrated SQLite file.
 */

const at = new Date('2026-11-27T10:00:00.000Z');
const INSTALLATIONS = [1, 2, 3];
/** What a look set off runs to its end: the SQLite file answers within the turn, no real I/O waits. */
const settle = async () => {
  for (let i = 0; i < 5; i += 1) await new Promise((resolve) => setImmediate(resolve));
};

describe('one look for every installation (compose/sharedLooks.ts)', () => {
  let database: ReturnType<typeof openDatabase>;
  let db: AnyDb;
  const clock = new TestClock(at);
  let timers: SteppedTimers;
  let kicked: number[];
  let caughtUp: { id: number; revision: string }[];
  let tenants: Tenant[];
  let looks: ReturnType<typeof createSharedLooks>;

  const tenantOf = (id: number) =>
    ({
      db: ownedBy(db, id),
      wired: {
        services: { outbox: { kick: () => kicked.push(id) } },
        program: {
          catchUp: async (revision: string) => {
            caughtUp.push({ id, revision });
          },
        },
      },
    }) as unknown as Tenant;

  beforeEach(() => {
    database = freshDatabase('shared-looks-');
    db = database.db;
    clock.set(at);
    timers = new SteppedTimers(at.getTime());
    kicked = [];
    caughtUp = [];
    tenants = INSTALLATIONS.map(tenantOf);
    looks = createSharedLooks({
      db,
      clock,
      timers,
      logger: createLogger('silent'),
      tenants: () => tenants,
      pollMs: 1000,
      programMs: 3000,
    });
  });

  afterEach(() => {
    looks.stop();
    database.close();
  });

  const row = outboxRowsAt(at);
  /** Queued as another process would (the command line): installation `installationId`'s row. */
  const queueFor = (installationId: number, key: string, nextAttemptAt: Date) =>
    queueRows(ownedBy(db, installationId), [{ ...row({ dedupeKey: key, nextAttemptAt }), installationId }]);

  it('kicks only the outboxes of installations with a message due, once a look, and each again when one falls due', async () => {
    await queueFor(2, 'due-now', at);
    await queueFor(3, 'due-later', new Date(at.getTime() + 2500));
    // Delivered already, and given up on: nothing due.
    await queueRows(ownedBy(db, 1), [
      { ...row({ dedupeKey: 'sent', nextAttemptAt: at, status: 'delivered' }), installationId: 1 },
      { ...row({ dedupeKey: 'dead', nextAttemptAt: at, status: 'dead' }), installationId: 1 },
    ]);
    await queueFor(2, 'due-now-too', at);
    looks.start();
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2]);
    // Nothing else falls due yet: the next look kicks the one with a row waiting, not the others.
    clock.set(new Date(at.getTime() + 2000));
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2, 2]);
    clock.set(new Date(at.getTime() + 3000));
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2, 2, 2, 3]);
    // An installation this process does not serve (another replica's, or uninstalled) is not kicked.
    tenants = tenants.slice(1, 2);
    await timers.advance(1000, settle);
    expect(kicked.slice(4)).toEqual([2]);
  });

  it('kicks every outbox when the clock is seen stepping back, so each makes due what waited on the clock ahead', async () => {
    await queueFor(2, 'due', at);
    clock.set(new Date(at.getTime() + 3_600_000));
    looks.start();
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2]);
    // An hour back: a row scheduled on the clock as it was is not due by this one, and every outbox looks.
    await queueFor(1, 'ahead', new Date(at.getTime() + 3_600_000 + 60_000));
    clock.set(at);
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2, 1, 2, 3]);
    // The clock goes on from there: the look is by what is due again.
    clock.set(new Date(at.getTime() + 1000));
    await timers.advance(1000, settle);
    expect(kicked).toEqual([2, 1, 2, 3, 2]);
  });

  it("tells each installation's program where the one look found it, every few seconds", async () => {
    await db.transaction((tx) =>
      tx.insert(programLog).values([
        { kind: 'pool', key: 'emea', body: { users: ['U1'] }, actor: 'U0ADMIN', at, installationId: 2 },
        { kind: 'pool', key: 'apac', body: { users: ['U2'] }, actor: 'U0ADMIN', at, installationId: 2 },
        { kind: 'closures', key: '-', body: ['2026-12-24'], actor: 'config', at, installationId: 3 },
      ]),
    );
    const revision = async (id: number) => {
      const r = await programRevision(ownedBy(db, id));
      return `${r.newest}:${r.entries}`;
    };
    looks.start();
    await timers.advance(2999, settle);
    expect(caughtUp).toEqual([]);
    await timers.advance(1, settle);
    expect(caughtUp).toHaveLength(3);
    // Each installation's own revision, as the query for its own would say; one never written is 0:0.
    expect(caughtUp).toEqual([
      { id: 1, revision: '0:0' },
      { id: 2, revision: await revision(2) },
      { id: 3, revision: await revision(3) },
    ]);
    expect(await revision(1)).toBe('0:0');
    expect(caughtUp[1]?.revision).toBe('2:2');
  });

  it('does not start a look while the last is under way, and stops looking when stopped', async () => {
    const { fired: slow, fire: release } = signal();
    tenants = [
      {
        ...tenantOf(1),
        wired: {
          ...tenantOf(1).wired,
          program: { catchUp: () => caughtUp.push({ id: 1, revision: '' }) && slow },
        },
      } as unknown as Tenant,
    ];
    looks.start();
    await timers.advance(3000, settle);
    expect(caughtUp).toHaveLength(1);
    await timers.advance(6000, settle);
    expect(caughtUp).toHaveLength(1);
    release();
    await settle();
    await timers.advance(3000, settle);
    expect(caughtUp).toHaveLength(2);
    looks.stop();
    expect(timers.scheduled()).toEqual([]);
  });
});

describe("the sweep's one look a minute for every installation (createSweepLook)", () => {
  let database: ReturnType<typeof openDatabase>;
  const clock = new TestClock(at);
  beforeEach(() => {
    database = freshDatabase('sweep-look-');
    clock.set(at);
  });
  afterEach(() => database.close());

  /** A sent handoff of `installation` whose reminder is due at `due`. */
  const dueIn = (installation: number, due: Date, view: string) =>
    ownedBy(database.db, installation).transaction((tx) =>
      tx
        .insert(tablesOf(tx).handoffs)
        .values(ownRow(tx, { ...sentHandoffRow(at, { sourceViewId: view }), nextReminderAt: due })),
    );

  it("answers each installation's tick from one read, kept through the minute, then read again", async () => {
    const look = createSweepLook({ db: database.db, clock });
    const due = (id: number) => look.due(id);
    // Installation 2's reminder falls due 20 s into the minute: its tick then (its second of the minute) sweeps.
    await dueIn(2, new Date(at.getTime() + 20_000), 'V1');
    expect([await due(1), await due(2), await due(3)]).toEqual([false, false, false]);
    clock.set(new Date(at.getTime() + 20_000));
    expect(await due(2)).toBe(true);
    // Written after the look: the ticks of this minute read the look as it was.
    await dueIn(3, at, 'V2');
    clock.set(new Date(at.getTime() + 29_000));
    expect(await due(3)).toBe(false);
    // Swept since the look: its times moved, so it asks its own read until the next look.
    look.swept(2);
    expect(await due(2)).toBeUndefined();
    // The next minute's first tick reads again.
    clock.set(new Date(at.getTime() + 60_000));
    expect([await due(1), await due(2), await due(3)]).toEqual([false, true, true]);
    // A clock stepped back past the look reads again too.
    await dueIn(1, at, 'V3');
    clock.set(new Date(at.getTime() + 10_000));
    expect(await due(1)).toBe(true);
  });

  it('asks again after a failed read', async () => {
    const look = createSweepLook({ db: database.db, clock });
    const due = (id: number) => look.due(id);
    await dueIn(1, at, 'V1');
    // The table out of reach for one read (as a database that refused it): the tick is told, the look not kept.
    database.sqlite.exec('alter table handoffs rename to handoffs_away');
    await expect(due(1)).rejects.toThrow();
    database.sqlite.exec('alter table handoffs_away rename to handoffs');
    expect(await due(1)).toBe(true);
  });
});
