import type { KnownBlock } from '@slack/types';
import type { HandoffRow, OutcomeReportRow, OutcomeRow } from '../db/schema.js';
import { aeHasDeal, describeStatus } from '../domain/lifecycle.js';
import { canRecordOutcome, LOST_REASONS, OUTCOME_LABEL, type Outcome } from '../domain/outcomes.js';
import { ACTION_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, personFor, slackDate, userText } from './mrkdwn.js';
import { buttonLabel, context, handoffTitle, notifyText, pt, section } from './parts.js';

/**
 * What an owner's or author's report of an outcome says (outcomes/outcomeReport.ts): to the AE, with Confirm and Not
 * right while it waits; to the reporter, "waiting for the AE"; to both afterwards, what became of it. And the undo of
 * a recorded step: the recorder's Undo while the window is open, and a notice of a step undone.
 */

const label = (outcome: string) => OUTCOME_LABEL[outcome as Outcome] ?? outcome;
const who = personFor;

/** Where a report stands for its readers now. */
export type ReportState = 'waiting' | 'confirmed' | 'declined' | 'replaced' | 'moot';

export function reportState(h: HandoffRow, report: OutcomeReportRow): ReportState {
  if (report.status === 'pending')
    return aeHasDeal(h.status) && canRecordOutcome(h.outcome, report.outcome) ? 'waiting' : 'moot';
  return report.status;
}

/** What the reporter wrote beside the step (internal: both readers are the deal's people). */
function details(report: OutcomeReportRow): string[] {
  const lines: string[] = [];
  if (report.crmOpportunity) lines.push(`*CRM opportunity:* ${userText(report.crmOpportunity, 300)}`);
  if (report.outcome === 'lost' && report.reasonCode)
    lines.push(
      `*Reason:* ${LOST_REASONS[report.reasonCode as keyof typeof LOST_REASONS]?.label ?? userText(report.reasonCode, 50)}`,
    );
  if (report.note) lines.push(`*Note (internal):* ${userText(report.note, 1000)}`);
  return lines;
}

function answerButtons(report: OutcomeReportRow, h: HandoffRow): KnownBlock {
  const value = String(report.id);
  return {
    type: 'actions',
    block_id: `report_${report.id}`,
    elements: [
      {
        type: 'button',
        action_id: ACTION_ID.reportConfirm,
        text: pt('Confirm'),
        style: 'primary',
        value,
        accessibility_label: buttonLabel(`Confirm ${label(report.outcome)}`, h),
      },
      {
        type: 'button',
        action_id: ACTION_ID.reportDecline,
        text: pt('Not right'),
        value,
        accessibility_label: buttonLabel(`Not right: ${label(report.outcome)}`, h),
      },
    ],
  };
}

function stateLine(h: HandoffRow, report: OutcomeReportRow, state: ReportState, reader?: string): string {
  const step = `*${label(report.outcome)}*`;
  const by = who(report.reportedByUserId, reader);
  const ae = who(report.answeredByUserId ?? h.aeUserId, reader, 'You');
  switch (state) {
    case 'waiting':
      return reader === h.aeUserId
        ? `:mega: ${by} reports ${step} on handoff ${handoffTitle(h)}. Is it right? ${userText(h.partnerOrg, 150)} hears of it only once you confirm it.`
        : `:mega: ${step} on handoff ${handoffTitle(h)}, reported by ${by}: waiting for ${mention(h.aeUserId)} to confirm it. ${userText(h.partnerOrg, 150)} hears of it only then.`;
    case 'confirmed':
      // One bracket per line: the title ends in "(via …)".
      return `:white_check_mark: ${ae} confirmed ${step}, reported by ${by}, on handoff ${handoffTitle(h)}.`;
    case 'declined':
      return `:x: ${ae} said ${step}, reported by ${by}, is not right on handoff ${handoffTitle(h)}: nothing was recorded, and the partner was not told.`;
    case 'replaced':
      return `:arrows_counterclockwise: ${step} on handoff ${handoffTitle(h)}, reported by ${by}, was replaced by a newer report.`;
    case 'moot': {
      const now = h.outcome ? `it is at *${label(h.outcome)}* now` : `it is ${describeStatus(h.status)} now`;
      return `:fast_forward: ${step} on handoff ${handoffTitle(h)}, reported by ${by}, is no longer to confirm: ${now}.`;
    }
  }
}

/** The report as `reader` (the AE, or the reporter) reads it now. */
export function outcomeReportMessage(h: HandoffRow, report: OutcomeReportRow, reader?: string): SlackMessage {
  const state = reportState(h, report);
  const blocks: KnownBlock[] = [
    section([stateLine(h, report, state, reader), ...details(report)].join('\n')),
  ];
  if (state === 'waiting' && reader === h.aeUserId) blocks.push(answerButtons(report, h));
  const text =
    state === 'waiting' && reader === h.aeUserId
      ? notifyText(h, `${label(report.outcome)} reported. Confirm it?`)
      : notifyText(h, `${label(report.outcome)} reported, ${STATE_WORDS[state]}.`);
  return { text, blocks };
}

/** Where a report stands, in the notification's words (never the state's id: issue 50 item 20). */
const STATE_WORDS: Record<ReportState, string> = {
  waiting: 'waiting for the AE',
  confirmed: 'confirmed by the AE',
  declined: 'not right, the AE said',
  replaced: 'replaced by a newer report',
  moot: 'no longer to confirm',
};

/** The recorder's Undo, while the step waits for its window to end (value: handoff and step). */
export function undoBlocks(h: HandoffRow, step: OutcomeRow, until: Date, timeZone: string): KnownBlock[] {
  const where = h.partnerChannelId ? `${userText(h.partnerOrg, 150)} hears of it` : 'It is final';
  return [
    context(`:hourglass_flowing_sand: ${where} ${slackDate(until, timeZone)} unless you undo it.`),
    {
      type: 'actions',
      block_id: `undo_${step.id}`,
      elements: [
        {
          type: 'button',
          action_id: ACTION_ID.outcomeUndo,
          text: pt('Undo'),
          value: `${h.id}:${step.id}`,
          accessibility_label: buttonLabel(`Undo ${label(step.outcome)}`, h),
        },
      ],
    },
  ];
}

/** A notice of a step undone within its window: nothing reached the partner. */
export function undoneNotice(
  h: HandoffRow,
  outcome: string,
  by: string | undefined,
  reader?: string,
): SlackMessage {
  const recorder = by ? who(by, reader, 'You') : 'Someone';
  return {
    text: notifyText(h, `${label(outcome)} undone.`),
    blocks: [
      section(
        `:leftwards_arrow_with_hook: ${recorder} recorded *${label(outcome)}* on handoff ${handoffTitle(h)}, then undid it: the partner was not told.`,
      ),
    ],
  };
}
