import { describe, expect, it } from 'vitest';
import { appHomeView, HOME_LIMITS } from '../../../src/blocks/appHome.js';
import { handoff } from './fixtures.js';
import { EVERY_BUTTON } from './offers.js';

/** The App Home's "What you sent" as each reader meets it (issue 50 item 20). */
const home = (lists: Partial<Parameters<typeof appHomeView>[0]>) =>
  JSON.stringify(
    appHomeView({ awaiting: [], deals: [], sent: [], owned: [], offer: () => EVERY_BUTTON, ...lists }),
  );

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

  it('says where the handoffs a cut list leaves out are, won deals included', () => {
    const sent = Array.from({ length: HOME_LIMITS.sent + 1 }, (_, i) =>
      handoff({ id: 20 - i, status: 'accepted' }),
    );
    expect(home({ sent })).toContain(
      `Showing your ${HOME_LIMITS.sent} most recent handoffs. The older ones, won and lost deals included, are in \`/handoff list all\`.`,
    );
  });
});
