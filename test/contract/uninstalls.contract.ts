import { count, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { FIRST_INSTALLATION } from '../../src/db/columns.js';
import { tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, ownRow } from '../../src/db/owned.js';
import { deleteInstallationData, uninstalledBefore } from '../../src/db/repositories/uninstalls.js';
import type { AnyDb } from '../../src/db/types.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { contract, NEIGHBOUR } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('uninstalls repository', ({ db, at }) => {
  /** The whole database, as the deletion reads it (it names the installation itself). */
  const all = (): AnyDb => anyInstallationOf(db);
  const DAY = 86_400_000;
  const later = (days: number) => new Date(at.getTime() + days * DAY);
  const OTHER = NEIGHBOUR + 1;

  /** Installation rows: the first uninstalled `daysAgo` before `later(40)`, and two others. */
  async function installations(uninstalled: Record<number, Date | null>) {
    const { installations: i } = tablesOf(all());
    await all().transaction(async (tx) => {
      for (const [id, uninstalledAt] of Object.entries(uninstalled))
        await tx.insert(i).values({
          id: Number(id),
          installKey: `T${id}`,
          teamId: `T${id}`,
          source: 'oauth',
          sealed: 'sealed-tokens',
          installerUserId: `U0INSTALLER${id}`,
          installedAt: at,
          updatedAt: at,
          uninstalledAt,
        });
    });
  }

  /** How many rows each installation has in a table, read across installations. */
  async function rowsByInstallation(name: 'handoffs' | 'handoffEvents' | 'decisions' | 'metricFacts') {
    const table = tablesOf(all())[name];
    const rows = await all()
      .select({ id: table.installationId, n: count() })
      .from(table)
      .groupBy(table.installationId)
      .orderBy(table.installationId);
    return rows.map((r) => [Number(r.id), Number(r.n)]);
  }

  it('lists the installations uninstalled long enough ago, not installed again, their data still kept', async () => {
    await installations({ [FIRST_INSTALLATION]: later(1), [NEIGHBOUR]: null, [OTHER]: later(5) });
    expect(await uninstalledBefore(all(), later(0))).toEqual([]);
    expect(await uninstalledBefore(all(), later(1))).toEqual([FIRST_INSTALLATION]);
    expect(await uninstalledBefore(all(), later(30))).toEqual([FIRST_INSTALLATION, OTHER]);
    await all().transaction((tx) => deleteInstallationData(tx, OTHER, later(30)));
    expect(await uninstalledBefore(all(), later(30))).toEqual([FIRST_INSTALLATION]);
  });

  it("deletes every row of one uninstalled installation, its touch log included; the others' stay", async () => {
    await installations({ [FIRST_INSTALLATION]: later(1), [NEIGHBOUR]: later(1) });
    // Written through the installation's own executor (and its neighbour's twin, beside it, with its own ids).
    const t = tablesOf(db);
    await db.transaction(async (tx) => {
      const [handoff] = await tx
        .insert(t.handoffs)
        .values(ownRow(tx, sentHandoffRow(at, { sourceViewId: 'V0UNINSTALL', status: 'declined' })))
        .returning({ id: t.handoffs.id });
      const handoffId = handoff?.id ?? 0;
      await tx.insert(t.decisions).values(
        ownRow(tx, {
          handoffId,
          decision: 'declined',
          decidedByUserId: 'U0AE',
          decidedByTeamId: 'T0',
          note: 'no',
          decidedAt: at,
        }),
      );
      await tx.insert(t.handoffEvents).values(
        ownRow(tx, {
          handoffId,
          type: 'sent',
          toStatus: 'sent',
          aeUserId: 'U0AE',
          assignment: 1,
          cycle: 1,
          at,
        }),
      );
    });
    const before = {
      handoffs: await rowsByInstallation('handoffs'),
      events: await rowsByInstallation('handoffEvents'),
    };
    expect(before.handoffs.map(([installation]) => installation)).toContain(FIRST_INSTALLATION);

    const deleted = await all().transaction((tx) =>
      deleteInstallationData(tx, FIRST_INSTALLATION, later(40)),
    );
    expect(deleted).toMatchObject({ handoffs: 1, handoff_events: 1, decisions: 1, metric_facts: 1 });
    for (const table of ['handoffs', 'handoffEvents', 'decisions', 'metricFacts'] as const)
      expect((await rowsByInstallation(table)).filter(([i]) => i === FIRST_INSTALLATION)).toEqual([]);
    // The neighbour's twin rows are all still there.
    expect(await rowsByInstallation('handoffs')).toEqual(
      before.handoffs.filter(([installation]) => installation !== FIRST_INSTALLATION),
    );
    const { installations: i } = tablesOf(all());
    const [row] = await all().select().from(i).where(eq(i.id, FIRST_INSTALLATION));
    expect(row).toMatchObject({
      installKey: `T${FIRST_INSTALLATION}`,
      installerUserId: null,
      sealed: null,
      uninstalledAt: later(1),
      dataDeletedAt: later(40),
    });
    // Done once: a second run deletes nothing and says so.
    expect(
      await all().transaction((tx) => deleteInstallationData(tx, FIRST_INSTALLATION, later(41))),
    ).toBeUndefined();
  });

  it('deletes nothing of an installation in force, and its touch log cannot be deleted by any other way', async () => {
    await installations({ [FIRST_INSTALLATION]: null, [NEIGHBOUR]: null });
    const id = await addHandoff(db, at, { status: 'sent' });
    await addEvent(db, { handoffId: id, type: 'sent', fromStatus: null, at });
    expect(
      await all().transaction((tx) => deleteInstallationData(tx, FIRST_INSTALLATION, later(40))),
    ).toBeUndefined();
    expect((await rowsByInstallation('handoffs')).find(([i]) => i === FIRST_INSTALLATION)).toEqual([
      FIRST_INSTALLATION,
      1,
    ]);
    const { handoffEvents: e } = tablesOf(db);
    // The refusal is the database's (drizzle wraps Postgres's in "Failed query", with it as the cause).
    const refusal = await all()
      .transaction((tx) => tx.delete(e).where(eq(e.installationId, FIRST_INSTALLATION)))
      .then(
        () => 'deleted',
        (error: unknown) => `${String(error)} ${String((error as { cause?: unknown }).cause)}`,
      );
    expect(refusal).toMatch(/handoff_events is append-only/);
  });
});
