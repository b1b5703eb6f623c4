import { asc } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, own, ownedBy, ownRow } from '../../src/db/owned.js';
import * as repo from '../../src/db/repositories/program.js';
import { OPEN_STATUSES } from '../../src/domain/lifecycleState.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('program repository', ({ db, engine, at, write }) => {
  /** An entry of the EMEA pool by the admin, body null, with what `e` sets on top. */
  const entry = (e: Partial<Omit<repo.ProgramLogRow, 'id'>> = {}) =>
    ({ kind: 'pool', key: 'emea', body: null, actor: 'U0ADMIN', note: null, at, ...e }) as const;
  /** Appends entries in one transaction each; returns their ids. */
  async function append(...entries: Partial<Omit<repo.ProgramLogRow, 'id'>>[]): Promise<number[]> {
    const ids: number[] = [];
    for (const e of entries) ids.push(await write(repo.appendProgramEntry, entry(e)));
    return ids;
  }

  it('appends entries, each id the part’s new version; every kind of value reads back as written', async () => {
    expect(await repo.programRevision(db)).toEqual({ newest: 0, entries: 0 });
    const policy = {
      name: 'Strategic accounts',
      levels: [{ at: 'due+4h', action: 'reassign', to: ['pool:emea'], repeat: { every: '8h', times: 1 } }],
    };
    const ids = await append(
      {
        kind: 'pool',
        key: 'emea',
        body: { users: ['U0AE1', 'U0AE2'], cap: 3, name: 'EMEA – Ünïcode “quoted”' },
      },
      {
        kind: 'policy',
        key: 'strategic',
        body: policy,
        note: 'imported from ESCALATION_POLICY_FILE',
        actor: 'import',
      },
      { kind: 'closures', key: '-', body: ['2026-12-24', '2026-12-31'] },
      { kind: 'holidays', key: '-', body: { everyone: 'by_zone' } },
      { kind: 'person', key: 'U0AE1', body: { paused: 'until_resumed', workingDays: [1, 2, 3, 4] } },
      { kind: 'pool', key: 'gone', body: null },
    );
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect(await repo.programRevision(db)).toEqual({ newest: ids.at(-1), entries: 6 });
    const { programLog } = tablesOf(db);
    const rows = await db.select().from(programLog).where(own(db, programLog)).orderBy(asc(programLog.id));
    expect(rows.map((r) => r.id)).toEqual(ids);
    expect(rows[0]?.body).toEqual({ users: ['U0AE1', 'U0AE2'], cap: 3, name: 'EMEA – Ünïcode “quoted”' });
    expect(rows[1]).toEqual({
      installationId: 1,
      id: ids[1],
      kind: 'policy',
      key: 'strategic',
      body: policy,
      actor: 'import',
      note: 'imported from ESCALATION_POLICY_FILE',
      at,
    });
    expect(rows[2]?.body).toEqual(['2026-12-24', '2026-12-31']);
    expect(rows[3]?.body).toEqual({ everyone: 'by_zone' });
    expect(rows[4]?.body).toEqual({ paused: 'until_resumed', workingDays: [1, 2, 3, 4] });
    // A removal is a null body (SQL NULL), not JSON null.
    expect(rows[5]?.body).toBeNull();
    // To the millisecond.
    expect(rows[1]?.at.getTime()).toBe(at.getTime());
  });

  it('gives the newest entry of each part, removed parts with a null body, in id order', async () => {
    const [emea1, strategic1, , emea2, person1, strategic2] = await append(
      { kind: 'pool', key: 'emea', body: { users: ['U0AE1'] } },
      { kind: 'policy', key: 'strategic', body: [{ at: '50%', action: 'remind' }] },
      { kind: 'pool', key: 'apac', body: { users: ['U0AE3'] } },
      { kind: 'pool', key: 'emea', body: { users: ['U0AE1', 'U0AE2'] } },
      { kind: 'person', key: 'U0AE1', body: { workingDays: [1] } },
      { kind: 'policy', key: 'strategic', body: [{ at: 'due', action: 'notify', to: ['manager'] }] },
      { kind: 'pool', key: 'apac', body: null },
    );
    const current = await repo.currentProgram(db);
    expect(current.map((r) => [r.kind, r.key, r.body])).toEqual([
      ['pool', 'emea', { users: ['U0AE1', 'U0AE2'] }],
      ['person', 'U0AE1', { workingDays: [1] }],
      ['policy', 'strategic', [{ at: 'due', action: 'notify', to: ['manager'] }]],
      ['pool', 'apac', null],
    ]);
    expect(current.map((r) => r.id).slice(0, 3)).toEqual([emea2, person1, strategic2]);
    // Each part's history, newest first, and its limit.
    expect((await repo.programHistory(db, 'pool', 'emea')).map((r) => r.id)).toEqual([emea2, emea1]);
    expect((await repo.programHistory(db, 'pool', 'emea', 1)).map((r) => r.id)).toEqual([emea2]);
    expect(await repo.programHistory(db, 'pool', 'nope')).toEqual([]);
    // A kind's versions, oldest first (the policies' versions handoffs stay pinned to).
    expect((await repo.programVersions(db, 'policy')).map((r) => r.id)).toEqual([strategic1, strategic2]);
    // The whole program's newest edits.
    const recent = await repo.recentProgramEdits(db, 3);
    expect(recent.map((r) => r.kind)).toEqual(['pool', 'policy', 'person']);
    expect(recent[0]?.id).toBeGreaterThan(recent[1]?.id as number);
    expect(await repo.programRevision(db)).toEqual({ newest: recent[0]?.id, entries: 7 });
  });

  // Beside a neighbour (engine.ts) the entries' given ids are taken by its run first: program_log ids are the
  // database's, across installations.
  it.skipIf(engine.neighbour)(
    'moves the count when an entry with a lower id commits after the newest (the newest id stays)',
    async () => {
      const { programLog } = tablesOf(db);
      await db.transaction((tx) =>
        tx
          .insert(programLog)
          .values(
            ownRow(tx, { id: 10, kind: 'roles', key: '-', body: {}, actor: 'U0ADMIN', note: null, at }),
          ),
      );
      expect(await repo.programRevision(db)).toEqual({ newest: 10, entries: 1 });
      await db.transaction((tx) =>
        tx
          .insert(programLog)
          .values(
            ownRow(tx, { id: 4, kind: 'managers', key: '-', body: {}, actor: 'U0ADMIN', note: null, at }),
          ),
      );
      expect(await repo.programRevision(db)).toEqual({ newest: 10, entries: 2 });
      expect((await repo.currentProgram(db)).map((r) => r.id)).toEqual([4, 10]);
    },
  );

  it('pins the open handoffs of a policy to a version, and says which moved', async () => {
    const under = (over: Parameters<typeof addHandoff>[2]) => addHandoff(db, at, over);
    const sent = await under({ escalationPolicy: 'strategic', policyVersion: 1 });
    const expired = await under({ escalationPolicy: 'strategic', policyVersion: null, status: 'expired' });
    const accepted = await under({ escalationPolicy: 'strategic', policyVersion: 1, status: 'accepted' });
    const already = await under({ escalationPolicy: 'strategic', policyVersion: 7 });
    const declined = await under({ escalationPolicy: 'strategic', policyVersion: 1, status: 'declined' });
    const other = await under({ escalationPolicy: 'other', policyVersion: 1 });
    const byDefault = await under({ escalationPolicy: null, policyVersion: 2 });
    // Open under the policy: sent, expired, accepted and the one already on the version.
    expect(await repo.openUnderPolicy(db, 'strategic')).toBe(4);
    expect(await repo.openUnderPolicy(db, 'default')).toBe(1);
    const moved = await write(repo.repinOpenHandoffs, 'strategic', 7, OPEN_STATUSES);
    expect(moved.sort((a, b) => a - b)).toEqual([sent, expired, accepted]);
    const { handoffs } = tablesOf(db);
    const versionOf = async () =>
      Object.fromEntries(
        (await db.select().from(handoffs).where(own(db, handoffs))).map((h) => [h.id, h.policyVersion]),
      );
    expect(await versionOf()).toEqual({
      [sent]: 7,
      [expired]: 7,
      [accepted]: 7,
      [already]: 7,
      [declined]: 1,
      [other]: 1,
      [byDefault]: 2,
    });
    // The program's default policy: the handoffs stored under no policy.
    expect(await write(repo.repinOpenHandoffs, 'default', 9, OPEN_STATUSES)).toEqual([byDefault]);
    expect((await versionOf())[byDefault]).toBe(9);
  });

  // Beside a neighbour its run of each edit would be counted in the order the test records.
  it.skipIf(engine.neighbour)(
    'edits take turns under the program’s lock, and a rolled-back edit leaves nothing',
    async () => {
      const order: string[] = [];
      let release!: () => void;
      const held = new Promise<void>((resolve) => {
        release = resolve;
      });
      let locked!: () => void;
      const first = new Promise<void>((resolve) => {
        locked = resolve;
      });
      const a = db.transaction(async (tx) => {
        await repo.lockProgram(tx);
        locked();
        await held;
        order.push('a writes');
        await repo.appendProgramEntry(
          tx,
          entry({ kind: 'closures', key: '-', body: ['2026-12-24'], actor: 'U0A' }),
        );
      });
      await first;
      const b = db.transaction(async (tx) => {
        await repo.lockProgram(tx);
        order.push('b reads');
        const seen = await repo.currentProgram(tx);
        order.push(`b saw ${seen.length}`);
      });
      // B waits for A's lock (or, on SQLite, for A's transaction): nothing of B runs while A holds it.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(order).toEqual([]);
      release();
      await Promise.all([a, b]);
      expect(order).toEqual(['a writes', 'b reads', 'b saw 1']);
      await expect(
        db.transaction(async (tx) => {
          await repo.lockProgram(tx);
          await repo.appendProgramEntry(tx, entry({ kind: 'roles', key: '-', body: {}, actor: 'U0A' }));
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      expect(await repo.programRevision(db)).toMatchObject({ entries: 1 });
    },
  );
  it("gives every installation's revision in one query, each as its own query says it", async () => {
    const all = anyInstallationOf(db);
    const appendIn = (id: number, key: string) =>
      ownedBy(all, id).transaction((tx) => repo.appendProgramEntry(tx, entry({ key, body: { users: [] } })));
    await appendIn(4, 'emea');
    await appendIn(6, 'apac');
    await appendIn(4, 'amer');
    const revisionOf = async (id: number) => {
      const r = await repo.programRevision(ownedBy(all, id));
      return `${r.newest}:${r.entries}`;
    };
    const revisions = await repo.programRevisions(all);
    expect([...revisions.keys()].sort()).toEqual([4, 6]);
    expect(revisions.get(4)).toBe(await revisionOf(4));
    expect(revisions.get(6)).toBe(await revisionOf(6));
    expect(revisions.get(4)?.endsWith(':2')).toBe(true);
  });
});
