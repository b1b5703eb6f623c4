import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, touchLogCsv } from '../../src/revops/exportCsv.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { harnessPerTest } from '../support/harness.js';
import { handoffRow, QUIET, reassignTo, waitForDm } from '../support/ownerFlow.js';
import { people } from '../support/people.js';
import { csvObjects } from '../support/revopsFlow.js';

/**
 * Issue 50 item 7: the CSV can audit silences. `expired_at` and `expiry_reason` keep only the latest expiry; every
 * expiry now has its place in `expiry_log` (time, AE, silence or away and why), with counts RevOps can pivot on
 * (`expiries`, `expiries_excused`, `expiries_silent`). The columns before them keep their places.
 */
describe('the export audits every expiry (issue 50)', () => {
  const start = harnessPerTest();

  it('an expiry while away and a silent one after a reassignment: both, each with why', async () => {
    const h = await start({ env: QUIET });
    const { handoff } = await sendHandoff(h, account('Audit Freight'));
    // Jordan goes away (their status); the away check sees it; the window expires: excused.
    h.slack.setStatus(people.ae.id, { text: 'Out of office', emoji: ':airplane:', expiration: null });
    const seenAt = h.clock.now();
    await h.app.scheduler.runNow('response-window-sweep');
    await waitForDm(h, people.author.id, 'is away', 'the owner told');
    h.clock.set(handoff.dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');
    // The owner gives it to Sam, who says nothing: a silent expiry.
    await reassignTo(h, handoff.id, people.otherAe.id);
    const second = await handoffRow(h, handoff.id);
    expect(second.aeUserId).toBe(people.otherAe.id);
    h.clock.set(second.dueAt);
    await h.app.scheduler.runNow('response-window-sweep');
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');

    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-01-01T00:00:00Z'),
      until: new Date('2027-01-01T00:00:00Z'),
    });
    const { header, rows } = csvObjects(csv);
    // Appended: every column before keeps its place (issue 51's `questions`, first step and take-back came after them,
    // then issue 52's origin and issue 54's money).
    const audit = header.indexOf('expiries');
    expect(header.slice(audit, audit + 14)).toEqual([
      'expiries',
      'expiries_excused',
      'expiries_silent',
      'expiry_log',
      'questions',
      'first_step',
      'first_step_due',
      'estimated_value',
      'first_step_done_at',
      'first_step_new_dates',
      'taken_back_at',
      'taken_back_reason',
      'source_url',
      'routing_reason',
    ]);
    expect(header.indexOf('latest_decline_reason')).toBeLessThan(header.indexOf('expiries'));
    expect(header).toEqual([...CSV_COLUMNS]);
    const row = rows[0] ?? {};
    expect(row).toMatchObject({
      expired_at: second.dueAt.toISOString(),
      expiry_reason: 'no answer in time',
      expiries: '2',
      expiries_excused: '1',
      expiries_silent: '1',
    });
    expect(row.expiry_log).toBe(
      `${handoff.dueAt.toISOString()} ${people.ae.id} away (status: :airplane: Out of office, known since ${seenAt.toISOString()}) | ${second.dueAt.toISOString()} ${people.otherAe.id} silence`,
    );
  }, 60_000);
});
