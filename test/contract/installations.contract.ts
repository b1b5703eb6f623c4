import { asc, eq } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { installationOf, scopedTo } from '../../src/db/installationScope.js';
import { findHandoff } from '../../src/db/repositories/handoffs.js';
import * as repo from '../../src/db/repositories/installations.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('installations repository', ({ db, write }) => {
  const at = new Date('2026-11-23T15:00:00.123Z');
  const later = new Date('2026-11-24T09:30:00.456Z');
  const ids = {
    installKey: 'T0ACME',
    teamId: 'T0ACME',
    enterpriseId: null,
    isEnterpriseInstall: false,
    appId: 'A0APP',
    botUserId: 'U0BOT',
    botId: 'B0BOT',
  };

  it('records a token deployment once, and an OAuth install of the same key keeps its first day', async () => {
    await write(repo.recordTokenInstallation, ids, at);
    await write(repo.recordTokenInstallation, ids, later);
    expect(await repo.installedNow(db)).toMatchObject([
      { ...ids, source: 'token', sealed: null, installedAt: at, updatedAt: later, uninstalledAt: null },
    ]);
    await write(repo.saveInstallation, {
      ...ids,
      source: 'oauth',
      sealed: 'v1.sealed',
      botTokenExpiresAt: later,
      installerUserId: 'U0OWNER',
      at: later,
    });
    expect(await repo.installationByKey(db, 'T0ACME')).toMatchObject({
      source: 'oauth',
      sealed: 'v1.sealed',
      botTokenExpiresAt: later,
      installedAt: at,
    });
  });

  it('finds the installations in force a request names: the workspace’s own and its org’s, no other', async () => {
    const oauth = {
      source: 'oauth' as const,
      sealed: 'v1.x',
      botTokenExpiresAt: null,
      installerUserId: null,
      at,
    };
    const workspace = (teamId: string, enterpriseId: string | null) => ({
      ...ids,
      installKey: teamId,
      teamId,
      enterpriseId,
    });
    const org = {
      ...ids,
      installKey: 'E0GRID',
      teamId: null,
      enterpriseId: 'E0GRID',
      isEnterpriseInstall: true,
    };
    await db.transaction(async (tx) => {
      await repo.saveInstallation(tx, { ...workspace('T0ONE', 'E0GRID'), ...oauth });
      await repo.saveInstallation(tx, { ...workspace('T0TWO', 'E0GRID'), ...oauth });
      await repo.saveInstallation(tx, { ...org, ...oauth });
      await repo.saveInstallation(tx, { ...workspace('T0ELSE', null), ...oauth });
    });
    const keys = async (teamId: string | undefined, enterpriseId: string | undefined) =>
      (await repo.installedFor(db, { teamId, enterpriseId })).map((r) => r.installKey);
    expect(await keys('T0ONE', 'E0GRID')).toEqual(['T0ONE', 'E0GRID']);
    expect(await keys('T0THREE', 'E0GRID')).toEqual(['E0GRID']);
    expect(await keys('T0ELSE', undefined)).toEqual(['T0ELSE']);
    expect(await keys(undefined, undefined)).toEqual([]);
    await write(repo.markUninstalled, 'E0GRID', later);
    expect(await keys('T0THREE', 'E0GRID')).toEqual([]);
  });

  it('an uninstall drops the sealed tokens and keeps the row; a reinstall brings it back in force', async () => {
    const oauth = { ...ids, source: 'oauth' as const, botTokenExpiresAt: null, installerUserId: null };
    await write(repo.saveInstallation, { ...oauth, sealed: 'v1.a', at });
    expect(await write(repo.markUninstalled, 'T0ACME', later)).toBe(1);
    expect(await write(repo.markUninstalled, 'T0ACME', later)).toBe(0);
    expect(await repo.installedNow(db)).toEqual([]);
    expect(await repo.installationByKey(db, 'T0ACME')).toMatchObject({ sealed: null, uninstalledAt: later });
    await write(repo.saveInstallation, { ...oauth, sealed: 'v1.b', at: later });
    expect(await repo.installedNow(db)).toMatchObject([{ sealed: 'v1.b', uninstalledAt: null }]);
  });

  it('stamps every insert of a scoped executor and its transactions, and what its triggers write, with the installation, whatever was given', async () => {
    const seven = scopedTo(db, 7);
    expect(installationOf(seven)).toBe(7);
    expect(installationOf(db)).toBeUndefined();
    const unscoped = await addHandoff(db, at);
    const scoped = await addHandoff(seven, at);
    await seven.transaction(async (tx) => {
      expect(installationOf(tx)).toBe(7);
      const { handoffFollowers } = tablesOf(tx);
      // One row, several rows, and a row naming another installation: all this executor's.
      await tx
        .insert(handoffFollowers)
        .values({ handoffId: scoped, userId: 'U0ONE', notify: 'all', createdAt: at });
      await tx.insert(handoffFollowers).values([
        { handoffId: scoped, userId: 'U0TWO', notify: 'all', createdAt: at },
        { handoffId: scoped, userId: 'U0THREE', notify: 'all', createdAt: at, installationId: 3 },
      ]);
      // The rows the touch log's triggers write get the installation of their event.
      await tx.insert(tablesOf(tx).handoffEvents).values({
        handoffId: scoped,
        type: 'accepted',
        fromStatus: 'sent',
        toStatus: 'accepted',
        aeUserId: 'U0AE',
        assignment: 1,
        cycle: 1,
        at,
      });
    });
    const { handoffs, handoffFollowers } = tablesOf(db);
    const owners = await db
      .select({ id: handoffs.id, installationId: handoffs.installationId })
      .from(handoffs)
      .orderBy(asc(handoffs.id));
    expect(owners).toEqual([
      { id: unscoped, installationId: 1 },
      { id: scoped, installationId: 7 },
    ]);
    const followers = await db
      .select({ installationId: handoffFollowers.installationId })
      .from(handoffFollowers);
    expect(followers.map((f) => f.installationId)).toEqual([7, 7, 7]);
    const { firstAccepts, metricFacts } = tablesOf(db);
    const accepts = await db.select({ installationId: firstAccepts.installationId }).from(firstAccepts);
    expect(accepts.map((a) => a.installationId)).toEqual([7, 7, 7]);
    const facts = await db.select({ installationId: metricFacts.installationId }).from(metricFacts);
    expect(facts).toEqual([{ installationId: 7 }]);
  });

  it('keeps a scoped executor’s selects, joins, updates, deletes and prepared reads to its installation’s rows', async () => {
    const [one, two] = [scopedTo(db, 1), scopedTo(db, 2)];
    // Twin rows: the same follower of a handoff in each installation.
    const ids: number[] = [];
    for (const exec of [one, two]) {
      const handoffId = await addHandoff(exec, at, { accountName: `Account of ${installationOf(exec)}` });
      ids.push(handoffId);
      await exec.transaction((tx) =>
        tx
          .insert(tablesOf(tx).handoffFollowers)
          .values({ handoffId, userId: 'U0SAME', notify: 'all', createdAt: at }),
      );
    }
    const [mine, theirs] = ids as [number, number];
    const { handoffs, handoffFollowers: f } = tablesOf(db);
    expect((await one.select({ id: handoffs.id }).from(handoffs)).map((r) => r.id)).toEqual([mine]);
    // A where the caller gives is joined to the scope's, also in drizzle's function form.
    expect(await one.select({ id: handoffs.id }).from(handoffs).where(eq(handoffs.id, theirs))).toEqual([]);
    expect(
      await two
        .select({ id: handoffs.id })
        .from(handoffs)
        .where(() => eq(handoffs.id, theirs)),
    ).toEqual([{ id: theirs }]);
    // A joined table: only its rows of the installation, and a left join still gives its row of nulls.
    const joined = await one
      .select({ id: handoffs.id, follower: f.userId, of: f.installationId })
      .from(handoffs)
      .leftJoin(f, eq(f.userId, 'U0SAME'));
    expect(joined).toEqual([{ id: mine, follower: 'U0SAME', of: 1 }]);
    // Updates and deletes change the installation's rows only.
    await one.transaction((tx) =>
      tx.update(tablesOf(tx).handoffFollowers).set({ notify: 'decisions' }).where(eq(f.userId, 'U0SAME')),
    );
    await two.transaction((tx) => tx.delete(tablesOf(tx).handoffFollowers));
    expect(
      await db.select({ of: f.installationId, notify: f.notify }).from(f).orderBy(asc(f.installationId)),
    ).toEqual([{ of: 1, notify: 'decisions' }]);
    // A prepared query, built once and run by both: each reads its own.
    expect((await findHandoff(one, theirs))?.id).toBeUndefined();
    expect((await findHandoff(two, theirs))?.accountName).toBe('Account of 2');
    expect((await findHandoff(one, mine))?.accountName).toBe('Account of 1');
    // Unscoped (the command-line tools): every installation's.
    expect(await db.select({ id: handoffs.id }).from(handoffs).orderBy(asc(handoffs.id))).toEqual([
      { id: mine },
      { id: theirs },
    ]);
  });
});
