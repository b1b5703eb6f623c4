import { asc } from 'drizzle-orm';
import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { own, ownRow } from '../../src/db/owned.js';
import { insertHelpRequest } from '../../src/db/repositories/helpRequests.js';
import * as repo from '../../src/db/repositories/partners.js';
import type { HandoffRow, NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addEvent, handoffRow } from './seed.js';

export default contract('partners repository', ({ db, at, plus: ms, write }) => {
  const partner = (name: string, when = at) => write(repo.ensurePartner, name, when);
  const byChannelId = <T extends { channelId: string }>(rows: T[]) =>
    [...rows].sort((a, b) => a.channelId.localeCompare(b.channelId));
  const handoff = (over: Partial<NewHandoffRow> = {}) => handoffRow(db, at, over);
  const sentEvent = (h: HandoffRow, when: Date) =>
    addEvent(db, { handoffId: h.id, type: 'sent', fromStatus: null, aeUserId: h.aeUserId, at: when });
  /** An active binding, as read back, with no hold and no strangers. */
  const binding = (channelId: string, channelName: string, partnerId: number | null) => ({
    installationId: 1,
    channelId,
    channelName,
    partnerId,
    status: 'active',
    heldReason: null,
    strangerTeamIds: [],
    strangersHeardAt: {},
    boundByUserId: 'U0ADMIN',
    updatedAt: at,
  });
  const metricFacts = async () => {
    const { metricFacts } = tablesOf(db);
    return db
      .select({
        eventId: metricFacts.eventId,
        partnerKey: metricFacts.partnerKey,
        partnerOrg: metricFacts.partnerOrg,
      })
      .from(metricFacts)
      .where(own(db, metricFacts))
      .orderBy(asc(metricFacts.eventId));
  };

  it('creates a partner once, with its name as its first alias, and finds it by id and by any spelling', async () => {
    expect(await repo.partnerByName(db, 'Meridian')).toBeUndefined();
    const created = await partner('  Meridian Partners GmbH ');
    expect(created).toEqual({
      installationId: 1,
      id: created.id,
      name: 'Meridian Partners GmbH',
      key: 'meridian partners',
      domain: null,
      createdAt: at,
      updatedAt: at,
    });
    expect(typeof created.id).toBe('number');
    expect(await repo.findPartner(db, created.id)).toEqual(created);
    expect(await repo.findPartner(db, created.id + 1)).toBeUndefined();
    expect(await partner('meridian-partners', ms(5))).toEqual(created);
    expect(await repo.partnerByName(db, 'MERIDIAN PARTNERS')).toEqual(created);
    expect(await repo.partnerRefByName(db, 'The Meridian Partners')).toEqual({
      id: created.id,
      name: 'Meridian Partners GmbH',
    });
    expect(await repo.partnerByName(db, 'Meridian')).toBeUndefined();
    expect(await repo.partnerRefByName(db, 'Meridian')).toBeUndefined();
    expect(await repo.partnerByName(db, '  ')).toBeUndefined();
    expect(await repo.partnerByName(db, '!!!')).toBeUndefined();
    expect(await repo.aliasesOf(db, created.id)).toEqual(['Meridian Partners GmbH']);
    expect(await repo.aliasKeysOf(db, created.id)).toEqual(['meridian partners']);
    expect(await repo.listPartners(db)).toEqual([created]);
  });

  it('adds a name to a partner unless another partner goes by it; lists the names by name', async () => {
    const meridian = await partner('Meridian');
    const northwind = await partner('Northwind');
    expect(await write(repo.addAlias, meridian.id, '  Meridian Labs  ')).toBe(true);
    expect(await write(repo.addAlias, meridian.id, 'meridian labs')).toBe(true);
    expect(await write(repo.addAlias, meridian.id, 'Acme')).toBe(true);
    expect(await write(repo.addAlias, northwind.id, 'ACME Inc.')).toBe(false);
    expect(await write(repo.addAlias, northwind.id, '...')).toBe(false);
    expect(await repo.aliasesOf(db, meridian.id)).toEqual(['Acme', 'Meridian', 'Meridian Labs']);
    expect((await repo.aliasKeysOf(db, meridian.id)).sort()).toEqual(['acme', 'meridian', 'meridian labs']);
    expect(await repo.aliasesOf(db, northwind.id)).toEqual(['Northwind']);
    expect(await repo.aliasesOf(db, northwind.id + meridian.id + 1)).toEqual([]);
    expect((await repo.partnerByName(db, 'acme'))?.id).toBe(meridian.id);
  });

  it('binds a channel, holds it, notes strangers, binds it again and unbinds it', async () => {
    const meridian = await partner('Meridian');
    const northwind = await partner('Northwind');
    expect(await repo.findChannelBinding(db, 'C1')).toBeUndefined();
    expect(await repo.isChannelHeld(db, 'C1')).toBe(true);

    await write(repo.bindChannel, { id: 'C1', name: 'ext-meridian' }, meridian.id, 'U0ADMIN', at);
    const bound = binding('C1', 'ext-meridian', meridian.id);
    expect(await repo.findChannelBinding(db, 'C1')).toEqual(bound);
    expect(await repo.isChannelHeld(db, 'C1')).toBe(false);
    expect(await repo.channelBindingByName(db, '#EXT-Meridian ')).toEqual(bound);
    expect(await repo.channelBindingByName(db, 'ext-meridian')).toEqual(bound);
    expect(await repo.channelBindingByName(db, 'ext')).toBeUndefined();

    await write(repo.holdChannel, 'C1', 'shared with T0STRANGER', ms(1));
    const heardAt = {
      T0STRANGER: '1795000000.000200',
      T0OTHER: '1795000000.000100',
      T0LEFT: '1795000001.5',
    };
    await write(repo.setStrangers, 'C1', { teamIds: ['T0STRANGER', 'T0OTHER'], heardAt }, ms(2));
    expect(await repo.findChannelBinding(db, 'C1')).toEqual({
      ...bound,
      status: 'held',
      heldReason: 'shared with T0STRANGER',
      strangerTeamIds: ['T0STRANGER', 'T0OTHER'],
      strangersHeardAt: heardAt,
      updatedAt: ms(2),
    });
    expect(await repo.isChannelHeld(db, 'C1')).toBe(true);
    await write(repo.holdChannel, 'C9', 'nothing there', ms(3));
    await write(repo.setStrangers, 'C9', { teamIds: ['T0X'], heardAt: {} }, ms(3));
    expect(await repo.findChannelBinding(db, 'C9')).toBeUndefined();

    // Bound again, with no name known: the old name stays; the hold, its reason and the strangers go. When Slack
    // last said anything of each organization stays: an older event that comes later still changes nothing.
    await write(repo.bindChannel, { id: 'C1', name: undefined }, northwind.id, 'U0OTHER', ms(4));
    expect(await repo.findChannelBinding(db, 'C1')).toEqual({
      ...bound,
      strangersHeardAt: heardAt,
      partnerId: northwind.id,
      boundByUserId: 'U0OTHER',
      updatedAt: ms(4),
    });
    await write(repo.bindChannel, { id: 'C1', name: 'ext-northwind' }, northwind.id, 'U0OTHER', ms(5));
    expect((await repo.findChannelBinding(db, 'C1'))?.channelName).toBe('ext-northwind');
    await write(repo.bindChannel, { id: 'C2', name: undefined }, northwind.id, 'U0ADMIN', at);
    expect((await repo.findChannelBinding(db, 'C2'))?.channelName).toBeNull();
    expect(await repo.channelBindingByName(db, 'ext-meridian')).toBeUndefined();

    expect(byChannelId(await repo.channelsOf(db, northwind.id)).map((c) => c.channelId)).toEqual([
      'C1',
      'C2',
    ]);
    expect(await repo.channelsOf(db, meridian.id)).toEqual([]);
    expect(await write(repo.unbindChannel, 'C1')).toBe(true);
    expect(await write(repo.unbindChannel, 'C1')).toBe(false);
    expect(await repo.findChannelBinding(db, 'C1')).toBeUndefined();
    expect((await repo.channelsOf(db, northwind.id)).map((c) => c.channelId)).toEqual(['C2']);
  });

  it('says which bindings hold partner updates, and lists the held and unbound channels', async () => {
    expect(repo.holdsPartnerUpdates(undefined)).toBe(true);
    const meridian = await partner('Meridian');
    await write(repo.bindChannel, { id: 'C1', name: 'a' }, meridian.id, 'U0ADMIN', at);
    await write(repo.bindChannel, { id: 'C2', name: 'b' }, meridian.id, 'U0ADMIN', at);
    await write(repo.holdChannel, 'C2', 'used by several partners', at);
    await db.transaction((tx) =>
      tx.insert(tablesOf(tx).partnerChannels).values(
        ownRow(tx, {
          channelId: 'C3',
          channelName: 'c',
          partnerId: null,
          status: 'active',
          boundByUserId: 'U0ADMIN',
          updatedAt: at,
        }),
      ),
    );
    const unbound = await repo.findChannelBinding(db, 'C3');
    expect(unbound).toEqual(binding('C3', 'c', null));
    expect(repo.holdsPartnerUpdates(unbound)).toBe(true);
    expect(repo.holdsPartnerUpdates(await repo.findChannelBinding(db, 'C1'))).toBe(false);
    expect(repo.holdsPartnerUpdates(await repo.findChannelBinding(db, 'C2'))).toBe(true);
    expect(await repo.isChannelHeld(db, 'C3')).toBe(true);
    const held = byChannelId(await repo.heldOrUnboundChannels(db));
    expect(held.map((c) => [c.channelId, c.status, c.partnerId])).toEqual([
      ['C2', 'held', meridian.id],
      ['C3', 'active', null],
    ]);
    expect(held[0]?.heldReason).toBe('used by several partners');
  });

  it('lists the channels held for sharing, least recently updated first, at most the limit', async () => {
    const meridian = await partner('Meridian');
    const bind = (id: string) =>
      write(repo.bindChannel, { id, name: id.toLowerCase() }, meridian.id, 'U0ADMIN', at);
    for (const id of ['C1', 'C2', 'C3', 'C4', 'C5', 'C6']) await bind(id);
    await write(repo.holdChannel, 'C1', 'shared with T0A', ms(30));
    await write(repo.holdChannel, 'C2', 'Shared with T0B', ms(10));
    await write(repo.holdChannel, 'C3', 'was shared with T0C', ms(5));
    await write(repo.holdChannel, 'C4', 'shared with T0D', ms(20));
    await write(repo.holdChannel, 'C5', 'used by several partners', ms(1));
    // Held for sharing, then bound again: active, no reason.
    await write(repo.holdChannel, 'C6', 'shared with T0E', ms(2));
    await bind('C6');
    expect((await repo.channelsHeldForSharing(db, 10)).map((c) => c.channelId)).toEqual(['C2', 'C4', 'C1']);
    expect((await repo.channelsHeldForSharing(db, 2)).map((c) => c.channelId)).toEqual(['C2', 'C4']);
    const [oldest] = await repo.channelsHeldForSharing(db, 1);
    expect(oldest).toMatchObject({ channelId: 'C2', status: 'held', updatedAt: ms(10) });
    expect(await repo.channelsHeldForSharing(db, 0)).toEqual([]);
  });

  it('binds a workspace to a partner, replacing any earlier binding', async () => {
    const meridian = await partner('Meridian');
    const northwind = await partner('Northwind');
    expect(await repo.findWorkspace(db, 'T0M')).toBeUndefined();
    await write(repo.bindWorkspace, { teamId: 'T0M', teamName: 'Meridian HQ' }, meridian.id, 'U0ADMIN', at);
    await write(repo.bindWorkspace, { teamId: 'T0M2', teamName: undefined }, meridian.id, 'U0ADMIN', ms(1));
    const workspace = (
      teamId: string,
      teamName: string | null,
      partnerId: number,
      by: string,
      boundAt: Date,
    ) => ({
      installationId: 1,
      teamId,
      teamName,
      partnerId,
      boundByUserId: by,
      boundAt,
    });
    expect(await repo.findWorkspace(db, 'T0M')).toEqual(
      workspace('T0M', 'Meridian HQ', meridian.id, 'U0ADMIN', at),
    );
    expect(await repo.findWorkspace(db, 'T0M2')).toEqual(
      workspace('T0M2', null, meridian.id, 'U0ADMIN', ms(1)),
    );
    const teams = async (id: number) =>
      (await repo.workspacesOf(db, id)).map((w) => w.teamId).sort((a, b) => a.localeCompare(b));
    expect(await teams(meridian.id)).toEqual(['T0M', 'T0M2']);
    await write(repo.bindWorkspace, { teamId: 'T0M', teamName: undefined }, northwind.id, 'U0OTHER', ms(2));
    expect(await repo.findWorkspace(db, 'T0M')).toEqual(
      workspace('T0M', null, northwind.id, 'U0OTHER', ms(2)),
    );
    expect(await teams(meridian.id)).toEqual(['T0M2']);
    expect(await teams(northwind.id)).toEqual(['T0M']);
  });

  it('lists the partners by name, whatever its case', async () => {
    const beta = await partner('beta');
    const alpha = await partner('Alpha');
    const gamma = await partner('Gamma');
    const delta = await partner('delta');
    expect((await repo.listPartners(db)).map((p) => p.id)).toEqual([alpha.id, beta.id, delta.id, gamma.id]);
  });

  it('counts the handoffs still going per partner: undecided, expired, and accepted with no final outcome', async () => {
    const meridian = await partner('Meridian');
    const northwind = await partner('Northwind');
    await partner('Idle');
    const of = (p: repo.PartnerRow, over: Partial<NewHandoffRow> = {}) =>
      handoff({ partnerId: p.id, partnerKey: p.key, ...over });
    await of(meridian);
    await of(meridian);
    await of(meridian, { status: 'expired' });
    await of(meridian, { status: 'accepted' });
    await of(meridian, { status: 'accepted', outcome: 'meeting_held' });
    await of(meridian, { status: 'accepted', outcome: 'won' });
    await of(meridian, { status: 'accepted', outcome: 'lost' });
    await of(meridian, { status: 'declined' });
    await of(meridian, { status: 'withdrawn' });
    await of(northwind, { status: 'expired' });
    await of(northwind, { status: 'accepted', outcome: 'won' });
    await handoff({ partnerId: null });
    const counts = await repo.openCounts(db);
    expect([...counts.entries()].sort((a, b) => a[0] - b[0])).toEqual([
      [meridian.id, { undecided: 2, expired: 1, inProgress: 2 }],
      [northwind.id, { undecided: 0, expired: 1, inProgress: 0 }],
    ]);
  });

  it('renames a partner: its new name is an alias too, and the metric rows of its key say the new name', async () => {
    const meridian = await partner('Meridian');
    const northwind = await partner('Northwind');
    await sentEvent(await handoff({ partnerId: meridian.id, partnerKey: meridian.key }), at);
    await sentEvent(await handoff({ partnerId: northwind.id, partnerKey: northwind.key }), ms(1));
    expect((await metricFacts()).map((f) => f.partnerOrg)).toEqual(['Meridian', 'Northwind']);

    await write(repo.renamePartner, meridian.id, '  Meridian Labs ', ms(7));
    expect(await repo.findPartner(db, meridian.id)).toEqual({
      ...meridian,
      name: 'Meridian Labs',
      updatedAt: ms(7),
    });
    expect(await repo.aliasesOf(db, meridian.id)).toEqual(['Meridian', 'Meridian Labs']);
    expect((await repo.partnerByName(db, 'meridian labs'))?.id).toBe(meridian.id);
    expect((await repo.partnerByName(db, 'Meridian'))?.id).toBe(meridian.id);
    expect(await metricFacts()).toEqual([
      { eventId: expect.any(Number), partnerKey: 'meridian', partnerOrg: 'Meridian Labs' },
      { eventId: expect.any(Number), partnerKey: 'northwind', partnerOrg: 'Northwind' },
    ]);
    // A name another partner goes by: renamed all the same, the alias stays the other's.
    await write(repo.renamePartner, meridian.id, 'Northwind', ms(8));
    expect((await repo.findPartner(db, meridian.id))?.name).toBe('Northwind');
    expect((await repo.partnerByName(db, 'Northwind'))?.id).toBe(northwind.id);
    // No such partner: its new name would be an alias of nothing (a foreign key), so the rename fails whole.
    await expect(
      write(repo.renamePartner, meridian.id + northwind.id + 1, 'Nobody', ms(9)),
    ).rejects.toThrow();
    expect(await repo.partnerByName(db, 'Nobody')).toBeUndefined();
  });

  it("sets and clears a partner's domain; merging a partner into itself deletes nothing", async () => {
    const meridian = await partner('Meridian');
    await write(repo.setPartnerDomain, meridian.id, 'meridian.example', ms(1));
    expect(await repo.findPartner(db, meridian.id)).toEqual({
      ...meridian,
      domain: 'meridian.example',
      updatedAt: ms(1),
    });
    await write(repo.setPartnerDomain, meridian.id, null, ms(2));
    expect(await repo.findPartner(db, meridian.id)).toEqual({ ...meridian, domain: null, updatedAt: ms(2) });
    // Merged into itself: nothing deleted.
    await write(repo.mergePartners, meridian, meridian, ms(3));
    expect(await repo.findPartner(db, meridian.id)).toEqual({ ...meridian, updatedAt: ms(3) });
    expect(await repo.aliasesOf(db, meridian.id)).toEqual(['Meridian']);
  });

  it('merges one partner into another: names, workspaces, channels, handoffs, metrics and help requests', async () => {
    const from = await partner('Meridian');
    const into = await partner('Northwind');
    const other = await partner('Acme');
    await write(repo.addAlias, from.id, 'Meridian Labs');
    await write(repo.bindWorkspace, { teamId: 'T0M', teamName: 'M' }, from.id, 'U0ADMIN', at);
    await write(repo.bindWorkspace, { teamId: 'T0A', teamName: 'A' }, other.id, 'U0ADMIN', at);
    await write(repo.bindChannel, { id: 'C1', name: 'ext-m' }, from.id, 'U0ADMIN', at);
    await write(repo.bindChannel, { id: 'C2', name: 'ext-a' }, other.id, 'U0ADMIN', at);
    const h = await handoff({ partnerId: from.id, partnerKey: from.key });
    const hOther = await handoff({ partnerId: other.id, partnerKey: other.key });
    await sentEvent(h, at);
    await sentEvent(hOther, ms(1));
    const help = (view: string, partnerKey: string) =>
      write(insertHelpRequest, {
        sourceViewId: view,
        requestedByUserId: 'U0AE',
        requestedByTeamId: 'T0INTERNAL',
        accountName: 'Northwind Logistics',
        accountKey: 'northwind logistics',
        partnerOrg: 'x',
        partnerKey,
        ask: 'An intro, please.',
        status: 'open',
        createdAt: at,
      });
    const helpFrom = await help('HV1', from.key);
    const helpOther = await help('HV2', other.key);

    await write(repo.mergePartners, from, into, ms(9));

    expect(await repo.findPartner(db, from.id)).toBeUndefined();
    expect(await repo.findPartner(db, into.id)).toEqual({ ...into, updatedAt: ms(9) });
    expect(await repo.findPartner(db, other.id)).toEqual(other);
    expect(await repo.aliasesOf(db, into.id)).toEqual(['Meridian', 'Meridian Labs', 'Northwind']);
    expect((await repo.partnerByName(db, 'Meridian'))?.id).toBe(into.id);
    expect((await repo.findWorkspace(db, 'T0M'))?.partnerId).toBe(into.id);
    expect((await repo.findWorkspace(db, 'T0A'))?.partnerId).toBe(other.id);
    expect(await repo.findChannelBinding(db, 'C1')).toMatchObject({ partnerId: into.id, updatedAt: ms(9) });
    expect(await repo.findChannelBinding(db, 'C2')).toMatchObject({ partnerId: other.id, updatedAt: at });
    const { handoffs, helpRequests } = tablesOf(db);
    const stored = await db
      .select({ id: handoffs.id, partnerId: handoffs.partnerId, partnerKey: handoffs.partnerKey })
      .from(handoffs)
      .where(own(db, handoffs))
      .orderBy(asc(handoffs.id));
    expect(stored).toEqual([
      { id: h.id, partnerId: into.id, partnerKey: 'northwind' },
      { id: hOther.id, partnerId: other.id, partnerKey: 'acme' },
    ]);
    expect(await metricFacts()).toEqual([
      { eventId: expect.any(Number), partnerKey: 'northwind', partnerOrg: 'Northwind' },
      { eventId: expect.any(Number), partnerKey: 'acme', partnerOrg: 'Acme' },
    ]);
    const requests = await db
      .select({ id: helpRequests.id, partnerKey: helpRequests.partnerKey })
      .from(helpRequests)
      .where(own(db, helpRequests))
      .orderBy(asc(helpRequests.id));
    expect(requests).toEqual([
      { id: helpFrom?.id, partnerKey: 'northwind' },
      { id: helpOther?.id, partnerKey: 'acme' },
    ]);
    expect((await repo.listPartners(db)).map((p) => p.name)).toEqual(['Acme', 'Northwind']);
  });
});
