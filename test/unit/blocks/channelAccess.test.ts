import { describe, expect, it } from 'vitest';
import { appBackInChannel, partnerUpdateReleased } from '../../../src/blocks/channelAccess.js';
import type { SlackMessage } from '../../../src/blocks/message.js';
import { handoff, WORST_PATTERNS, worstHandoff } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits, mrkdwnTexts } from './limits.js';

const AT = new Date('2026-03-04T15:30:00Z');
/** The blocks' text, without the notification text. */
const shown = (m: SlackMessage) => mrkdwnTexts(m).slice(1).join('\n');

describe('the warnings of a channel the app was not in, once it is back', () => {
  it("an owner's: back since when (a date Slack shows in the reader's zone), the update posted, nothing to do", () => {
    const text = shown(partnerUpdateReleased(handoff(), 'C0PARTNER', AT, 'Europe/London', true));
    expect(text).toBe(
      `:white_check_mark: I am back in <#C0PARTNER> since <!date^${AT.getTime() / 1000}^{date_short_pretty} at {time}|Wed 4 Mar 2026, 15:30 GMT>: the partner-safe update for handoff #42 *Northwind Logistics* (via Meridian Cloud Consulting) that waited there was posted.`,
    );
    // Nothing of the handoff waited there any more (its update went elsewhere): it does not claim a post.
    expect(shown(partnerUpdateReleased(handoff(), 'C0PARTNER', AT, 'Europe/London', false))).toContain(
      '. Nothing for handoff #42 *Northwind Logistics* (via Meridian Cloud Consulting) waits there now.',
    );
  });

  it("an admin's: what waited there went out, or nothing had to wait", () => {
    const two = shown(appBackInChannel('C0INTERNAL', AT, 'UTC', 2));
    expect(
      two.startsWith(`:white_check_mark: I am back in <#C0INTERNAL> since <!date^${AT.getTime() / 1000}^`),
    ).toBe(true);
    expect(two.endsWith('>: 2 posts that waited there went out.')).toBe(true);
    expect(shown(appBackInChannel('C0INTERNAL', AT, 'UTC', 1))).toContain(
      '>: 1 post that waited there went out.',
    );
    expect(shown(appBackInChannel('C0INTERNAL', AT, 'UTC', 0))).toContain('>. Nothing had to wait there.');
  });

  it.each(WORST_PATTERNS)('stay within limits, with every field %j at its maximum', (pattern) => {
    const h = worstHandoff(pattern);
    expectMessageWithinLimits(partnerUpdateReleased(h, 'C0PARTNER', AT, 'UTC', true));
    expectMentionsNeutralised(
      partnerUpdateReleased(worstHandoff('<!channel>'), 'C0PARTNER', AT, 'UTC', true),
    );
  });
});
