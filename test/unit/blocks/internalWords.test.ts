import { describe, expect, it } from 'vitest';
import { editRefusal, noteRefusal } from '../../../src/blocks/commandReplies.js';
import { heldBackNotice } from '../../../src/blocks/heldBackNotice.js';
import { historyLine } from '../../../src/blocks/history.js';
import {
  gaveItText,
  movedToYouBlock,
  moveWhyLine,
  plannedMoveText,
  unassignedMessage,
} from '../../../src/blocks/moveNotices.js';
import { outcomeReportMessage } from '../../../src/blocks/outcomeReports.js';
import { editRefusedText } from '../../../src/blocks/packetReplies.js';
import {
  HANDOFF_EVENT_TYPES,
  type HandoffEventRow,
  type HandoffRow,
  type OutcomeReportRow,
} from '../../../src/db/schema.js';
import { HANDOFF_STATUSES } from '../../../src/domain/lifecycle.js';
import type { MoveFacts, PlannedMove, PoolRef } from '../../../src/domain/moves.js';
import { handoff, handoffEvent, outcomeReport } from './fixtures.js';

/**
 * Over the message builders of src/blocks that say where a handoff stands or what happened to it:
 * people read a status and a touch-log event in words, never by their ids ("it is sent", "escalated",
 * "outcome_reported"), and an escalation policy and a pool by their names, never their ids.
 */

/** A status or event said by its id: a word people would not write ("is expired" alone reads as a status id). */
const INTERNAL =
  /\bis sent\b|\bis expired\b(?! without)|\bescalated\b|\b[a-z]+_[a-z_]+\b|\bstrategic-emea\b|\baccount-executives\b|\bmoot\b/;

/** What a person reads of a message: its texts, without Slack's tokens (dates, mentions, channels). */
function words(value: unknown): string {
  const texts: string[] = [];
  const walk = (v: unknown, key?: string) => {
    if (typeof v === 'string') {
      if (key === undefined || key === 'text') texts.push(v);
    } else if (Array.isArray(v)) for (const item of v) walk(item, key === 'text' ? undefined : key);
    else if (v && typeof v === 'object')
      for (const [k, item] of Object.entries(v))
        walk(item, k === 'elements' || k === 'blocks' || k === 'fields' ? undefined : k);
  };
  walk(value);
  return texts
    .join('\n')
    .replace(/<[!@#][^>]*>/g, '')
    .replace(/:[a-z0-9_+-]+:/g, '');
}

const report = (over: Partial<OutcomeReportRow> = {}) => outcomeReport(over);

const event = (type: HandoffEventRow['type'], detail: Record<string, unknown>): HandoffEventRow =>
  handoffEvent({
    handoffId: 7,
    type,
    toStatus: 'sent',
    actorUserId: 'U0OWNER',
    actorTeamId: 'T0OURS',
    detail,
  });

describe('the messages say a status and an event in words', () => {
  for (const status of HANDOFF_STATUSES) {
    it(`a handoff ${status}: the refusals and the notices that say where it stands`, () => {
      const h: HandoffRow = handoff({ id: 7, status, outcome: null, aeUserId: 'U0AE' });
      const refused = { kind: 'refused' as const, verdict: 'not_now' as const, handoff: h };
      const said = [
        editRefusal(refused, 7),
        editRefusedText(refused),
        noteRefusal(refused, 7),
        // A report no longer to confirm, and a held-back next move the deal moved past, say where it stands.
        outcomeReportMessage(h, report(), 'U0AE'),
        heldBackNotice(
          h,
          {
            ask: {
              reason: 'date_passed',
              former: '',
              move: 'Dana books the demo',
              date: '2026-11-20',
              version: 'v1',
            },
            outcome: 'moved_on',
            heldNow: false,
            by: 'U0AUTHOR',
          },
          'U0AUTHOR',
        ),
      ];
      for (const message of said) expect(words(message).match(INTERNAL)?.[0]).toBeUndefined();
    });
  }

  it('the history: every type of the touch log, with the details it records', () => {
    const details: Record<string, unknown> = {
      policy: 'strategic-emea',
      policyName: 'EMEA strategic',
      policyLevel: 2,
      to: ['C0INTERNAL'],
      outcome: 'won',
      previousAeUserId: 'U0OLD',
      reasonCode: 'timing',
      fields: ['Joint value'],
    };
    for (const type of HANDOFF_EVENT_TYPES) {
      const line = historyLine(event(type, details));
      expect(words(line), type).not.toMatch(INTERNAL);
      expect(line, type).not.toContain(type.includes('_') ? type : '\u0000');
    }
    // An older record without the policy's name: its id made readable.
    expect(historyLine(event('escalated', { policy: 'strategic-emea', policyLevel: 2 }))).toContain(
      'The *Strategic emea* escalation policy (step 2)',
    );
  });
});

describe('a pool is named as people read it, never by its id', () => {
  const h: HandoffRow = handoff({ id: 7, status: 'expired', aeUserId: 'U0AE' });
  const rule = { policy: 'strategic-emea', policyName: 'EMEA strategic', level: 3 };
  // As recorded now (the file's name), and as an older record has it (the id alone).
  const pools: Record<string, PoolRef> = {
    named: { pool: 'account-executives', poolName: 'Inside sales' },
    older: { pool: 'account-executives' },
  };
  for (const [recorded, pool] of Object.entries(pools)) {
    it(`the move notices, the failed move and the planned move (${recorded} record)`, () => {
      const move: MoveFacts = {
        from: 'U0OLD',
        fromName: 'Olive Old',
        by: { kind: 'policy', ...rule },
        chosen: { kind: 'pool', ...pool },
        left: { kind: 'expired', due: Date.parse('2026-12-10T08:00:00Z') },
        partner: { kind: 'nothing' },
      };
      const plan: PlannedMove = {
        ...rule,
        when: Date.parse('2026-12-14T10:48:00Z'),
        now: false,
        to: { kind: 'pool', ...pool },
      };
      const said = [
        movedToYouBlock(h, move),
        moveWhyLine(h, move, 'U0OWNER'),
        gaveItText(move, 'U0AE', 'U0OWNER'),
        plannedMoveText(h, plan, false),
        plannedMoveText({ ...h, status: 'sent' }, plan, true),
        unassignedMessage(
          h,
          { ...rule, why: 'pool', ...pool, skipped: [{ user: 'U0X', why: 'away' }] },
          plan,
        ),
      ];
      const name = pool.poolName ?? 'Account executives';
      for (const message of said) {
        expect(words(message).match(INTERNAL)?.[0]).toBeUndefined();
        expect(words(message)).toContain(`*${name}* pool`);
      }
    });
  }
});
