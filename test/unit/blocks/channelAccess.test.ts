import { describe, expect, it } from 'vitest';
import {
  appBackInChannel,
  appRemovedFromChannel,
  partnerUpdateReleased,
  whatIPostThere,
} from '../../../src/blocks/channelAccess.js';
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

describe("the admins' warning of an internal channel the app is not in", () => {
  const C = 'C0INTERNAL';
  const setting = (kind: 'escalation' | 'partnerHelp' | 'digest', name: string) => ({
    name,
    channelId: C,
    kind,
  });
  const policy = (name: string, place: string) => ({ name: place, channelId: C, policy: name });
  const escalation = setting('escalation', 'ESCALATION_CHANNEL_ID');
  const help = setting('partnerHelp', 'PARTNER_HELP_CHANNEL_ID');
  const digest = setting('digest', 'DIGEST_CHANNEL_ID');

  it('lists what the app posts there in words, escalations once, saying where they come from', () => {
    expect(whatIPostThere([escalation])).toBe('escalations');
    expect(whatIPostThere([help, digest])).toBe('partner-help requests and the weekly digest');
    expect(whatIPostThere([policy('meridian', 'policies.meridian[1].to[1]')])).toBe(
      'escalations of the Meridian policy',
    );
    expect(whatIPostThere([escalation, help, digest, policy('meridian', 'policies.meridian[1].to[1]')])).toBe(
      'escalations (from the settings and the Meridian policy), partner-help requests and the weekly digest',
    );
    expect(
      whatIPostThere([
        policy('meridian', 'policies.meridian[1].to[1]'),
        policy('meridian', 'policies.meridian[2].to[0]'),
        policy('tailspin', 'policies.tailspin[0].to[0]'),
        policy('<!channel>', 'policies.<!channel>[0].to[0]'),
      ]),
    ).toBe('escalations of the Meridian, Tailspin and &lt;!channel&gt; policies');
    // A policy's name as the file gives it, never its id.
    expect(
      whatIPostThere([
        {
          ...policy('strategic-emea', 'policies.strategic-emea.levels[0].to[0]'),
          policyName: 'EMEA strategic',
        },
      ]),
    ).toBe('escalations of the EMEA strategic policy');
    expect(whatIPostThere([policy('strategic-emea', 'policies.strategic-emea[0].to[0]')])).toBe(
      'escalations of the Strategic emea policy',
    );
  });

  it('says who removed it when Slack named them, what Slack said otherwise, and how many posts wait', () => {
    expect(shown(appRemovedFromChannel(C, [escalation, help], { how: 'event', by: 'U0MEMBER' }, 0))).toBe(
      ':warning: <@U0MEMBER> removed me from <#C0INTERNAL>, where I post escalations and partner-help requests.\nWhat would go there is kept, and goes out as soon as someone types `/invite @Handoff` in that channel.',
    );
    expect(shown(appRemovedFromChannel(C, [digest], { how: 'event' }, 3))).toBe(
      ':warning: I was removed from <#C0INTERNAL>, where I post the weekly digest.\n3 posts wait there now. They go out as soon as someone types `/invite @Handoff` in that channel.',
    );
    expect(shown(appRemovedFromChannel(C, [escalation], { how: 'refused' }, 1))).toBe(
      ':warning: I am no longer in <#C0INTERNAL> (Slack refused my post there), where I post escalations.\n1 post waits there now. It goes out as soon as someone types `/invite @Handoff` in that channel.',
    );
    // No setting name, no place in the policy file.
    const all = shown(
      appRemovedFromChannel(
        C,
        [escalation, help, digest, policy('meridian', 'policies.meridian[1].to[1]')],
        { how: 'event' },
        2,
      ),
    );
    expect(all).not.toMatch(/_ID|policies\.|\(ESCALATION/);
  });
});
