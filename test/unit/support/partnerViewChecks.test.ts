import { describe, expect, it } from 'vitest';
import {
  apply,
  checkDates,
  checkNames,
  checkOtherPartners,
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

describe('the oracle', () => {
  it('hears decisions and outcomes once each, a later decline not at all, a withdrawal only once heard of', () => {
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
  });
});

describe('checkThread: everything in the channel is true of the state now, no routing posted', () => {
  const accepted = model({ kind: 'accepted', ae: 'Sam Closer' });

  it('passes a thread that reads the way the oracle says', () => {
    expect(checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer'), reply(ACCEPTED)], false)).toEqual(
      [],
    );
    expect(checkThread(model(), [], false)).toEqual([]);
  });

  it('fails a post before any decision (the old first post of a pool move)', () => {
    const pooled = parent('With a new account executive', 'our AE: Sam Closer … who will pick it up');
    expect(checkThread(model(), [pooled], false)).toEqual([
      `${ACCOUNT} in C0PARTNER: posted before the partner may know anything ([])`,
    ]);
  });

  it('fails a reply for a routing event, and a missing one', () => {
    const routing = reply(`:arrows_counterclockwise: *${ACCOUNT}*: now with Sam Closer on our side`);
    expect(
      checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer'), reply(ACCEPTED), routing], false),
    ).toEqual([`${ACCOUNT} in C0PARTNER: replies ["accepted","unknown"], owed ["accepted"]`]);
    // One thread had the acceptance only in the edited parent.
    expect(checkThread(accepted, [parent('Accepted', 'our AE: Sam Closer')], false)).toEqual([
      `${ACCOUNT} in C0PARTNER: replies [], owed ["accepted"]`,
    ]);
  });

  it('fails a parent that says another state, or names an AE on a decline', () => {
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
  });

  it('while the channel is held, accepts what waits, but not a stage the deal was never in', () => {
    expect(checkThread(accepted, [], true)).toEqual([]);
    expect(checkThread(accepted, [parent('Won'), reply(ACCEPTED)], true)).toEqual([
      `${ACCOUNT} in C0PARTNER: the held parent reads "${ACCOUNT}: Won", a stage it never was in`,
    ]);
  });
});

describe('checkNames: only an AE who accepted is named', () => {
  const aes = [{ name: 'Jordan Seller' }, { name: 'Sam Closer' }];

  it('fails a decline naming the AE who declined', () => {
    const declined = model({ kind: 'declined' });
    expect(checkNames(declined, [`${ACCOUNT}: Not taken forward · our AE: Jordan Seller`], aes)).toEqual([
      `${ACCOUNT}: names Jordan Seller, who has not accepted: ${ACCOUNT}: Not taken forward · our AE: Jordan Seller`,
    ]);
  });

  it('fails a next move naming the AE the deal moved away from, by first name', () => {
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

describe('checkDates: no next move by a date that has passed', () => {
  it('fails a parent showing a past "by" date, not one showing today', () => {
    const accepted = model({ kind: 'accepted', ae: 'Sam Closer' });
    const shown = [parent('Accepted', '*Next from Meridian:* Dana sends the plan (by 2026-11-27)')];
    expect(checkDates(accepted, shown, '2026-11-27')).toEqual([]);
    expect(checkDates(accepted, shown, '2026-12-01')).toEqual([
      `${ACCOUNT}: shows a next move by 2026-11-27, before 2026-12-01`,
    ]);
  });
});

describe('checkOtherPartners: nothing of another partner', () => {
  it("fails one partner's handoff in another partner's channel", () => {
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
});
