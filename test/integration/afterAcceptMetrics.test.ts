import { afterAll, describe, expect, it } from 'vitest';
import { ACTION_ID, CALLBACK_ID, STEP_DATE_BLOCK_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import type { GroupStats } from '../../src/domain/metrics.js';
import { touchLogCsv } from '../../src/revops/exportCsv.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { jordan, sam, sweepAt, writePolicy } from '../support/afterAcceptFlow.js';
import { answerAE, askAuthor } from '../support/askFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, waitFor } from '../support/harness.js';
import { handoffRow, type OpenedModal, outboxDrained, submit } from '../support/ownerFlow.js';
import { click, clickOutcome, partnerCalls, partnerHarnesses } from '../support/partnerFlow.js';
import { viewSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import {
  blocksOf,
  csvObjects,
  elementsOf,
  openHome,
  ROLES,
  revopsUser,
  sectionTexts,
} from '../support/revopsFlow.js';

/**
 * The reporting of the first steps AEs commit to when accepting, counted per AE, partner and author
 * (kept on time, time to first step, accepted then idle, handed back), the App Homes' "accepted: next step due",
 * "accepted: idle", "taken back" and "waiting for your answer", and the CSV's take-back columns, through the real app.
 *
 * Jordan (the AE, Berlin: 09:00–17:00, an hour ahead of UTC) gets five handoffs from Pat (the author and owner) on
 * Monday 23 November, 15:00 Berlin. Meridian's policy checks a first step on its date, tells the owner a business day
 * later and takes the deal back to the backup pool (Sam) two business days after the date.
 * - Alpha: Jordan asks Pat first (the clock paused Tuesday 10:00 to Wednesday 10:00: 8 business hours), accepts
 *   Wednesday 11:00 with a step due Friday, and holds the meeting Thursday 14:00: on time, 11 business hours.
 * - Bravo: accepted Wednesday 12:00 with a step due that day, done Thursday 14:00: late, 10 business hours.
 * - Charlie: accepted Wednesday 13:00, step due Thursday; nothing recorded: taken back Monday 30 November 16:00 Berlin,
 *   and Sam, the pool's next AE, accepts it with a step of his own.
 * - Delta: accepted Wednesday 14:00; Jordan hands it back at 15:00.
 * - Echo: accepted Wednesday 14:30, step due Thursday; Jordan gives it a new date (Friday) on Thursday and holds the
 *   meeting Friday 11:00: kept on time after a new date, 12.5 business hours.
 */

const start = partnerHarnesses();
const policy = writePolicy({
  pools: { backup: { name: 'Backup AEs', users: [people.otherAe.id] } },
  policies: {
    strategic: {
      name: 'Strategic accounts',
      levels: [
        { at: '50%', action: 'remind' },
        { at: 'commitment', action: 'check_in' },
        { at: 'commitment+1d', action: 'notify', to: ['owner'] },
        { at: 'commitment+2d', action: 'reassign', to: ['pool:backup'] },
      ],
    },
  },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
});
afterAll(policy.remove);

const json = (value: unknown) => JSON.stringify(value);
const homeText = async (h: Harness, userId: string) =>
  sectionTexts(blocksOf(await openHome(h, userId))).join('\n');

async function acceptAt(h: Harness, at: string, handoff: HandoffRow, due: string, user = jordan) {
  h.clock.set(at);
  const modal = await openAcceptModal(h, { handoffId: handoff.id, user });
  expect(await submitAccept(h, modal, { user, typed: { due } })).toEqual({});
  await outboxDrained(h);
}

async function meetingHeldAt(h: Harness, at: string, handoff: HandoffRow) {
  h.clock.set(at);
  await clickOutcome(h, 'meeting_held', handoff.id, jordan);
  await waitFor(
    async () => (await handoffRow(h, handoff.id)).firstStepDoneAt !== null,
    4000,
    'the first step done',
  );
  await quiet(h);
}

async function newDateAt(h: Harness, at: string, handoff: HandoffRow, date: string) {
  h.clock.set(at);
  const opened = h.slack.callsTo('views.open').length;
  await click(h, ACTION_ID.newStepDate, handoff.id, jordan);
  const call = await waitFor(() => h.slack.callsTo('views.open')[opened], 4000, 'the new date modal');
  const modal = call.args.view as OpenedModal;
  expect(modal.callback_id).toBe(CALLBACK_ID.stepDate);
  await submit(
    h,
    viewSubmission({
      user: jordan,
      callbackId: CALLBACK_ID.stepDate,
      privateMetadata: modal.private_metadata,
      values: {
        [STEP_DATE_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: date } },
      },
    }),
  );
  await quiet(h);
}

/** The five handoffs, sent to Jordan on Monday 23 November, 15:00 Berlin (the harness's clock). */
async function sendFive(h: Harness) {
  const send = async (accountName: string) =>
    (await sendHandoff(h, { accountName, accountDomain: null })).handoff;
  return {
    alpha: await send('Alpha Freight'),
    bravo: await send('Bravo Freight'),
    charlie: await send('Charlie Freight'),
    delta: await send('Delta Freight'),
    echo: await send('Echo Freight'),
  };
}

const byKey = (groups: readonly GroupStats[], key: string) => groups.find((g) => g.key === key);

describe('after the Accept, in the figures, the App Homes and the CSV', () => {
  it('counts first steps kept, time to first step, idle and handed back per AE, partner and author', async () => {
    const h = await start({ ...ROLES, ESCALATION_POLICY_FILE: policy.file });
    const { alpha, bravo, charlie, delta, echo } = await sendFive(h);

    // Tuesday 10:00 Berlin: Jordan asks Pat about Alpha. Pat's App Home says the question waits for them.
    h.clock.set('2026-11-24T09:00:00Z');
    const question = await askAuthor(h, alpha.id, 'Who signs the order?');
    await quiet(h);
    expect(await homeText(h, people.author.id)).toContain(
      `#${alpha.id} *Alpha Freight* (via Meridian Cloud Consulting): with <@${people.ae.id}>, clock *paused* since`,
    );
    h.clock.set('2026-11-25T09:00:00Z');
    await answerAE(h, question.id, 'The ops director.');
    await quiet(h);

    await acceptAt(h, '2026-11-25T10:00:00Z', alpha, '2026-11-27');
    await acceptAt(h, '2026-11-25T11:00:00Z', bravo, '2026-11-25');
    await acceptAt(h, '2026-11-25T12:00:00Z', charlie, '2026-11-26');
    await acceptAt(h, '2026-11-25T13:00:00Z', delta, '2026-11-30');
    await acceptAt(h, '2026-11-25T13:30:00Z', echo, '2026-11-26');

    // Wednesday 15:00 Berlin: Jordan hands Delta back. Pat, its owner, is asked to give it on or withdraw it.
    h.clock.set('2026-11-25T14:00:00Z');
    const cycle = (await handoffRow(h, delta.id)).cycle;
    await click(h, ACTION_ID.handBack, `${delta.id}:${cycle}`, jordan);
    await waitFor(async () => (await handoffRow(h, delta.id)).status === 'taken_back', 4000, 'handed back');
    await quiet(h);
    const patHome = await openHome(h, people.author.id);
    const patLines = sectionTexts(blocksOf(patHome)).join('\n');
    expect(patLines).toContain(
      '*Handoffs you own that need you* (open, expired, taken back, or declined in the last 14 days)',
    );
    expect(patLines).toContain(
      `#${delta.id} *Delta Freight* (via Meridian Cloud Consulting): back with you (<@${people.ae.id}> had accepted it): you can give it to another AE (Reassign) or withdraw it`,
    );
    const deltaButtons = elementsOf(blocksOf(patHome))
      .filter((e) => String(e.value ?? '').split(':')[0] === String(delta.id))
      .map((e) => e.action_id);
    expect(deltaButtons).toEqual(expect.arrayContaining([ACTION_ID.reassign, ACTION_ID.withdraw]));
    // What Pat sent: the first steps as they stand (Wednesday: Bravo's is due today, not idle yet).
    expect(patLines).toContain(
      `#${alpha.id} *Alpha Freight* (via Meridian Cloud Consulting): accepted by <@${people.ae.id}>: next step due *Fri 27 Nov* (Accept the introduction and bring the demo). No outcome recorded yet.`,
    );
    expect(patLines).toContain(
      `#${bravo.id} *Bravo Freight* (via Meridian Cloud Consulting): accepted by <@${people.ae.id}>: next step due *Wed 25 Nov*`,
    );

    // Thursday 10:00 Berlin: Bravo's date has passed with nothing recorded: idle, on Jordan's Home and Pat's.
    h.clock.set('2026-11-26T09:00:00Z');
    const idle = `*idle*, the next step was due *Wed 25 Nov* (Accept the introduction and bring the demo) and no outcome is recorded since.`;
    const jordanLines = await homeText(h, people.ae.id);
    expect(jordanLines).toContain(
      `#${bravo.id} *Bravo Freight* (via Meridian Cloud Consulting) with you. Accepted: ${idle}`,
    );
    expect(jordanLines).toContain(
      `#${charlie.id} *Charlie Freight* (via Meridian Cloud Consulting) with you. Accepted: next step due *Thu 26 Nov*`,
    );
    expect(jordanLines).not.toContain('Delta Freight');
    expect(await homeText(h, people.author.id)).toContain(
      `#${bravo.id} *Bravo Freight* (via Meridian Cloud Consulting): accepted by <@${people.ae.id}>: ${idle}`,
    );

    // Echo gets a new date (Friday); Alpha and Bravo their meetings, Thursday 14:00 Berlin; Echo its own on Friday.
    await newDateAt(h, '2026-11-26T09:30:00Z', echo, '2026-11-27');
    await meetingHeldAt(h, '2026-11-26T13:00:00Z', alpha);
    await meetingHeldAt(h, '2026-11-26T13:00:00Z', bravo);
    await meetingHeldAt(h, '2026-11-27T10:00:00Z', echo);
    expect(await homeText(h, people.ae.id)).not.toContain(
      `#${alpha.id} *Alpha Freight* (via Meridian Cloud Consulting) with you. Accepted:`,
    );

    // The touch log: each first step done records the business hours since the accept, as a decision its own.
    const { handoffEvents } = h.tables;
    const steps = (await h.database.db.select().from(handoffEvents)).filter((e) => e.type === 'meeting_held');
    expect(steps.map((e) => [e.handoffId, e.businessHours])).toEqual([
      [alpha.id, 11],
      [bravo.id, 10],
      [echo.id, 12.5],
    ]);

    // Charlie: checked in on its date, the owner told, then taken back to the pool: Sam.
    await sweepAt(h, '2026-11-26T15:00:00Z');
    await sweepAt(h, '2026-11-27T15:00:00Z');
    await sweepAt(h, '2026-11-30T15:00:00Z');
    expect(await handoffRow(h, charlie.id)).toMatchObject({ status: 'sent', aeUserId: people.otherAe.id });
    // Sam accepts it with a step of his own, Tuesday 09:00 Los Angeles: his commitment is still open.
    await acceptAt(h, '2026-12-01T17:00:00Z', await handoffRow(h, charlie.id), '2026-12-04', sam);
    h.clock.set('2026-12-01T18:00:00Z');

    const m = await h.app.metrics.program(new Date('2026-11-23T00:00:00Z'), h.clock.now());
    // Commitments ended: Alpha, Bravo and Echo done (Alpha and Echo by their dates, Echo's moved once), Charlie
    // taken back idle: 2 of 4 kept. Delta, handed back, is counted apart. Time to first step: 10, 11 and 12.5
    // business hours: median 11, p90 11 + 0.8 × 1.5.
    const jordanFigures = {
      stepsDone: 3,
      onTime: 2,
      onTimeMoved: 1,
      idle: 1,
      handedBack: 1,
      commitmentsEnded: 4,
      keptRate: 0.5,
      medianHours: 11,
      p90Hours: 12.2,
    };
    const close = (a: GroupStats['afterAccept'] | undefined) =>
      a && { ...a, p90Hours: a.p90Hours === null ? null : Math.round(a.p90Hours * 1e9) / 1e9 };
    expect(close(m.overall.afterAccept)).toEqual(jordanFigures);
    expect(close(byKey(m.byAe, people.ae.id)?.afterAccept)).toEqual(jordanFigures);
    expect(close(byKey(m.byAuthor, people.author.id)?.afterAccept)).toEqual(jordanFigures);
    expect(m.byPartner.map((g) => [g.label, close(g.afterAccept)])).toEqual([
      ['Meridian Cloud Consulting', jordanFigures],
    ]);
    // The idle deal counts against Jordan, who let it go quiet, not Sam, whose step is still ahead.
    expect(byKey(m.byAe, people.otherAe.id)?.afterAccept).toMatchObject({
      stepsDone: 0,
      idle: 0,
      commitmentsEnded: 0,
    });

    // The pause does not count against Jordan: Alpha's accept alone, 12 business hours since the send less the 8
    // its question paused the clock.
    const alphaAccept = await h.app.metrics.program(
      new Date('2026-11-25T10:00:00Z'),
      new Date('2026-11-25T10:00:01Z'),
    );
    expect(byKey(alphaAccept.byAe, people.ae.id)).toMatchObject({ accepted: 1, medianHours: 4 });

    // RevOps' App Home: the figures after the Accept under the headline, and Jordan's line with them.
    const revops = blocksOf(await openHome(h, revopsUser.id));
    const after = revops.find((b) => b.type === 'section' && b.text?.text?.startsWith('*After the Accept*'));
    expect((after?.fields ?? []).map((f) => f.text.split('\n').slice(0, 2).join(': '))).toEqual([
      '*First steps kept on time*: 2 of 4 (50%) commitments (1 after a new date)',
      '*Time to first step*: median 11.0 h · p90 12.2 h',
      '*Accepted, then idle*: 1',
      '*Handed back*: 1',
    ]);
    expect(sectionTexts(revops).find((t) => t.startsWith('*By AE*'))).toContain(
      ' · first steps kept 2/4 · to first step 11.0 h · idle 1 · handed back 1',
    );

    // The CSV: when each deal was last taken back, and why; Alpha's question.
    const { csv } = await touchLogCsv(h.database.db, {
      since: new Date('2026-11-01T00:00:00Z'),
      until: new Date('2026-12-31T00:00:00Z'),
    });
    const rows = new Map(csvObjects(csv).rows.map((r) => [r.handoff_id, r]));
    expect(rows.get(String(charlie.id))).toMatchObject({
      taken_back_at: '2026-11-30T15:00:00.000Z',
      taken_back_reason: 'no news of the first step in time',
      ae_user_id: people.otherAe.id,
    });
    expect(rows.get(String(delta.id))).toMatchObject({
      status: 'taken_back',
      taken_back_at: '2026-11-25T14:00:00.000Z',
      taken_back_reason: 'handed back by the AE',
    });
    expect(rows.get(String(alpha.id))).toMatchObject({
      taken_back_at: '',
      taken_back_reason: '',
      questions: '1',
    });

    // The partner never read of the idle step, the take-back or the hand-back.
    expect(
      partnerCalls(h)
        .map((c) => json(c.args))
        .join('\n'),
    ).not.toMatch(/idle|taken back|handed back/i);
  }, 120_000);
});
