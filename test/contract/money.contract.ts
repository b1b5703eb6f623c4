import { expect, it } from 'vitest';
import { insertOutcome } from '../../src/db/repositories/handoffs.js';
import { estimatesOfHandoffs, moneyOfHandoffs, recordMoney } from '../../src/db/repositories/money.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('money repository', ({ db, write }) => {
  const t0 = new Date('2026-11-02T10:00:00.000Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);
  const outcome = (handoffId: number, o: 'won' | 'lost' | 'meeting_held', when: Date) =>
    write(insertOutcome, {
      handoffId,
      outcome: o,
      crmOpportunity: null,
      reasonCode: null,
      note: null,
      byUserId: 'U0AE',
      at: when,
    });

  it('reads the accepted handoffs without a CRM deal: open with an estimate, and won or lost in Slack since', async () => {
    const open = await addHandoff(db, at(0), { status: 'accepted', estimatedValue: 48_000 });
    const met = await addHandoff(db, at(1), {
      status: 'accepted',
      estimatedValue: 5_000,
      outcome: 'meeting_held',
    });
    await outcome(met, 'meeting_held', at(2));
    const won = await addHandoff(db, at(3), { status: 'accepted', estimatedValue: 30_000, outcome: 'won' });
    await outcome(won, 'won', at(60));
    const wonBare = await addHandoff(db, at(4), { status: 'accepted', outcome: 'won' });
    await outcome(wonBare, 'won', at(61));
    // Not read: no estimate and open; won before `from`; not accepted; a deal the CRM was read for.
    await addHandoff(db, at(5), { status: 'accepted' });
    const wonEarly = await addHandoff(db, at(6), { status: 'accepted', estimatedValue: 1, outcome: 'won' });
    await outcome(wonEarly, 'won', at(10));
    await addHandoff(db, at(7), { status: 'declined', estimatedValue: 2 });
    const linked = await addHandoff(db, at(8), {
      status: 'accepted',
      estimatedValue: 3,
      crmSystem: 'salesforce',
      crmRecordId: '006000000000001AAA',
    });
    await write(
      recordMoney,
      [
        {
          handoffId: linked,
          system: 'salesforce',
          recordId: '006000000000001AAA',
          amount: 10,
          currency: 'USD',
          amountCorporate: null,
          stage: 'Prospecting',
          closed: false,
          won: false,
          closeDate: null,
          owner: null,
        },
      ],
      at(9),
    );
    const read = (await estimatesOfHandoffs(db, at(30))).sort((a, b) => a.handoffId - b.handoffId);
    expect(read.map((r) => [r.handoffId, r.estimate, r.outcome, r.closedAt?.toISOString() ?? null])).toEqual([
      [open, 48_000, null, null],
      [met, 5_000, 'meeting_held', at(2).toISOString()],
      [won, 30_000, 'won', at(60).toISOString()],
      [wonBare, null, 'won', at(61).toISOString()],
    ]);
    // The linked one is the CRM's: read with its money, not as an estimate.
    expect((await moneyOfHandoffs(db, '2026-11-01')).map((r) => r.handoffId)).toEqual([linked]);
  });
});
