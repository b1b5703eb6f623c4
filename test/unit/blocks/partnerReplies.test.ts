import { describe, expect, it } from 'vitest';
import { internalChannelShared } from '../../../src/blocks/partnerReplies.js';
import type { InternalChannelSource } from '../../../src/partners/internalChannels.js';
import { expectMessageWithinLimits, mrkdwnTexts } from './limits.js';

describe("the admins' warning of an internal channel shared with another organization", () => {
  const C = 'C0INTERNAL';
  const escalation: InternalChannelSource = {
    name: 'ESCALATION_CHANNEL_ID',
    channelId: C,
    kind: 'escalation',
  };
  const help: InternalChannelSource = { name: 'PARTNER_HELP_CHANNEL_ID', channelId: C, kind: 'partnerHelp' };
  const digest: InternalChannelSource = { name: 'DIGEST_CHANNEL_ID', channelId: C, kind: 'digest' };
  const policy: InternalChannelSource = {
    name: 'policies.meridian[1].to[1]',
    channelId: C,
    policy: 'meridian',
  };
  const shown = (sources: InternalChannelSource[]) =>
    mrkdwnTexts(internalChannelShared(C, sources)).join('\n');

  it('says what the app stopped posting there in words, as the removal warning does: no setting name or policy place', () => {
    const all = shown([escalation, help, digest, policy]);
    expect(all).toContain(
      '<#C0INTERNAL> was shared with another organization, so I stopped posting escalations (from the settings and the Meridian policy), partner-help requests and the weekly digest there at once.',
    );
    for (const name of [
      'ESCALATION_CHANNEL_ID',
      'PARTNER_HELP_CHANNEL_ID',
      'DIGEST_CHANNEL_ID',
      'policies.meridian',
    ]) {
      expect(all).not.toContain(name);
    }
    expect(shown([help])).toContain('so I stopped posting partner-help requests there at once.');
    expect(shown([policy])).toContain(
      'so I stopped posting escalations of the Meridian policy there at once.',
    );
    expectMessageWithinLimits(internalChannelShared(C, [escalation, help, digest, policy]));
  });
});
