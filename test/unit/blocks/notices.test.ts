import { describe, expect, it } from 'vitest';
import { decisionNotice, ownerAssigned, sentConfirmation } from '../../../src/blocks/notices.js';
import { DECLINE_REASONS } from '../../../src/domain/decline.js';
import { decision, handoff, WORST_PATTERNS, worstHandoff, worstNote } from './fixtures.js';
import { expectMentionsNeutralised, expectMessageWithinLimits, mrkdwnTexts } from './limits.js';

const declined = (pattern = 'x') =>
  decision({ decision: 'declined', reasonCode: 'already_working', note: worstNote(pattern) });

describe('notices for the worst-case packet', () => {
  it.each(WORST_PATTERNS)('stay within limits and inert when every field is %j at its maximum', (pattern) => {
    const h = worstHandoff(pattern);
    const messages = [sentConfirmation(h), ownerAssigned(h), decisionNotice(h, decision())];
    for (const message of [...messages, decisionNotice(h, declined(pattern))])
      expectMessageWithinLimits(message);
    if (pattern !== '<!channel>') return;
    for (const message of [...messages, decisionNotice(handoff(), declined(pattern))])
      expectMentionsNeutralised(message);
  });
});

describe('sentConfirmation', () => {
  it('tells the author who has it, by when, and where decisions will be posted', () => {
    const text = mrkdwnTexts(sentConfirmation(handoff())).join('\n');
    expect(text).toContain('<@U0AE>');
    expect(text).toContain('<!date^1772704800^');
    expect(text).toContain('3 business days');
    expect(text).toContain('You own it');
    expect(text).toContain('<#C0PARTNER>');
  });

  it('names the other owner when the author chose one', () => {
    const text = mrkdwnTexts(sentConfirmation(handoff({ ownerUserId: 'U0OWNER' }))).join('\n');
    expect(text).toContain('<@U0OWNER> owns it');
  });
});

describe('decisionNotice', () => {
  it('shows the owner the reason label and the internal note of a decline', () => {
    const d = decision({ decision: 'declined', reasonCode: 'wrong_owner', note: 'Talk to the EMEA team' });
    const text = mrkdwnTexts(decisionNotice(handoff(), d)).join('\n');
    expect(text).toContain(DECLINE_REASONS.wrong_owner.label);
    expect(text).toContain('Talk to the EMEA team');
  });

  it('falls back to the "other" label when a decline has no code', () => {
    const d = decision({ decision: 'declined', reasonCode: null });
    expect(decisionNotice(handoff(), d).text).toContain(DECLINE_REASONS.other.label);
  });

  it('reports an acceptance by the AE', () => {
    const text = mrkdwnTexts(decisionNotice(handoff(), decision())).join('\n');
    expect(text).toContain('<@U0AE> *accepted* handoff #42');
  });
});

describe('decisionNotice and the partner post', () => {
  it('says whether the partner reads of the answer, the same whenever it is rendered', () => {
    const h = handoff({ partnerChannelId: 'C0PARTNER' });
    const line = (post: Parameters<typeof decisionNotice>[2]) =>
      JSON.stringify(decisionNotice(h, decision(), post));
    expect(line('told')).toContain('The partner reads a partner-safe update of it in <#C0PARTNER>.');
    // A second answer after a reassignment that changes nothing the partner knows posts nothing, and says so.
    expect(line('none')).toContain('Nothing is posted in <#C0PARTNER> about this answer');
    expect(line('none')).not.toContain('partner-safe update');
    // Held while the app is not in the channel: it says so, and what sends it.
    expect(line('waits')).toContain(
      "The partner's partner-safe update waits: I am not in <#C0PARTNER>. It goes out once someone invites me there.",
    );
    expect(line('waits')).not.toContain('The partner reads');
    // Held while the directory holds the channel (another organization in it, or no partner): it says so, and who ends it.
    expect(line('held')).toContain(
      "The partner's partner-safe update waits: <#C0PARTNER> is on hold until an admin confirms who is in it.",
    );
    expect(line('held')).not.toContain('The partner reads');
    expect(line('held')).not.toContain('invites me');
  });
});
