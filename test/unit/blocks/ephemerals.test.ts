import { describe, expect, it } from 'vitest';
import { type Refusal, refusalMessage, refusalPlain } from '../../../src/blocks/ephemerals.js';
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

  it('names the AE who may decide', () => {
    expect(refusalMessage({ kind: 'not_ae', handoff: handoff() })).toContain('<@U0AE>');
  });

  it('says what state a closed handoff is in', () => {
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
