import type { ActionsBlock, ModalView } from '@slack/types';
import type { HandoffRow, OutcomeRow } from '../db/schema.js';
import { CRM_SYSTEMS, CRMS } from '../domain/crmFacts.js';
import { FIRST_STEP_MAX, stepDate } from '../domain/firstStep.js';
import { LOST_REASON_CODES, LOST_REASONS, OUTCOME_LABEL, type Outcome } from '../domain/outcomes.js';
import { ACTION_ID, CALLBACK_ID, OUTCOME_ACTION_PREFIX, OUTCOME_BLOCK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, plain, slackDate, userText } from './mrkdwn.js';
import { undoBlocks } from './outcomeReports.js';
import { buttonLabel, handoffTitle, notifyText, pt, section } from './parts.js';

/**
 * What the partner channel hears of each step, asked before a one-click step is recorded (Opportunity created and
 * Closed lost open a modal instead, whose Record is the confirmation).
 */
const CONFIRM: Partial<Record<Outcome, { title: string; text: string; confirm: string }>> = {
  meeting_held: {
    title: 'Mark meeting held?',
    text: 'The partner channel will hear that you met the customer. You can undo it for a short while.',
    confirm: 'Meeting held',
  },
  won: {
    title: 'Mark as closed won?',
    text: 'The partner channel will hear the good news. You can undo it for a short while.',
    confirm: 'Closed won',
  },
};

/** Buttons for the outcome steps offered (`can` decides: the ones still open on an accepted deal, to its people). */
export function outcomeButtons(h: HandoffRow, steps: readonly Outcome[]): ActionsBlock | undefined {
  if (steps.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: `outcomes_${h.id}`,
    elements: steps.map((outcome) => {
      const ask = CONFIRM[outcome];
      return {
        type: 'button' as const,
        action_id: `${OUTCOME_ACTION_PREFIX}${outcome}`,
        text: pt(OUTCOME_LABEL[outcome]),
        value: String(h.id),
        accessibility_label: buttonLabel(OUTCOME_LABEL[outcome], h),
        ...(ask
          ? {
              confirm: {
                title: pt(ask.title),
                text: { type: 'mrkdwn' as const, text: ask.text },
                confirm: pt(ask.confirm),
                deny: pt('Not yet'),
              },
            }
          : {}),
      };
    }),
  };
}

/**
 * The owner's and author's buttons: the same steps, reported to the AE, who confirms them before the partner hears
 * (the click records nothing the partner reads).
 */
export function reportButtons(h: HandoffRow, steps: readonly Outcome[]): ActionsBlock | undefined {
  if (steps.length === 0) return undefined;
  return {
    type: 'actions',
    block_id: `reports_${h.id}`,
    elements: steps.map((outcome) => ({
      type: 'button' as const,
      action_id: `${OUTCOME_ACTION_PREFIX}${outcome}`,
      text: pt(`Report: ${OUTCOME_LABEL[outcome]}`),
      value: String(h.id),
      accessibility_label: buttonLabel(`Report: ${OUTCOME_LABEL[outcome]}`, h),
    })),
  };
}

export function outcomeLine(h: HandoffRow): string {
  if (h.outcome) return `Latest outcome: *${OUTCOME_LABEL[h.outcome]}*.`;
  const step = firstStepLine(h);
  return step ? `${step} No outcome recorded yet.` : 'No outcome recorded yet.';
}

/**
 * The first step the AE committed to when accepting, as everyone reads it, the partner included:
 * "Next: *Intro call with Dana Whitfield* by Tue 2 Dec." Empty without one (accepted before it was asked).
 */
export function firstStepLine(h: Pick<HandoffRow, 'firstStep' | 'firstStepDue'>): string {
  if (!h.firstStep || !h.firstStepDue) return '';
  return `Next: *${userText(h.firstStep, FIRST_STEP_MAX)}* by ${stepDate(h.firstStepDue)}.`;
}

/** The estimated value the AE gave when accepting, for internal readers only ("" without one). */
export const estimatedValueLine = (h: Pick<HandoffRow, 'estimatedValue'>): string =>
  h.estimatedValue === null ? '' : `Estimated value: ${h.estimatedValue.toLocaleString('en-US')} (internal).`;

interface OutcomeMetadata {
  handoffId: number;
}
const metadata = (h: HandoffRow) => JSON.stringify({ handoffId: h.id } satisfies OutcomeMetadata);

/** A report goes to the AE to confirm first: the modal says so. */
const reportLine = (h: HandoffRow) =>
  ` You are reporting it: ${mention(h.aeUserId)} confirms it before the partner hears anything.`;

export function opportunityModal(h: HandoffRow, mode: 'record' | 'report' = 'record'): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.opportunity,
    private_metadata: metadata(h),
    title: pt('Opportunity created'),
    submit: pt('Record'),
    close: pt('Cancel'),
    blocks: [
      section(
        `An opportunity now exists for handoff ${handoffTitle(h)}. The partner hears that it is open, not its id.${mode === 'report' ? reportLine(h) : ''}`,
      ),
      {
        type: 'input',
        block_id: OUTCOME_BLOCK_ID.crmOpportunity,
        label: pt('CRM opportunity (id or link)'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          max_length: 300,
          // The record already linked (the AE's at the accept, or the one the app created): recording it is one click.
          ...(h.crmRecordId ? { initial_value: h.crmRecordId } : {}),
        },
      },
    ],
  };
}

export function lostModal(h: HandoffRow, mode: 'record' | 'report' = 'record'): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.lost,
    private_metadata: metadata(h),
    title: pt('Closed lost'),
    submit: pt('Record'),
    close: pt('Cancel'),
    blocks: [
      section(
        `Closing handoff ${handoffTitle(h)} as lost. The partner sees a polite wording of the reason; your note stays internal.${mode === 'report' ? reportLine(h) : ''}`,
      ),
      {
        type: 'input',
        block_id: OUTCOME_BLOCK_ID.reason,
        label: pt('Reason'),
        element: {
          type: 'static_select',
          action_id: ACTION_ID.value,
          placeholder: pt('Choose a reason'),
          options: LOST_REASON_CODES.map((code) => ({
            text: pt(plain(LOST_REASONS[code].label, 75)),
            value: code,
          })),
        },
      },
      {
        type: 'input',
        block_id: OUTCOME_BLOCK_ID.note,
        optional: true,
        label: pt('Note (internal)'),
        element: { type: 'plain_text_input', action_id: ACTION_ID.value, multiline: true, max_length: 1000 },
      },
    ],
  };
}

/** Who recorded an outcome when the CRM reported it (see crm/readBack.ts). */
export const CRM_RECORDERS: Readonly<Record<string, string>> = Object.fromEntries(
  CRM_SYSTEMS.map((system) => [`crm:${system}`, CRMS[system].label]),
);

/**
 * To the owner (and author): internal, so the CRM reference and a lost note are shown. `reader`: who reads it, told
 * "you" when they recorded the step themselves.
 */
export function outcomeNotice(
  h: HandoffRow,
  step: OutcomeRow,
  reader?: string,
  undo?: { until: Date; timeZone: string },
): SlackMessage {
  // The CRM read-back records as `crm:<system>`: nobody clicked, the CRM said so.
  const fromCrm = CRM_RECORDERS[step.recordedByUserId];
  const who = step.recordedByUserId === reader ? 'You' : mention(step.recordedByUserId);
  const lines = [
    fromCrm
      ? `${step.outcome === 'won' ? ':trophy:' : ':bar_chart:'} *${OUTCOME_LABEL[step.outcome as Outcome]}* in ${fromCrm}${h.crmRecordName ? ` (${userText(h.crmRecordName, 150)})` : ''}: handoff ${handoffTitle(h)} is recorded as ${step.outcome === 'won' ? 'won' : 'lost'}${h.partnerChannelId ? '; the partner channel hears it (without amount or stage)' : ''}.`
      : `:bar_chart: ${who} recorded *${OUTCOME_LABEL[step.outcome as Outcome]}* on handoff ${handoffTitle(h)}.`,
  ];
  if (step.crmOpportunity) lines.push(`*CRM opportunity:* ${userText(step.crmOpportunity, 300)}`);
  if (step.reasonCode && step.outcome === 'lost') {
    lines.push(
      `*Reason:* ${LOST_REASONS[step.reasonCode as keyof typeof LOST_REASONS]?.label ?? step.reasonCode}`,
    );
  }
  if (step.note) lines.push(`*Note (internal):* ${userText(step.note, 1000)}`);
  return {
    text: notifyText(h, `${OUTCOME_LABEL[step.outcome as Outcome]} recorded.`),
    blocks: [
      section(lines.join('\n')),
      // Its recorder may still take it back: the partner has not heard yet.
      ...(undo && reader === step.recordedByUserId ? undoBlocks(h, step, undo.until, undo.timeZone) : []),
    ],
  };
}

/** To the AE when an accepted deal has had no outcome for a while: what happened since? */
export function stallNudge(h: HandoffRow, since: Date): SlackMessage {
  return {
    text: notifyText(h, 'any news? The partner is waiting to hear what happened since.'),
    blocks: [
      section(
        `:hourglass_flowing_sand: Handoff ${handoffTitle(h)} has had no update since ${slackDate(since, h.aeTimeZone)}. ${outcomeLine(h)} What happened since? The partner is waiting to hear.`,
      ),
    ],
  };
}
