import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import { inUseBefore } from '../../src/db/repositories/digest.js';
import { contract } from './engine.js';
import { addEvent, addHandoff } from './seed.js';

export default contract('digest repository', ({ db, at }) => {
  const justAfter = new Date(at.getTime() + 1);

  it('is not in use before anything was written; in use strictly after the first touch-log event, to the millisecond', async () => {
    expect(await inUseBefore(db, justAfter)).toBe(false);
    const handoffId = await addHandoff(db, at);
    await addEvent(db, {
      handoffId,
      type: 'sent',
      fromStatus: null,
      actorUserId: 'U0AUTHOR',
      actorTeamId: 'T0INTERNAL',
      at,
    });
    expect(await inUseBefore(db, new Date(at.getTime() - 86_400_000))).toBe(false);
    expect(await inUseBefore(db, at)).toBe(false);
    expect(await inUseBefore(db, justAfter)).toBe(true);
  });

  it('is in use strictly after the first help request, to the millisecond', async () => {
    await db.transaction(async (tx) => {
      await tx.insert(tablesOf(tx).helpRequests).values(
        ownRow(tx, {
          sourceViewId: 'V0HELP',
          requestedByUserId: 'U0AE',
          requestedByTeamId: 'T0INTERNAL',
          accountName: 'Northwind Logistics',
          accountKey: 'northwind logistics',
          ask: 'An intro, please.',
          status: 'open',
          createdAt: at,
        }),
      );
    });
    expect(await inUseBefore(db, at)).toBe(false);
    expect(await inUseBefore(db, justAfter)).toBe(true);
  });
});
