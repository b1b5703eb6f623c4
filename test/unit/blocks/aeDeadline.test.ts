import { describe, expect, it } from 'vitest';
import { appHomeView } from '../../../src/blocks/appHome.js';
import { standing } from '../../../src/blocks/handoffList.js';
import { ownerAssigned, sentConfirmation } from '../../../src/blocks/notices.js';
import { handoff } from './fixtures.js';
import { EVERY_BUTTON } from './offers.js';

/**
 * Issue 50 item 20: Slack shows a date token in its reader's own time, so the owner and the author read the AE's
 * deadline in theirs with no hint of the AE's. Wherever someone else reads it, the AE's own clock time is said too.
 */
describe("the AE's deadline, for someone else", () => {
  // 16:00 UTC on a December Tuesday: 17:00 in Berlin (GMT+1 as Intl names it in en-US).
  const h = handoff({
    id: 9,
    status: 'sent',
    dueAt: new Date('2026-12-08T16:00:00Z'),
    aeTimeZone: 'Europe/Berlin',
  });
  const theirs = '(17:00 GMT+1 for the AE)';

  it("says the AE's own time beside the token in the author's and the owner's notices", () => {
    expect(JSON.stringify(sentConfirmation(h).blocks)).toContain(
      `at {time}|Tue 8 Dec 2026, 17:00 GMT+1> ${theirs}* to accept or decline`,
    );
    expect(JSON.stringify(ownerAssigned(h).blocks)).toContain(theirs);
  });

  it('in the list and on the App Home of whoever sent or owns it', () => {
    expect(standing(h)).toContain(theirs);
    const home = JSON.stringify(
      appHomeView({ awaiting: [], deals: [], sent: [h], owned: [h], offer: () => EVERY_BUTTON }),
    );
    expect(home.split(theirs)).toHaveLength(3);
  });
});
