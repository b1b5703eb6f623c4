import { describe, expect, it } from 'vitest';
import { standing } from '../../../src/blocks/handoffList.js';
import { plannedMoveText } from '../../../src/blocks/moveNotices.js';
import { aeDeadline, dateInZone } from '../../../src/blocks/mrkdwn.js';
import { ownerAssigned, sentConfirmation } from '../../../src/blocks/notices.js';
import { nowLine } from '../../../src/blocks/surfaces.js';
import { reassignedOwnerNotice } from '../../../src/blocks/windowNotices.js';
import { handoff } from './fixtures.js';
import { homeView } from './unitdomain-views.js';

/**
 * Slack shows a date token in its reader's own time, so the owner and the author read the AE's
 * deadline in theirs with no hint of the AE's. Wherever someone else reads it, the AE's own clock time is said too.
 */
describe("the AE's deadline, for someone else", () => {
  // 16:00 UTC on a December Tuesday: 17:00 in Berlin, named CET, not "CET".
  const h = handoff({
    id: 9,
    status: 'sent',
    dueAt: new Date('2026-12-08T16:00:00Z'),
    aeTimeZone: 'Europe/Berlin',
  });
  const theirs = '(17:00 CET for the AE)';

  it('names a zone as people read it: its abbreviation, else its city', () => {
    const at = new Date('2026-12-08T16:00:00Z');
    expect(dateInZone(at, 'Europe/Berlin')).toBe('Tue 8 Dec, 17:00 CET');
    expect(dateInZone(at, 'America/New_York')).toBe('Tue 8 Dec, 11:00 EST');
    expect(dateInZone(at, 'Asia/Kolkata')).toBe('Tue 8 Dec, 21:30 IST');
    expect(dateInZone(at, 'Asia/Tokyo')).toBe('Wed 9 Dec, 01:00 Tokyo time');
    expect(dateInZone(at, 'America/Sao_Paulo')).toBe('Tue 8 Dec, 13:00 Sao Paulo time');
    expect(dateInZone(at, 'UTC')).toBe('Tue 8 Dec, 16:00 UTC');
    expect(aeDeadline(at, 'Asia/Tokyo')).toContain(
      '|Wed 9 Dec 2026, 01:00 Tokyo time> (01:00 Tokyo time for the AE)',
    );
  });

  it("says the AE's own time beside the token in the author's and the owner's notices", () => {
    expect(JSON.stringify(sentConfirmation(h).blocks)).toContain(
      `at {time}|Tue 8 Dec 2026, 17:00 CET> ${theirs}* to accept or decline`,
    );
    expect(JSON.stringify(ownerAssigned(h).blocks)).toContain(theirs);
  });

  it('in the list and on the App Home of whoever sent or owns it', () => {
    expect(standing(h)).toContain(theirs);
    const home = JSON.stringify(homeView({ sent: [h], owned: [h] }));
    expect(home.split(theirs)).toHaveLength(3);
  });

  it('in the Now: line of an older message, the move notice and the planned move the owner reads', () => {
    expect(nowLine(h, undefined, 'U0OWNER')).toContain(`*Now:* with <@${h.aeUserId}>, answer due *<!date^`);
    expect(nowLine(h, undefined, 'U0OWNER')).toContain(`${theirs}*.`);
    expect(JSON.stringify(reassignedOwnerNotice(h, 'U0OLD').blocks)).toContain(`${theirs}* to answer.`);
    // 4 business hours after the due time: 11:48 in Berlin.
    const plan = {
      policy: 'meridian',
      policyName: 'Meridian',
      level: 3,
      at: { kind: 'due' as const, afterBusinessHours: 4 },
      when: Date.parse('2026-12-14T10:48:00Z'),
      now: false,
      to: { kind: 'pool' as const, pool: 'backup' },
    };
    const expired = { ...h, status: 'expired' as const };
    expect(plannedMoveText(expired, plan, false)).toContain('4 business hours after the due time: *<!date^');
    expect(plannedMoveText(expired, plan, false)).toContain('(11:48 CET for the AE)*.');
    expect(plannedMoveText(h, plan, true)).toContain('(11:48 CET for the AE)* (4 business hours');
    // A level written in days is said in days, as the policy says it: one unit per interval.
    const inDays = { ...plan, at: { kind: 'due' as const, afterBusinessHours: 9, afterBusinessDays: 1 } };
    expect(plannedMoveText(expired, inDays, false)).toContain('1 business day after the due time: *<!date^');
    expect(plannedMoveText(expired, inDays, false)).not.toContain('business hours');
  });

  it('the AE reads their own deadline in their Now: line, without the hint', () => {
    expect(nowLine(h, undefined, h.aeUserId)).not.toContain('for the AE');
  });
});

/** The hint only where it tells the reader something: a reader whose clock says the same time is told it once. */
describe("the AE's time beside a reader's known zone", () => {
  const at = new Date('2026-12-04T14:31:00Z');
  it('a reader in the same zone, or one whose clock and zone name read the same: no hint', () => {
    expect(aeDeadline(at, 'America/New_York', 'America/New_York')).not.toContain('for the AE');
    expect(aeDeadline(at, 'America/New_York', 'America/Toronto')).not.toContain('for the AE');
  });
  it("another wall time or another zone: the AE's time is said", () => {
    expect(aeDeadline(at, 'America/New_York', 'Europe/Berlin')).toContain('(09:31 EST for the AE)');
    // Same clock time, another zone (Bogotá has no daylight saving): said, the zones differ.
    expect(aeDeadline(at, 'America/New_York', 'America/Bogota')).toContain('(09:31 EST for the AE)');
    // Not known: said, as before.
    expect(aeDeadline(at, 'America/New_York')).toContain('(09:31 EST for the AE)');
  });
});

describe('where a deal given back stands (the sandbox walk)', () => {
  it('names its owner and the AE who had it, with no brackets inside the brackets it is quoted in', () => {
    const back = handoff({ status: 'taken_back', ownerUserId: 'U0OWNER', aeUserId: 'U0AE' });
    expect(standing(back)).toBe(
      'back with its owner <@U0OWNER>, after <@U0AE> had accepted it; waiting for them to reassign or withdraw it',
    );
    expect(standing(back)).not.toMatch(/[()]/);
  });
});
