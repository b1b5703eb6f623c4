import { describe, expect, it } from 'vitest';
import { HOME_LIMITS } from '../../../src/blocks/appHome.js';
import { policyEditorModal } from '../../../src/blocks/policyEditor.js';
import { handoff, outcomeReport } from './fixtures.js';
import { homeView } from './unitdomain-views.js';

/** The App Home's "What you sent" as each reader meets it. */
const home = (lists: Parameters<typeof homeView>[0]) => JSON.stringify(homeView(lists));

describe('What you sent, worded for its reader', () => {
  it('does not invite an AE who answers handoffs to send one', () => {
    const waiting = handoff({ id: 4, status: 'sent' });
    expect(home({ awaiting: [waiting] })).not.toContain('What you sent');
    expect(home({ deals: [handoff({ id: 5, status: 'accepted' })] })).not.toContain(
      'You have not sent a handoff yet',
    );
    // Someone with nothing at all is invited.
    expect(home({})).toContain('You have not sent a handoff yet. Type `/handoff` to send one.');
  });

  it('says what a cut list keeps (the open and won ones) and where the rest are', () => {
    const sent = Array.from({ length: HOME_LIMITS.sent + 1 }, (_, i) =>
      handoff({ id: 20 - i, status: 'accepted' }),
    );
    expect(home({ sent })).toContain(
      `Showing ${HOME_LIMITS.sent} of your handoffs: the open and won ones first, then the most recent. The others, lost and declined ones included, are in \`/handoff list all\`.`,
    );
  });

  it('shows what it kept newest first: an older won deal among newer open ones', () => {
    // As the list comes: the open and won ones first.
    const sent = [
      handoff({ id: 9, status: 'sent' }),
      handoff({ id: 3, status: 'accepted', outcome: 'won' }),
      handoff({ id: 7, status: 'declined' }),
    ];
    const text = home({ sent });
    expect(text.indexOf('#9 ')).toBeLessThan(text.indexOf('#7 '));
    expect(text.indexOf('#7 ')).toBeLessThan(text.indexOf('#3 '));
  });

  it('keeps the deals an AE won on their Home', () => {
    const won = [handoff({ id: 5, status: 'accepted', outcome: 'won', accountName: 'Contoso Freight' })];
    const text = home({ won, awaiting: [] });
    expect(text).toContain('*Deals you won*\\n:trophy: #5 *Contoso Freight* (via ');
    expect(text).not.toContain('What you sent');
  });
});

describe('a deal gone quiet reads so on the Home as in the digest', () => {
  it('marks a deal nudged for news, after its first step, as gone quiet; a deal with news is not', () => {
    const now = new Date('2026-12-07T10:00:00Z');
    const nudged = handoff({
      id: 6,
      status: 'accepted',
      outcome: 'meeting_held',
      stallNudgedAt: new Date('2026-12-04T10:00:00Z'),
      lastActivityAt: new Date('2026-11-27T10:00:00Z'),
    });
    const quiet = '*Gone quiet*: no news since';
    expect(home({ deals: [nudged], sent: [nudged], now })).toContain(quiet);
    const heard = { ...nudged, stallNudgedAt: null };
    expect(home({ deals: [heard], sent: [heard], now })).not.toContain(quiet);
    expect(home({ deals: [{ ...nudged, outcome: 'won' }], now })).not.toContain(quiet);
  });
});

describe('every Home line speaks to its reader as "you"', () => {
  // The author (who owns it too) and the AE, each on their own Home, never named by their mention there.
  const open = handoff({ id: 1, status: 'sent' });
  const expired = handoff({ id: 2, status: 'expired' });
  const declined = handoff({ id: 3, status: 'declined' });
  const deal = handoff({ id: 4, status: 'accepted' });
  const reports = new Map([[deal.id, outcomeReport({ id: 9, handoffId: deal.id, outcome: 'meeting_held' })]]);
  const lists = {
    sent: [open, expired, declined, deal],
    owned: [open, expired, declined],
    deals: [deal],
    reports,
  };

  it.each([
    [
      'U0AUTHOR',
      'reported by you, waiting for <@U0AE> to confirm it',
      '#4 *Northwind Logistics* (via Meridian Cloud Consulting) with <@U0AE>.',
    ],
    [
      'U0AE',
      'reported by <@U0AUTHOR>, waiting for you to confirm it',
      '#4 *Northwind Logistics* (via Meridian Cloud Consulting) with you.',
    ],
  ])('on the Home of %s', (reader, reportLine, dealLine) => {
    const view = home({ ...lists, awaiting: reader === 'U0AE' ? [open] : [], reader });
    expect(view).toContain(reportLine);
    expect(view).toContain(dealLine);
    expect(view).not.toContain(`<@${reader}>`);
  });

  it('an AE who sent a handoff to themselves reads it as theirs', () => {
    const own = handoff({ id: 5, status: 'sent', authorUserId: 'U0AE', ownerUserId: 'U0AE' });
    const view = home({ awaiting: [own], sent: [own], owned: [own], reader: 'U0AE' });
    expect(view).toContain('from you: answer by');
    expect(view).toContain('with you, answer due');
    expect(view).not.toContain('<@U0AE>');
  });
});

describe('the policy editor’s level lines', () => {
  it('render as mrkdwn with no bold inside bold, and escape a pool’s name', () => {
    const view = policyEditorModal({
      id: 'emea',
      name: 'EMEA',
      levels: [{ at: 'due+4h', action: 'reassign', to: ['pool:backup'] }],
      pools: [{ id: 'backup', name: 'EMEA <backup>' }],
      partners: [],
      routedPartners: [],
      routedPools: [],
      openCount: 0,
    });
    const lines = view.blocks.flatMap((b) => {
      const text = (b as { text?: { type: string; text: string } }).text;
      return b.type === 'section' && text?.type === 'mrkdwn' ? [text.text] : [];
    });
    expect(lines).toContain(
      '*Level 1:* 4 business hours after the due time: reassign to the next AE of the *EMEA &lt;backup&gt;* pool',
    );
  });
});
