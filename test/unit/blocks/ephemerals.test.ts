import { describe, expect, it } from 'vitest';
import {
  type OutcomeRefusalView,
  type OwnerRefusalView,
  outcomeRefusalMessage,
  outcomeRefusalPlain,
  ownerRefusalMessage,
  ownerRefusalPlain,
  type Refusal,
  refusalMessage,
  refusalPlain,
} from '../../../src/blocks/ephemerals.js';
import { handoff, worstHandoff } from './fixtures.js';

const refusals = (h = handoff({ status: 'accepted' })): Refusal[] => [
  { kind: 'not_found' },
  { kind: 'external' },
  { kind: 'not_ae', handoff: h },
  { kind: 'closed', handoff: h },
];

describe('refusals', () => {
  it.each(refusals())('says nothing was changed ($kind)', (refusal) => {
    expect(refusalMessage(refusal)).toMatch(/nothing/i);
  });

  it('names the AE who may decide, and the state a closed handoff is in', () => {
    expect(refusalMessage({ kind: 'not_ae', handoff: handoff() })).toContain('<@U0AE>');
    const message = refusalMessage({ kind: 'closed', handoff: handoff({ id: 9, status: 'declined' }) });
    expect(message).toContain('Handoff #9 *Northwind Logistics* is already declined');
  });

  it('escapes and shortens a hostile account name', () => {
    const h = worstHandoff('<!channel>', { status: 'accepted' });
    const message = refusalMessage({ kind: 'closed', handoff: h });
    expect(message).not.toContain('<!channel>');
    expect(message).toContain('&lt;!channel&gt;');
    expect(message.length).toBeLessThan(400);
  });

  it('gives plain, mention-free text for inline modal errors', () => {
    for (const refusal of refusals(worstHandoff('&', { status: 'accepted' }))) {
      const text = refusalPlain(refusal);
      expect(text).not.toMatch(/<@|&amp;/);
      expect(text.length).toBeLessThanOrEqual(2000);
    }
  });
});

const ownerRefusals = (h = handoff({ status: 'accepted' })): OwnerRefusalView[] => [
  { kind: 'not_found' },
  { kind: 'external' },
  { kind: 'not_owner', handoff: h },
  { kind: 'not_now', handoff: h, action: 'reassign' },
  { kind: 'not_now', handoff: h, action: 'extend' },
  { kind: 'not_now', handoff: h, action: 'withdraw' },
  { kind: 'changed', handoff: h },
];

const outcomeRefusals = (h = handoff({ status: 'accepted', outcome: 'won' })): OutcomeRefusalView[] => [
  { kind: 'not_found' },
  { kind: 'external' },
  { kind: 'not_allowed', handoff: h },
  { kind: 'not_now', handoff: h },
];

describe('owner and outcome refusals', () => {
  const hostile = handoff({ status: 'accepted', outcome: 'won', accountName: 'R&D <!channel> <@U123>' });

  it('escapes a hostile account name in the mrkdwn ephemerals', () => {
    for (const message of [
      ...ownerRefusals(hostile).map(ownerRefusalMessage),
      ...outcomeRefusals(hostile).map(outcomeRefusalMessage),
    ]) {
      expect(message).not.toMatch(/<!channel>|<@U123>|R&D/);
    }
    expect(ownerRefusalMessage({ kind: 'not_now', handoff: hostile, action: 'extend' })).toContain(
      '*R&amp;D &lt;!channel&gt; &lt;@U123&gt;* is accepted, so it can no longer be extended.',
    );
    expect(outcomeRefusalMessage({ kind: 'not_now', handoff: hostile })).toContain(
      '*R&amp;D &lt;!channel&gt; &lt;@U123&gt;* is accepted (won), so that step cannot be recorded now.',
    );
  });

  it('writes the account name as typed in the plain-text inline errors, never escaped twice', () => {
    expect(ownerRefusalPlain({ kind: 'not_now', handoff: hostile, action: 'reassign' })).toBe(
      'Handoff #42 R&D <!channel> <@U123> is accepted, so it can no longer be reassigned. Nothing was changed.',
    );
    expect(outcomeRefusalPlain({ kind: 'not_now', handoff: hostile })).toBe(
      'Handoff #42 R&D <!channel> <@U123> is accepted (won), so that step cannot be recorded now. Nothing was changed.',
    );
    for (const text of [
      ...ownerRefusals(worstHandoff('&<>', { status: 'accepted' })).map(ownerRefusalPlain),
      ...outcomeRefusals(worstHandoff('&<>', { status: 'accepted' })).map(outcomeRefusalPlain),
    ]) {
      expect(text).not.toMatch(/&amp;|&lt;|&gt;|<@U0|\*/);
      expect(text.length).toBeLessThanOrEqual(2000);
    }
  });

  it('keeps the plain text equal to the mrkdwn one without bold and mentions, for an ordinary name', () => {
    const h = handoff({ status: 'accepted', outcome: 'won' });
    for (const refusal of ownerRefusals(h).filter((r) => r.kind !== 'not_owner')) {
      expect(ownerRefusalPlain(refusal)).toBe(ownerRefusalMessage(refusal).replace(/\*/g, ''));
    }
    for (const refusal of outcomeRefusals(h)) {
      expect(outcomeRefusalPlain(refusal)).toBe(
        outcomeRefusalMessage(refusal)
          .replace(/ \(<@[A-Z0-9]+>\)/g, '')
          .replace(/\*/g, ''),
      );
    }
  });
});
