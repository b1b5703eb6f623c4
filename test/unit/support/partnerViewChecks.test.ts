import { describe, expect, it } from 'vitest';
import {
  apply,
  checkDates,
  checkLeftBy,
  checkNames,
  checkNeverTold,
  checkOtherPartners,
  checkSteps,
  checkThread,
  newModel,
  type PartnerModel,
  type Shown,
} from '../../support/partnerViewChecks.js';

/**
 * Each invariant of the partner thread's property test (test/integration/partnerView.property.test.ts) can fail: here
 * every check meets a channel that breaks it (the shapes the app used to post, among them), and a good one.
 */

const ACCOUNT = 'Life1x Meridian';
const parent = (status: string, extra = ''): Shown => ({
  ts: '1.000100',
  text: `${ACCOUNT}: ${status}`,
  blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${ACCOUNT}* ${extra}` } }],
});
const reply = (text: string): Shown => ({ ts: `1.00020${text.length % 10}`, thread_ts: '1.000100', text });
const ACCEPTED = `:white_check_mark: *${ACCOUNT}*: accepted. Sam Closer is taking it forward with Dana Reyes.`;
const DECLINED = `*${ACCOUNT}*: not taken forward for now. The timing is not right. Thank you, Dana Reyes.`;

function model(...steps: Parameters<typeof apply>[1][]): PartnerModel {
  const m = newModel(ACCOUNT, 'C0PARTNER');
  for (const step of steps) apply(m, step);
  return m;
}

it('the oracle: hears decisions and outcomes once each, a later decline not at all, a withdrawal only once heard of, no take-back', () => {
  expect(model({ kind: 'withdrawn' }).replies).toEqual([]);
  expect(
    model(
      { kind: 'declined' },
      { kind: 'declined' },
      { kind: 'accepted', ae: 'Sam Closer' },
      { kind: 'outcome', outcome: 'won' },
    ),
  ).toMatchObject({ replies: ['declined', 'accepted_after_decline', 'won'], acceptedBy: 'Sam Closer' });
  expect(model({ kind: 'declined' }, { kind: 'withdrawn' }).replies).toEqual(['declined', 'withdrawn']);
  // No take-back: the stage stays, nobody is named and no step shown until the next accept, a reply.
  const intro = { text: 'Intro call with Dana', due: '2026-11-30' };
  const taken = model(
    { kind: 'accepted', ae: 'Jordan Seller', step: intro, at: 10 },
    { kind: 'new_date', due: '2026-12-04' },
    { kind: 'taken_back', at: 20 },
  );
  expect(taken).toMatchObject({
    stage: 'accepted',
    replies: ['accepted'],
    acceptedBy: null,
    step: null,
    everAccepted: ['Jordan Seller'],
    acceptSteps: [intro],
    leftBy: [{ name: 'Jordan Seller', from: 20, until: null }],
  });
  const workshop = { text: 'Workshop with Dana', due: '2026-12-09' };
  apply(taken, { kind: 'accepted', ae: 'Sam Closer', step: workshop, at: 30 });
  expect(taken).toMatchObject({
    replies: ['accepted', 'accepted'],
    acceptedBy: 'Sam Closer',
    step: workshop,
    acceptSteps: [intro, workshop],
  });
  // Jordan accepting it again later may be named again from then on.
  apply(taken, { kind: 'taken_back', at: 40 });
  apply(taken, { kind: 'accepted', ae: 'Jordan Seller', step: intro, at: 50 });
  expect(taken.leftBy).toEqual([
    { name: 'Jordan Seller', from: 20, until: 50 },
    { name: 'Sam Closer', from: 40, until: null },
  ]);
});

describe('checkThread: everything in the channel is true of the state now, no routing posted', () => {
  const accepted = model({ kind: 'accepted', ae: 'Sam Closer' });

  it('passes a thread that reads the way the oracle says, and fails each way a thread can be wrong', () => {
    expect(checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer'), reply(ACCEPTED)], false)).toEqual(
      [],
    );
    expect(checkThread(model(), [], false)).toEqual([]);
    // Fails a post before any decision (the old first post of a pool move).
    const pooled = parent('With a new account executive', 'our AE: Sam Closer … who will pick it up');
    expect(checkThread(model(), [pooled], false)).toEqual([
      `${ACCOUNT} in C0PARTNER: posted before the partner may know anything ([])`,
    ]);
    // Fails a reply for a routing event, and a missing one.
    const routing = reply(`:arrows_counterclockwise: *${ACCOUNT}*: now with Sam Closer on our side`);
    expect(
      checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer'), reply(ACCEPTED), routing], false),
    ).toEqual([`${ACCOUNT} in C0PARTNER: replies ["accepted","unknown"], owed ["accepted"]`]);
    // One thread had the acceptance only in the edited parent.
    expect(checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer')], false)).toEqual([
      `${ACCOUNT} in C0PARTNER: replies [], owed ["accepted"]`,
    ]);
    // Fails a parent that says another state, or names an AE on a decline.
    const declined = model({ kind: 'declined' });
    expect(
      checkThread(declined, [parent('Accepted', 'our AE: Jordan Seller'), reply(DECLINED)], false),
    ).toEqual([
      `${ACCOUNT} in C0PARTNER: the parent reads "${ACCOUNT}: Accepted", not "${ACCOUNT}: Not taken forward"`,
      `${ACCOUNT} in C0PARTNER: the parent names an AE at declined`,
    ]);
    expect(
      checkThread(accepted, [parent('Accepted', 'our AE: Jordan Seller'), reply(ACCEPTED)], false),
    ).toEqual([`${ACCOUNT} in C0PARTNER: the parent does not name Sam Closer, who accepted`]);
    // Fails a parent naming the AE it was taken back from.
    const taken = model({ kind: 'accepted', ae: 'Sam Closer' }, { kind: 'taken_back', at: 1 });
    const finding = parent('Finding the right person');
    expect(checkThread(taken, [finding, reply(ACCEPTED)], false)).toEqual([]);
    expect(checkThread(taken, [parent('Accepted'), reply(ACCEPTED)], false)).toEqual([
      `${ACCOUNT} in C0PARTNER: the parent reads "${ACCOUNT}: Accepted", not "${ACCOUNT}: Finding the right person"`,
    ]);
    expect(
      checkThread(taken, [parent('Finding the right person', 'our AE: Sam Closer'), reply(ACCEPTED)], false),
    ).toEqual([`${ACCOUNT} in C0PARTNER: the parent names an AE at accepted, taken back since`]);
    // While the channel is held, accepts what waits, but not a stage the deal was never in.
    expect(checkThread(accepted, [], true)).toEqual([]);
    expect(checkThread(accepted, [parent('Won'), reply(ACCEPTED)], true)).toEqual([
      `${ACCOUNT} in C0PARTNER: the held parent reads "${ACCOUNT}: Won", a stage it never was in`,
    ]);
  });
});

describe('checkNames: only an AE who accepted is named', () => {
  const aes = [{ name: 'Jordan Seller' }, { name: 'Sam Closer' }];

  it('fails a decline naming the AE who declined, and a next move naming another AE', () => {
    const declined = model({ kind: 'declined' });
    expect(checkNames(declined, [`${ACCOUNT}: Not taken forward · our AE: Jordan Seller`], aes)).toEqual([
      `${ACCOUNT}: names Jordan Seller, who has not accepted: ${ACCOUNT}: Not taken forward · our AE: Jordan Seller`,
    ]);
    // Fails a next move naming the AE the deal moved away from, by first name.
    const accepted = model({ kind: 'accepted', ae: 'Sam Closer' });
    const text = `${ACCOUNT} · our AE: Sam Closer\nNext from Meridian: Dana introduces Jordan to Ken Ito`;
    expect(checkNames(accepted, [text], aes)).toEqual([
      `${ACCOUNT}: names Jordan Seller, who did not accept (Sam Closer did): ${text}`,
    ]);
    expect(
      checkNames(accepted, [`${ACCOUNT} · our AE: Sam Closer`, 'Jordan, in another account'], aes),
    ).toEqual([]);
  });
});

describe('checkLeftBy: the AE it was taken back from is never named again', () => {
  const sam = `:white_check_mark: *${ACCOUNT}*: accepted. Sam Closer is taking it forward with Dana Reyes.`;
  const taken = model({ kind: 'accepted', ae: 'Jordan Seller', at: 0 }, { kind: 'taken_back', at: 10 });

  it('passes what was sent before the take-back and the next AE once they accepted; fails them named since', () => {
    const jordan = `*${ACCOUNT}*: accepted. Jordan Seller is taking it forward.`;
    expect(checkLeftBy(taken, [{ text: jordan, at: 5 }], `${ACCOUNT}: Accepted`)).toEqual([]);
    const reaccepted = model(
      { kind: 'accepted', ae: 'Jordan Seller', at: 0 },
      { kind: 'taken_back', at: 10 },
      { kind: 'accepted', ae: 'Sam Closer', at: 20 },
    );
    expect(checkLeftBy(reaccepted, [{ text: sam, at: 21 }], `${ACCOUNT} · our AE: Sam Closer`)).toEqual([]);
    // Fails a post or an edit since that names them, by first name too, and a parent naming them now.
    const waited = `*${ACCOUNT}*: accepted. Jordan Seller is taking it forward.`;
    expect(checkLeftBy(taken, [{ text: waited, at: 12 }], undefined)).toEqual([
      `${ACCOUNT}: names Jordan Seller after it was taken back from them: ${waited}`,
    ]);
    const move = `${ACCOUNT}: Accepted\nNext from Meridian: Dana introduces Jordan to Ken Ito`;
    expect(checkLeftBy(taken, [], move)).toEqual([
      `${ACCOUNT}: the parent names Jordan Seller, from whom it was taken back: ${move}`,
    ]);
  });
});

describe('checkSteps: the first step with its accept, and on the parent while it is the next step', () => {
  const intro = { text: 'Intro call with Dana', due: '2026-11-30' };
  const accepted = model({ kind: 'accepted', ae: 'Sam Closer', step: intro });
  const acceptReply = reply(`${ACCEPTED} *Next:* Intro call with Dana by Mon 30 Nov.`);
  const withStep = parent(
    'Accepted',
    'our AE: Sam Closer *Next from Sam Closer:* Intro call with Dana by Mon 30 Nov',
  );

  it('passes the step at the end of the accept and on the parent, and fails it anywhere else or out of date', () => {
    expect(checkSteps(accepted, [withStep, acceptReply], false, '2026-11-27', [])).toEqual([]);
    expect(checkSteps(model(), [parent('Accepted')], false, '2026-11-27', ['Intro call with Dana'])).toEqual(
      [],
    );
    // Fails a step before the accept, one missing from the accept or the parent, and one in another reply.
    expect(checkSteps(model(), [withStep], false, '2026-11-27', ['Intro call with Dana'])).toHaveLength(1);
    expect(checkSteps(accepted, [withStep, reply(ACCEPTED)], false, '2026-11-27', [])).toEqual([
      `${ACCOUNT} in C0PARTNER: accept reply 1 does not end with "*Next:* Intro call with Dana by Mon 30 Nov.": ${ACCEPTED}`,
    ]);
    expect(
      checkSteps(accepted, [parent('Accepted', 'our AE: Sam Closer'), acceptReply], false, '2026-11-27', []),
    ).toEqual([
      `${ACCOUNT} in C0PARTNER: the parent does not show the first step "Intro call with Dana by Mon 30 Nov"`,
    ]);
    const won = model(
      { kind: 'accepted', ae: 'Sam Closer', step: intro },
      { kind: 'outcome', outcome: 'won' },
    );
    expect(
      checkSteps(
        won,
        [acceptReply, reply(`*${ACCOUNT}*: won! Intro call with Dana went well.`)],
        false,
        '2026-11-27',
        [],
      ),
    ).toEqual([
      `${ACCOUNT} in C0PARTNER: accept reply 1 shows a step that is not the deal's next: ${acceptReply.text}`,
      `${ACCOUNT} in C0PARTNER: the first step "Intro call with Dana" in a won reply: *${ACCOUNT}*: won! Intro call with Dana went well.`,
    ]);
    // Fails the old date after a new one, and any step on the parent or the accept once taken back.
    const moved = model(
      { kind: 'accepted', ae: 'Sam Closer', step: intro },
      { kind: 'new_date', due: '2026-12-04' },
    );
    expect(checkSteps(moved, [withStep, acceptReply], false, '2026-11-27', [])).toEqual([
      `${ACCOUNT} in C0PARTNER: accept reply 1 shows a step that is not the deal's next: ${acceptReply.text}`,
      `${ACCOUNT} in C0PARTNER: accept reply 1 does not end with "*Next:* Intro call with Dana by Fri 4 Dec.": ${acceptReply.text}`,
      `${ACCOUNT} in C0PARTNER: the parent shows the first step "Intro call with Dana" besides "Intro call with Dana by Fri 4 Dec": ${withStep.text}\n${JSON.stringify(withStep.blocks)}`,
      `${ACCOUNT} in C0PARTNER: the parent does not show the first step "Intro call with Dana by Fri 4 Dec"`,
    ]);
    const taken = model({ kind: 'accepted', ae: 'Sam Closer', step: intro }, { kind: 'taken_back', at: 1 });
    expect(checkSteps(taken, [parent('Accepted'), reply(ACCEPTED)], false, '2026-11-27', [])).toEqual([]);
    expect(checkSteps(taken, [parent('Accepted'), acceptReply], false, '2026-11-27', [])).toEqual([
      `${ACCOUNT} in C0PARTNER: accept reply 1 shows a step that is not the deal's next: ${acceptReply.text}`,
    ]);
    expect(checkSteps(taken, [withStep, reply(ACCEPTED)], false, '2026-11-27', [])[0]).toContain(
      'the parent shows the first step "Intro call with Dana" at accepted, taken back since',
    );
  });
});

it('checkNeverTold, checkDates, checkOtherPartners: fail a take-back or idle deal told to the partner, a past "by" date, and another partner’s handoff', () => {
  const taken = model({ kind: 'accepted', ae: 'Sam Closer' }, { kind: 'taken_back', at: 1 });
  expect(checkNeverTold(taken, [`${ACCOUNT}: Accepted`, ACCEPTED])).toEqual([]);
  expect(checkNeverTold(taken, [`${ACCOUNT}: Accepted · taken back from Sam Closer`])).toEqual([
    `${ACCOUNT}: tells the partner "taken back": ${ACCOUNT}: Accepted · taken back from Sam Closer`,
  ]);
  expect(checkNeverTold(taken, [`*${ACCOUNT}*: idle for 3 days`])).toHaveLength(1);

  // checkDates: no next move by a date that has passed (a parent showing today's passes).
  const accepted = model({ kind: 'accepted', ae: 'Sam Closer' });
  const shown = [parent('Accepted', '*Next from Meridian:* Dana sends the plan by Fri 27 Nov')];
  expect(checkDates(accepted, shown, '2026-11-27')).toEqual([]);
  expect(checkDates(accepted, shown, '2026-12-01')).toEqual([
    `${ACCOUNT}: shows a next move by 2026-11-27, before 2026-12-01`,
  ]);

  // checkOtherPartners: one partner's handoff in another partner's channel fails.
  const meridian = model();
  const tailspin = newModel('Life2x Tailspin', 'C0RIVAL');
  expect(
    checkOtherPartners(
      [meridian, tailspin],
      [
        { channel: 'C0PARTNER', text: `${ACCOUNT}: Accepted` },
        { channel: 'C0PARTNER', text: 'Life2x Tailspin: Accepted' },
      ],
    ),
  ).toEqual(['Life2x Tailspin (of C0RIVAL) in a call to C0PARTNER']);
});
