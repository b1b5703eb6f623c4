import { describe, expect, it } from 'vitest';
import { aeDeadline } from '../../../src/blocks/mrkdwn.js';
import { SAVED, savedLateNote } from '../../../src/blocks/savedNotes.js';
import type { HelpRequestRow, OutcomeReportRow, OutcomeRow, QuestionRow } from '../../../src/db/schema.js';
import { handoff } from './fixtures.js';

/**
 * What each listener that saves before its answer says it saved: words for what its result saved,
 * and nothing for a result that saved nothing (a refusal, an invalid entry, a repeat), so no note is ever sent then.
 */

const h = handoff({ id: 12, accountName: 'Northwind <!channel> & Co', aeUserId: 'U0AE' });
const named = 'Handoff #12 · Northwind &lt;!channel&gt; &amp; Co';
const step = { id: 3, handoffId: 12, outcome: 'won', recordedByUserId: 'U0AE' } as OutcomeRow;
const report = {
  id: 4,
  handoffId: 12,
  outcome: 'meeting_held',
  reportedByUserId: 'U0AUTHOR',
} as OutcomeReportRow;
const helpRequest = { id: 5, accountName: 'Tailspin <@U0X>' } as HelpRequestRow;
const question = { id: 6, handoffId: 12, askedByUserId: 'U0AE', text: 'Who signs?' } as QuestionRow;

/** A result of kind `kind` about h, with `more`. */
const on = (kind: string, more: object = {}) => ({ kind, handoff: h, ...more });
const [NOT_FOUND, EXTERNAL] = [{ kind: 'not_found' }, { kind: 'external' }];
const invalid = (field: string) => ({ kind: 'invalid', field, message: 'x' });
const DEADLINE = aeDeadline(h.dueAt, h.aeTimeZone);

/** Each entry of SAVED with a result that saved, what it says, and results of the same listener that saved nothing. */
const cases: [keyof typeof SAVED, unknown, string, unknown[]][] = [
  ['accept', on('recorded'), `you accepted ${named}`, [on('not_ae'), on('closed'), on('edited'), NOT_FOUND]],
  ['decline', on('recorded'), `you declined ${named}`, [EXTERNAL]],
  ['withdraw', on('done'), `you withdrew ${named}`, [on('not_owner'), invalid('days')]],
  ['reassign', on('done'), `you reassigned ${named} to <@U0AE>`, [on('changed')]],
  [
    'outcome',
    on('recorded', { step, undoUntil: null }),
    `you recorded *Closed won* on ${named}`,
    [invalid('reason'), NOT_FOUND],
  ],
  [
    'outcome',
    on('reported', { report }),
    `you reported *Meeting held* on ${named}; <@U0AE> confirms it before the partner hears it`,
    [],
  ],
  [
    'reportConfirm',
    on('recorded', { step, undoUntil: null }),
    `you confirmed *Closed won* on ${named}`,
    [on('answered', { report }), on('declined', { report })],
  ],
  [
    'reportDecline',
    on('declined', { report }),
    `you answered Not right to <@U0AUTHOR>'s report of *Meeting held* on ${named}: nothing is recorded, and they are told`,
    [on('answered', { report }), on('not_allowed')],
  ],
  [
    'outcomeUndo',
    on('undone', { step }),
    `you undid *Closed won* on ${named}`,
    [on('gone'), on('too_late', { step })],
  ],
  [
    'send',
    on('sent', { duplicate: false }),
    `you sent ${named} to <@U0AE>`,
    [
      on('sent', { duplicate: true }),
      on('edited', { fields: [] }),
      { kind: 'override_required', message: 'x' },
      { kind: 'edit_refused', message: 'x' },
    ],
  ],
  [
    'send',
    on('edited', { fields: ['Ask', 'Why <now>'] }),
    `your changes to ${named} (Ask, Why &lt;now&gt;)`,
    [],
  ],
  ['note', on('noted'), `your note on ${named} went to the AE`, [NOT_FOUND]],
  [
    'addToHandoff',
    on('added', { eventId: 9 }),
    `the message, added to the history of ${named}`,
    [on('already'), { kind: 'refused', refusal: 'not_allowed', handoffId: 12 }],
  ],
  [
    'helpRequest',
    { kind: 'sent', request: helpRequest, duplicate: false },
    'your partner-help request about *Tailspin &lt;@U0X&gt;* went to partner marketing',
    [
      { kind: 'sent', request: helpRequest, duplicate: true },
      { kind: 'invalid', errors: {} },
      { kind: 'not_configured' },
    ],
  ],
  ['nextMove', on('done'), `the partner next move of ${named}, as you wrote it`, [on('stale')]],
  [
    'question',
    on('asked', { question }),
    `your question on ${named} went to <@U0AUTHOR>`,
    [on('not_now', { action: 'ask_question' }), { kind: 'invalid', message: 'x' }],
  ],
  [
    'answer',
    on('answered', { question }),
    `your answer on ${named} went to <@U0AE>`,
    [on('not_allowed', { action: 'answer_question' })],
  ],
  [
    'moreTime',
    on('more_time', { granted: false }),
    `you asked <@U0AUTHOR> for more time on ${named}`,
    [on('not_now', { action: 'ask_more_time' }), EXTERNAL],
  ],
  ['moreTime', on('more_time', { granted: true }), `you have more time on ${named}: until ${DEADLINE}`, []],
  [
    'grantMoreTime',
    on('done'),
    `you gave <@U0AE> more time on ${named}: until ${DEADLINE}`,
    [on('not_now', { action: 'grant_more_time' })],
  ],
];

describe('SAVED: what a listener saved before its answer, in words', () => {
  it.each(cases)('%s: says what was saved, and nothing when nothing was', (name, saved, words, nothing) => {
    const say = SAVED[name] as (result: unknown) => string | undefined;
    expect(say(saved)).toBe(words);
    for (const result of nothing) expect(say(result), JSON.stringify(result)).toBeUndefined();
  });

  it("extend names the new deadline as the owner's notices do (the reader's time, and the AE's)", () => {
    const dueAt = new Date('2026-12-01T16:00:00Z');
    expect(SAVED.extend({ kind: 'done', handoff: { ...h, dueAt } })).toBe(
      `you extended ${named}: <@U0AE> now has until ${aeDeadline(dueAt, h.aeTimeZone)}`,
    );
  });

  it('every listener of the table is covered here', () => {
    expect(new Set(cases.map(([name]) => name))).toEqual(
      new Set(Object.keys(SAVED).filter((n) => n !== 'extend')),
    );
  });

  it('the note says it was saved, why Slack may have shown an error, and that nothing more is needed', () => {
    expect(savedLateNote(`you accepted ${named}`)).toBe(
      `:white_check_mark: Saved: you accepted ${named}. Slack may have shown you an error because the app answered late; it went through, nothing more to do.`,
    );
  });
});
