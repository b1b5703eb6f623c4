import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/helpRequests.js';
import { contract } from './engine.js';

export default contract('helpRequests repository', ({ db, at, write }) => {
  const request = (sourceViewId: string) => ({
    sourceViewId,
    requestedByUserId: 'U0AE',
    requestedByTeamId: 'T0INTERNAL',
    accountName: 'Northwind Logistics',
    accountKey: 'northwind logistics',
    ask: 'An intro to their logistics lead, please.',
    status: 'open' as const,
    createdAt: at,
  });

  it('stores a request and reads it back by id and by view, optional fields null, to the millisecond; one per view (a second submission returns nothing and changes nothing); keeps the partner the AE had in mind', async () => {
    const inserted = await write(repo.insertHelpRequest, request('V1'));
    const expected = {
      ...request('V1'),
      id: inserted?.id,
      installationId: 1,
      partnerOrg: null,
      partnerKey: null,
      claimedByUserId: null,
      claimedAt: null,
    };
    expect(inserted).toEqual(expected);
    expect(typeof inserted?.id).toBe('number');
    expect(await repo.findHelpRequest(db, inserted?.id as number)).toEqual(expected);
    expect(await repo.findHelpRequestBySourceView(db, 'V1')).toEqual(expected);
    expect(await repo.findHelpRequest(db, (inserted?.id as number) + 1)).toBeUndefined();
    expect(await repo.findHelpRequestBySourceView(db, 'V2')).toBeUndefined();

    const again = { ...request('V1'), ask: 'Something else', createdAt: new Date(at.getTime() + 1) };
    expect(await write(repo.insertHelpRequest, again)).toBeUndefined();
    expect(await repo.findHelpRequestBySourceView(db, 'V1')).toEqual(expected);

    const other = await write(repo.insertHelpRequest, {
      ...request('V2'),
      partnerOrg: 'Meridian',
      partnerKey: 'meridian',
    });
    expect(other?.id).not.toBe(inserted?.id);
    expect(await repo.findHelpRequestBySourceView(db, 'V2')).toMatchObject({
      id: other?.id,
      partnerOrg: 'Meridian',
      partnerKey: 'meridian',
    });
  });

  it('claims an open request once: the claim is returned and kept, a second claim or a missing request is nothing', async () => {
    const inserted = await write(repo.insertHelpRequest, request('V1'));
    const id = inserted?.id as number;
    const later = new Date(at.getTime() + 1);
    const claimed = await write(repo.claimHelpRequest, id, 'U0MARKETING', later);
    const expected = {
      ...inserted,
      status: 'claimed',
      claimedByUserId: 'U0MARKETING',
      claimedAt: later,
    };
    expect(claimed).toEqual(expected);
    expect(await write(repo.claimHelpRequest, id, 'U0OTHER', new Date(at.getTime() + 2))).toBeUndefined();
    expect(await repo.findHelpRequest(db, id)).toEqual(expected);
    expect(await write(repo.claimHelpRequest, id + 1, 'U0OTHER', later)).toBeUndefined();
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await repo.insertHelpRequest(tx, request('V1'));
        expect((await repo.findHelpRequestBySourceView(tx, 'V1'))?.ask).toBe(request('V1').ask);
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await repo.findHelpRequestBySourceView(db, 'V1')).toBeUndefined();
  });
});
