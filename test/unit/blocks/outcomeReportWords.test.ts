import { describe, expect, it } from 'vitest';
import { outcomeReportMessage } from '../../../src/blocks/outcomeReports.js';
import type { OutcomeReportRow } from '../../../src/db/schema.js';
import { handoff, outcomeReport } from './fixtures.js';

/**
 * A report's message, in every state it can be in, to the AE and to the reporter: one pair of brackets, the title's
 * "(via …)", never followed by another ("(via Meridian Cloud Consulting) (reported by you)").
 */
const deal = handoff({ status: 'accepted' });
const report = (over: Partial<OutcomeReportRow>) =>
  outcomeReport({ handoffId: deal.id, outcome: 'meeting_held', answeredByUserId: 'U0AE', ...over });

describe('an outcome report, worded for each reader', () => {
  it.each([
    ['confirmed', 'U0AE', 'You confirmed *Meeting held*, reported by <@U0AUTHOR>, on handoff #42'],
    ['confirmed', 'U0AUTHOR', '<@U0AE> confirmed *Meeting held*, reported by you, on handoff #42'],
    ['declined', 'U0AE', 'You said *Meeting held*, reported by <@U0AUTHOR>, is not right on handoff #42'],
    ['declined', 'U0AUTHOR', '<@U0AE> said *Meeting held*, reported by you, is not right on handoff #42'],
    ['replaced', 'U0AUTHOR', 'reported by you, was replaced by a newer report'],
    ['pending', 'U0AUTHOR', 'reported by you: waiting for <@U0AE> to confirm it'],
  ] as const)('%s, to %s', (status, reader, words) => {
    const shown = JSON.stringify(outcomeReportMessage(deal, report({ status }), reader).blocks);
    expect(shown).toContain(words);
    expect(shown).not.toMatch(/\) \(/);
  });
});
