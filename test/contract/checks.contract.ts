import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/checks.js';
import type { NewHandoffRow } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('checks repository', ({ db, at, write }) => {
  const day = 86_400_000;
  const handoff = (over: Partial<NewHandoffRow> = {}) =>
    addHandoff(db, at, { accountKey: 'northwind', ...over });

  const reseller = (accountKey: string, resellerKey: string, addedAt = at) => ({
    accountKey,
    accountName: `Account ${accountKey}`,
    resellerKey,
    resellerName: `Reseller ${resellerKey}`,
    addedByUserId: 'U0REVOPS',
    addedAt,
  });

  it('finds handoffs on the same account key, or domain when one is given, newest first', async () => {
    const byKey = await handoff({ accountKey: 'northwind', accountDomain: null });
    const byDomain = await handoff({ accountKey: 'northwind-inc', accountDomain: 'northwind.com' });
    await handoff({ accountKey: 'contoso', accountDomain: 'contoso.com' });
    const withDomain = await repo.findSameAccount(db, { key: 'northwind', domain: 'northwind.com' }, at);
    expect(withDomain.map((r) => r.id)).toEqual([byDomain, byKey]);
    expect(withDomain[1]).toMatchObject({
      accountKey: 'northwind',
      accountDomain: null,
      sentAt: at,
      partnerAgreedInWriting: true,
    });
    const keyOnly = await repo.findSameAccount(db, { key: 'northwind', domain: null }, at);
    expect(keyOnly.map((r) => r.id)).toEqual([byKey]);
    const emptyDomain = await repo.findSameAccount(db, { key: 'northwind', domain: '' }, at);
    expect(emptyDomain.map((r) => r.id)).toEqual([byKey]);
    expect(await repo.findSameAccount(db, { key: 'nobody', domain: 'nobody.com' }, at)).toEqual([]);
  });

  it('keeps open handoffs, and closed ones sent since `since` (to the millisecond)', async () => {
    const sent = await handoff({ status: 'sent', sentAt: new Date(at.getTime() - 90 * day) });
    const accepted = await handoff({ status: 'accepted', sentAt: new Date(at.getTime() - 90 * day) });
    const expired = await handoff({ status: 'expired', sentAt: new Date(at.getTime() - 90 * day) });
    await handoff({ status: 'declined', sentAt: new Date(at.getTime() - 1) });
    const declinedAtSince = await handoff({ status: 'declined', sentAt: at });
    const withdrawnAfter = await handoff({ status: 'withdrawn', sentAt: new Date(at.getTime() + 1) });
    const found = await repo.findSameAccount(db, { key: 'northwind', domain: null }, at);
    expect(found.map((r) => r.id)).toEqual([withdrawnAfter, declinedAtSince, expired, accepted, sent]);
  });

  it('returns at most `limit`, 10 unless told', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 12; i += 1) ids.push(await handoff());
    const found = await repo.findSameAccount(db, { key: 'northwind', domain: null }, at);
    expect(found.map((r) => r.id)).toEqual(ids.slice(2).reverse());
    const three = await repo.findSameAccount(db, { key: 'northwind', domain: null }, at, 3);
    expect(three.map((r) => r.id)).toEqual([ids[11], ids[10], ids[9]]);
  });

  it('adds a reseller once per account and reseller, reads it back, and removes it', async () => {
    expect(await repo.findResellers(db, 'northwind')).toEqual([]);
    expect(await write(repo.addReseller, reseller('northwind', 'acme'))).toBe(true);
    expect(await write(repo.addReseller, { ...reseller('northwind', 'acme'), resellerName: 'Again' })).toBe(
      false,
    );
    expect(await write(repo.addReseller, reseller('northwind', 'globex'))).toBe(true);
    expect(await write(repo.addReseller, reseller('contoso', 'acme'))).toBe(true);
    const found = await repo.findResellers(db, 'northwind');
    expect(found.map((r) => r.resellerKey).sort()).toEqual(['acme', 'globex']);
    const acme = found.find((r) => r.resellerKey === 'acme');
    expect(acme).toEqual({ installationId: 1, id: expect.any(Number), ...reseller('northwind', 'acme') });
    expect(acme?.addedAt).toEqual(at);

    expect(await write(repo.removeReseller, 'northwind', 'acme')).toBe(true);
    expect(await write(repo.removeReseller, 'northwind', 'acme')).toBe(false);
    expect(await write(repo.removeReseller, 'northwind', 'nobody')).toBe(false);
    expect((await repo.findResellers(db, 'northwind')).map((r) => r.resellerKey)).toEqual(['globex']);
    expect((await repo.findResellers(db, 'contoso')).map((r) => r.resellerKey)).toEqual(['acme']);
    // Removed, it can be added again.
    expect(await write(repo.addReseller, reseller('northwind', 'acme'))).toBe(true);
  });

  it('lists resellers by account key, at most `limit`', async () => {
    await db.transaction(async (tx) => {
      await repo.addReseller(tx, reseller('northwind', 'acme'));
      await repo.addReseller(tx, reseller('contoso', 'acme'));
      await repo.addReseller(tx, reseller('fabrikam', 'acme'));
      await repo.addReseller(tx, reseller('adatum', 'acme'));
    });
    expect((await repo.listResellers(db, 10)).map((r) => r.accountKey)).toEqual([
      'adatum',
      'contoso',
      'fabrikam',
      'northwind',
    ]);
    expect((await repo.listResellers(db, 2)).map((r) => r.accountKey)).toEqual(['adatum', 'contoso']);
    expect((await repo.listResellers(db, 1))[0]).toEqual({
      installationId: 1,
      id: expect.any(Number),
      ...reseller('adatum', 'acme'),
    });
  });

  it('rolls back a reseller added in a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        expect(await repo.addReseller(tx, reseller('northwind', 'acme'))).toBe(true);
        expect(await repo.findResellers(tx, 'northwind')).toHaveLength(1);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.findResellers(db, 'northwind')).toEqual([]);
  });
});
