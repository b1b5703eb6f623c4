import { expect, it } from 'vitest';
import * as repo from '../../src/db/repositories/outcomeReports.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

export default contract('outcomeReports repository', ({ db, at, plus, write }) => {
  const report = (handoffId: number, over: Partial<Parameters<typeof repo.insertReport>[1]> = {}) => ({
    handoffId,
    outcome: 'meeting_held' as const,
    crmOpportunity: null,
    reasonCode: null,
    note: null,
    reportedByUserId: 'U0AUTHOR',
    at,
    ...over,
  });

  it('stores a report waiting for the AE, read back to the millisecond; a newer one replaces it', async () => {
    const handoffId = await addHandoff(db, at);
    const first = await write(repo.insertReport, report(handoffId, { note: 'from the partner' }));
    expect(first).toMatchObject({
      handoffId,
      outcome: 'meeting_held',
      note: 'from the partner',
      reportedByUserId: 'U0AUTHOR',
      reportedAt: at,
      status: 'pending',
      answeredByUserId: null,
      answeredAt: null,
    });
    const second = await write(
      repo.insertReport,
      report(handoffId, { outcome: 'won', reportedByUserId: 'U0OWNER', at: plus(5) }),
    );
    expect((await repo.findReport(db, first.id))?.status).toBe('replaced');
    const waiting = await repo.pendingReportsOf(db, [handoffId, handoffId + 1]);
    expect([...waiting.keys()]).toEqual([handoffId]);
    expect(waiting.get(handoffId)).toEqual(second);
    expect(await repo.pendingReportsOf(db, [])).toEqual(new Map());
  });

  it('answers a report once: a second answer, or one to a replaced report, changes nothing', async () => {
    const handoffId = await addHandoff(db, at);
    const waiting = await write(repo.insertReport, report(handoffId));
    expect(
      await write(repo.answerReport, waiting.id, { status: 'confirmed', byUserId: 'U0AE', at: plus(1) }),
    ).toBe(true);
    expect(
      await write(repo.answerReport, waiting.id, { status: 'declined', byUserId: 'U0AE', at: plus(2) }),
    ).toBe(false);
    expect(await repo.findReport(db, waiting.id)).toMatchObject({
      status: 'confirmed',
      answeredByUserId: 'U0AE',
      answeredAt: plus(1),
    });
    expect(await repo.pendingReportsOf(db, [handoffId])).toEqual(new Map());
    expect(await repo.findReport(db, waiting.id + 100)).toBeUndefined();
  });
});
