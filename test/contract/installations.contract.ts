import { asc } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { FIRST_INSTALLATION } from '../../src/db/columns.js';
import { tablesOf } from '../../src/db/engine.js';
import { anyInstallationOf, installationKeyOf, ownedBy, ownRow } from '../../src/db/owned.js';
import { logEvent } from '../../src/db/repositories/events.js';
import { follow, followOf, unfollow } from '../../src/db/repositories/followers.js';
import { findHandoff, insertHandoff } from '../../src/db/repositories/handoffs.js';
import * as repo from '../../src/db/repositories/installations.js';
import { ensurePartner, partnerByName } from '../../src/db/repositories/partners.js';
import type { AnyDb } from '../../src/db/types.js';
import { sentHandoffRow } from '../support/handoffRow.js';
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

  it('writes a repository’s rows, its prepared inserts’ and what the touch log’s triggers write as its executor’s installation; an insert naming none is the first’s', async () => {
    const all: AnyDb = anyInstallationOf(db);
    const seven = ownedBy(all, 7);
    expect(installationKeyOf(seven)).toBe(7);
    expect(installationKeyOf(all)).toBe(FIRST_INSTALLATION);
    const { handoffs, handoffFollowers, firstAccepts, metricFacts } = tablesOf(all);
    // Across installations, a row that names none is the first installation's (the column's default).
    const [unkeyed] = await all.transaction((tx) =>
      tx
        .insert(handoffs)
        .values(sentHandoffRow(at, { sourceViewId: 'V0ANY' }))
        .returning({ id: handoffs.id }),
    );
    const keyed = await seven.transaction(async (tx) => {
      expect(installationKeyOf(tx)).toBe(7);
      const { handoff } = await insertHandoff(tx, sentHandoffRow(at, { sourceViewId: 'V0SEVEN' }));
      await follow(tx, { handoffId: handoff.id, userId: 'U0ONE', notify: 'all', at });
      await follow(tx, { handoffId: handoff.id, userId: 'U0TWO', notify: 'all', at });
      // A row written by hand as the executor's: its installation, whatever the row said.
      await tx.insert(handoffFollowers).values(
        ownRow(tx, {
          handoffId: handoff.id,
          userId: 'U0THREE',
          notify: 'all',
          createdAt: at,
          installationId: 3,
        }),
      );
      // The touch log's prepared insert, and the rows its triggers write: the installation of the event.
      await logEvent(tx, {
        type: 'accepted',
        before: { status: 'sent' },
        after: { ...handoff, status: 'accepted' },
        actor: { userId: 'U0AE' },
        at,
      });
      return handoff.id;
    });
    const owners = await all
      .select({ id: handoffs.id, installationId: handoffs.installationId })
      .from(handoffs)
      .orderBy(asc(handoffs.id));
    expect(owners).toEqual([
      { id: unkeyed?.id, installationId: 1 },
      { id: keyed, installationId: 7 },
    ]);
    const followers = await all
      .select({ installationId: handoffFollowers.installationId })
      .from(handoffFollowers);
    expect(followers.map((f) => f.installationId)).toEqual([7, 7, 7]);
    const accepts = await all.select({ installationId: firstAccepts.installationId }).from(firstAccepts);
    expect(accepts.map((a) => a.installationId)).toEqual([7, 7, 7]);
    const facts = await all.select({ installationId: metricFacts.installationId }).from(metricFacts);
    expect(facts).toEqual([{ installationId: 7 }]);
  });

  it('keeps an installation’s repository reads, joins, updates, deletes and prepared reads to its rows, beside twins', async () => {
    const all: AnyDb = anyInstallationOf(db);
    const [one, two] = [ownedBy(all, 1), ownedBy(all, 2)];
    // Twin rows: the same follower of a handoff, and the same partner, in each installation.
    const ids: number[] = [];
    const partnerIds: number[] = [];
    for (const exec of [one, two]) {
      const handoffId = await addHandoff(exec, at, { accountName: `Account of ${installationKeyOf(exec)}` });
      ids.push(handoffId);
      await exec.transaction((tx) => follow(tx, { handoffId, userId: 'U0SAME', notify: 'all', at }));
      partnerIds.push((await exec.transaction((tx) => ensurePartner(tx, 'Meridian', at))).id);
    }
    const [mine, theirs] = ids as [number, number];
    // A select: the other installation's follow is not found, even by its own handoff's id.
    expect(await followOf(one, theirs, 'U0SAME')).toBeUndefined();
    expect(await followOf(two, theirs, 'U0SAME')).toMatchObject({ installationId: 2, handoffId: theirs });
    expect(await followOf(one, mine, 'U0SAME')).toMatchObject({ installationId: 1, handoffId: mine });
    // A join (a partner by an alias): the installation's own partner.
    expect(partnerIds[0]).not.toBe(partnerIds[1]);
    expect((await partnerByName(one, 'Meridian'))?.id).toBe(partnerIds[0]);
    expect((await partnerByName(two, 'Meridian'))?.id).toBe(partnerIds[1]);
    // An update and a delete change the installation's rows only, even named by the other's handoff.
    await one.transaction((tx) => follow(tx, { handoffId: mine, userId: 'U0SAME', notify: 'decisions', at }));
    expect(await one.transaction((tx) => unfollow(tx, theirs, 'U0SAME'))).toBe(false);
    expect(await two.transaction((tx) => unfollow(tx, theirs, 'U0SAME'))).toBe(true);
    const { handoffs, handoffFollowers: f } = tablesOf(all);
    expect(
      await all.select({ of: f.installationId, notify: f.notify }).from(f).orderBy(asc(f.installationId)),
    ).toEqual([{ of: 1, notify: 'decisions' }]);
    // A prepared query, built once and run by both: each reads its own.
    expect((await findHandoff(one, theirs))?.id).toBeUndefined();
    expect((await findHandoff(two, theirs))?.accountName).toBe('Account of 2');
    expect((await findHandoff(one, mine))?.accountName).toBe('Account of 1');
    // Across installations (the command-line tools): every installation's.
    expect(await all.select({ id: handoffs.id }).from(handoffs).orderBy(asc(handoffs.id))).toEqual([
      { id: mine },
      { id: theirs },
    ]);
  });
});
