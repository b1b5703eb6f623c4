import { describe, expect, it } from 'vitest';
import { historyLine } from '../../../src/blocks/history.js';
import { handoffEvent } from './fixtures.js';

const event = handoffEvent;

/** `/handoff view`'s history says what Slack, the metrics and the CSV say. */
describe('historyLine', () => {
  it('tells an expiry while the AE was away from their silence', () => {
    expect(historyLine(event({ detail: { away: ':palm_tree: Vacation' } }))).toContain(
      'Expired while <@U0AE> was away (not counted as silence)',
    );
    expect(historyLine(event({}))).toContain('Expired: no answer from <@U0AE>');
  });

  it('says an escalation in words, never its id "escalated"', () => {
    const escalated = (detail: Record<string, unknown>) =>
      historyLine(event({ type: 'escalated', fromStatus: 'sent', toStatus: 'sent', detail }));
    expect(escalated({ policy: 'meridian', policyLevel: 2, to: ['C0INTERNAL', 'U0MANAGER'] })).toContain(
      'The *Meridian* escalation policy (step 2): <#C0INTERNAL>, <@U0MANAGER> told',
    );
    expect(escalated({ away: ':palm_tree: Vacation' })).toContain('<@U0AE> was away: the owner was told');
    expect(escalated({ policy: 'meridian', policyLevel: 3 })).toContain(
      'The *Meridian* escalation policy (step 3): the owner was told',
    );
    expect(escalated({ policyLevel: 3 })).toContain('Escalation policy (step 3): the owner was told');
    // The policy by the name the file gives it, recorded with the step; never its id.
    expect(
      escalated({
        policy: 'strategic-emea',
        policyName: 'EMEA strategic',
        policyLevel: 2,
        to: ['C0INTERNAL'],
      }),
    ).toContain('The *EMEA strategic* escalation policy (step 2): <#C0INTERNAL> told');
    for (const detail of [
      {},
      { policy: 'meridian' },
      { policy: 'strategic-emea', policyName: 'EMEA strategic' },
    ])
      expect(escalated(detail)).not.toMatch(/escalated|meridian|strategic-emea/);
  });

  it('names the policy that reassigned a handoff, by its name, and the person who did otherwise', () => {
    const reassigned = (actorUserId: string | null, detail: Record<string, unknown>) =>
      historyLine(
        event({
          type: 'reassigned',
          fromStatus: 'expired',
          toStatus: 'sent',
          aeUserId: 'U0SAM',
          actorUserId,
          detail,
        }),
      );
    expect(
      reassigned(null, { previousAeUserId: 'U0AE', policy: 'strategic-emea', policyName: 'EMEA strategic' }),
    ).toContain('Reassigned from <@U0AE> to <@U0SAM> by the *EMEA strategic* escalation policy');
    expect(reassigned(null, { previousAeUserId: 'U0AE', policy: 'strategic-emea' })).toContain(
      'by the *Strategic emea* escalation policy',
    );
    expect(reassigned('U0OWNER', { previousAeUserId: 'U0AE' })).toContain(
      'Reassigned from <@U0AE> to <@U0SAM> by <@U0OWNER>',
    );
  });
});
