import type { ActionsBlock, Button, KnownBlock, ModalView, PlainTextOption } from '@slack/types';
import { DateTime } from 'luxon';
import { PERIODS } from '../domain/periods.js';
import {
  type ComponentCheck,
  type OutcomeGroup,
  SCORE_CHECK_RULES,
  SCORE_PERIODS,
  type ScoreCheck,
  type ScorePeriod,
} from '../domain/scoreOutcomes.js';
import { isDefaultWeights, type ScoreWeights, WEIGHTS } from '../domain/scoreWeights.js';
import { BAND_LABEL, COMPONENT_LABEL, COMPONENTS } from '../domain/scoringModel.js';
import { ACTION_ID, CALLBACK_ID, SCORE_WEIGHTS_NOTE_BLOCK_ID, scoreWeightBlockId } from './ids.js';
import { percent } from './metrics.js';
import { counted } from './mrkdwn.js';
import { context, pt, section } from './parts.js';

/**
 * The score against outcomes as people read it: the App Home's button, the view (per band and per
 * component, strong against weaker, the flags first), the weights editor, and the digest's monthly lines.
 */

/** The score view: the check over a period, the weights in force, and whether they may change them. */
export interface ScoreCheckView {
  period: ScorePeriod;
  from: Date;
  to: Date;
  timeZone: string;
  check: ScoreCheck;
  weights: ScoreWeights;
  mayWeights: boolean;
}

const { minPackets } = SCORE_CHECK_RULES;

/** "12 packets: too few to tell", or the group's rates with the counts behind them. */
export function groupWords(g: OutcomeGroup): string {
  const { counts: c, rates: r } = g;
  if (!r) return `${counted(c.packets, 'packet')}: too few to tell`;
  return [
    `${counted(c.packets, 'packet')}, ${percent(r.acceptance)} accepted (${c.accepted} of ${counted(c.answered, 'answer')})`,
    `${percent(r.silence)} silent (${c.expired} of ${counted(c.windows, 'window')})`,
    `${percent(r.meeting)} met (${c.meetings})`,
    `${percent(r.won)} won (${c.won})`,
  ].join(', ');
}

/** "⚠ *Partner context* does not separate outcomes: 80% accepted with a strong score (40 packets) against 79% …". */
export function flagLine(c: ComponentCheck): string {
  const s = c.strong.rates;
  const w = c.weaker.rates;
  const name = `*${COMPONENT_LABEL[c.id]}*`;
  if (!s || !w) return `${name}: too few to tell`;
  return `:warning: ${name} does not separate outcomes: ${percent(s.acceptance)} accepted with a strong score (${counted(c.strong.counts.packets, 'packet')}) against ${percent(w.acceptance)} with a weaker one (${c.weaker.counts.packets}); won ${percent(s.won)} against ${percent(w.won)}.`;
}

/** "*Proof* · strong (2): … · weaker (0–1): …". */
export const componentLine = (c: ComponentCheck) =>
  `*${COMPONENT_LABEL[c.id]}*\n• strong (2): ${groupWords(c.strong)}\n• weaker (0–1): ${groupWords(c.weaker)}`;

/** The weights in words: "every component 1 (the plain sum)", or the ones not 1. */
export function weightsWords(weights: ScoreWeights): string {
  if (isDefaultWeights(weights)) return 'every component 1 (the plain sum of the nine)';
  const moved = COMPONENTS.filter((id) => weights[id] !== 1).map(
    (id) => `${COMPONENT_LABEL[id]} ${weights[id]}`,
  );
  return `${moved.join(', ')}; the others 1`;
}

/** The App Home's button (RevOps and admins), beside the Export button. */
export const scoreCheckButton = (): Button => ({
  type: 'button',
  action_id: ACTION_ID.scoreCheck,
  text: pt('Score against outcomes'),
  value: '90d',
  accessibility_label: 'Check the packet score against what happened to the packets',
});

/** "4 May 2026", in the reporting zone. */
const day = (at: Date, timeZone: string) =>
  DateTime.fromJSDate(at, { zone: timeZone }).setLocale('en-US').toFormat('d LLL yyyy');

const periodOption = (key: ScorePeriod): PlainTextOption => ({ text: pt(PERIODS[key].label), value: key });

/** What the check says in one line: its flags, that every component separates outcomes, or too few to tell. */
export function summaryLine(check: ScoreCheck): string {
  const flagged = check.components.filter((c) => c.verdict === 'flagged');
  const tooFew = check.components.filter((c) => c.verdict === 'too_few');
  if (flagged.length > 0)
    return `${counted(flagged.length, 'component')} ${flagged.length === 1 ? 'does' : 'do'} not separate outcomes.`;
  if (tooFew.length === check.components.length)
    return `${counted(check.packets, 'packet')}: too few to tell (a side needs ${minPackets} packets).`;
  if (tooFew.length > 0)
    return `Every component with enough packets separates outcomes; ${counted(tooFew.length, 'component')} too few to tell.`;
  return 'Every component separates outcomes.';
}

/** The score view: the period, the weights, the flags, then per band and per component. */
export function scoreCheckModal(v: ScoreCheckView): ModalView {
  const { check } = v;
  const elements: ActionsBlock['elements'] = [
    {
      type: 'static_select',
      action_id: ACTION_ID.scoreCheckPeriod,
      options: SCORE_PERIODS.map(periodOption),
      initial_option: periodOption(v.period),
    },
  ];
  if (v.mayWeights)
    elements.push({
      type: 'button',
      action_id: ACTION_ID.scoreWeights,
      text: pt('Weights'),
      value: 'weights',
      accessibility_label: 'Change how much each score component counts',
    });
  const flagged = check.components.filter((c) => c.verdict === 'flagged');
  const blocks: KnownBlock[] = [
    { type: 'actions', block_id: 'score_check_actions', elements },
    context(
      `Handoffs sent ${day(v.from, v.timeZone)} to ${day(v.to, v.timeZone)}: ${counted(check.packets, 'packet')}${check.unscored > 0 ? ` (${check.unscored} without a scorecard)` : ''}. Strong is 2, weaker 0 or 1. Accepted of answers; silent of AE windows; met and won of packets. A group under ${minPackets} packets is too few to tell. Weights: ${weightsWords(v.weights)}.`,
    ),
    section(`*${summaryLine(check)}*${flagged.length > 0 ? `\n${flagged.map(flagLine).join('\n')}` : ''}`),
    { type: 'divider' },
    section(
      `*By score band*\n${check.bands.map((b) => `*${BAND_LABEL[b.band]}* · ${groupWords(b.group)}`).join('\n')}`,
    ),
    { type: 'divider' },
    section('*By component*'),
    ...check.components.map((c) => section(componentLine(c))),
  ];
  return {
    type: 'modal',
    title: pt('Score against outcomes'),
    close: pt('Close'),
    private_metadata: JSON.stringify({ period: v.period }),
    blocks,
  };
}

const weightOption = (w: number): PlainTextOption => ({
  text: pt(w === 0 ? '0 (not counted)' : w === 1 ? '1 (as today)' : String(w)),
  value: String(w),
});

/** The weights editor: one select per component, 0 to 3, and why (kept in the program's history). */
export function scoreWeightsModal(weights: ScoreWeights): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.scoreWeights,
    title: pt('The score’s weights'),
    submit: pt('Save'),
    close: pt('Cancel'),
    blocks: [
      context(
        'How much each component counts. The score stays out of 18: 18 × Σ weight × score ÷ Σ 2 × weight, rounded. Every weight 1 is the plain sum. A change applies to packets scored from now on; a sent handoff keeps its scorecard. It is kept in the program’s history.',
      ),
      ...COMPONENTS.map(
        (id): KnownBlock => ({
          type: 'input',
          block_id: scoreWeightBlockId(id),
          label: pt(COMPONENT_LABEL[id]),
          element: {
            type: 'static_select',
            action_id: ACTION_ID.value,
            options: WEIGHTS.map(weightOption),
            initial_option: weightOption(weights[id]),
          },
        }),
      ),
      {
        type: 'input',
        block_id: SCORE_WEIGHTS_NOTE_BLOCK_ID,
        optional: true,
        label: pt('Why (the evidence)'),
        element: { type: 'plain_text_input', action_id: ACTION_ID.value, max_length: 500, multiline: true },
      },
    ],
  };
}

/** The first weekly digest of a month: last month's check, in a few lines (the flags, or all separate, or too few). */
export function scoreCheckDigestBlocks(check: ScoreCheck, monthLabel: string): KnownBlock[] {
  const flagged = check.components.filter((c) => c.verdict === 'flagged');
  return [
    section(
      `*The score against outcomes, handoffs sent in ${monthLabel}*\n${summaryLine(check)}${flagged.length > 0 ? `\n${flagged.map(flagLine).join('\n')}` : ''}`,
    ),
    context('The detail per band and per component: App Home → Score against outcomes.'),
  ];
}
