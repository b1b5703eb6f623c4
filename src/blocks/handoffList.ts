import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import type { HandoffEventRow, HandoffRow } from '../db/schema.js';
import { DECLINE_REASONS, isDeclineReason } from '../domain/decline.js';
import { readablePolicyName } from '../domain/escalation.js';
import { stepDate } from '../domain/firstStep.js';
import type { FollowChoice } from '../domain/following.js';
import { LOST_REASONS, OUTCOME_LABEL, type Outcome } from '../domain/outcomes.js';
import { dueOrPaused } from './asks.js';
import { followBlocks } from './following.js';
import { ACTION_ID, CALLBACK_ID, NOTE_BLOCK_ID, NOTE_MAX } from './ids.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, mention, plain, safeLink, slackDate, userText } from './mrkdwn.js';
import { button, context, handoffTitle, pt, section } from './parts.js';

/** Where a handoff stands, in one line, for the person who sent or owns it. */
export function standing(h: HandoffRow): string {
  switch (h.status) {
    case 'sent':
      return `waiting for ${mention(h.aeUserId)}, ${dueOrPaused(h, undefined, aeDeadline(h.dueAt, h.aeTimeZone))}${h.moreTime === 'asked' ? `; they asked for ${h.moreTimeDays ?? ''} more business days` : ''}`;
    case 'accepted':
      return h.outcome
        ? `accepted by ${mention(h.aeUserId)}; ${OUTCOME_LABEL[h.outcome as Outcome].toLowerCase()}`
        : `accepted by ${mention(h.aeUserId)}${h.firstStep && h.firstStepDue ? `; next: ${userText(h.firstStep, 150)} by ${stepDate(h.firstStepDue)}` : ''}`;
    case 'declined':
      return `declined by ${mention(h.aeUserId)}`;
    case 'expired':
      return `expired: ${mention(h.aeUserId)} did not answer by ${slackDate(h.dueAt, h.aeTimeZone)}`;
    case 'withdrawn':
      return 'withdrawn';
    case 'taken_back':
      return `back with the owner (${mention(h.aeUserId)} had accepted it): waiting for them to reassign or withdraw it`;
  }
}

/** View (and Edit, where the reader may still edit) for one handoff. */
export function handoffButtons(
  h: HandoffRow,
  opts: { editable: boolean; view?: boolean; notable?: boolean },
): ActionsBlock {
  const open = (text: string, actionId: string) => button({ text, actionId, value: String(h.id) }, h);
  return {
    type: 'actions',
    block_id: `handoff_open_${h.id}`,
    elements: [
      ...(opts.view === false ? [] : [open('View', ACTION_ID.view)]),
      ...(opts.editable ? [open('Edit', ACTION_ID.edit)] : []),
      // After the AE's answer there is nothing to edit: a note to the AE instead.
      ...(!opts.editable && opts.notable ? [open('Note to the AE', ACTION_ID.note)] : []),
    ],
  };
}

/** The note modal: one text the AE reads as a reply under their packet. */
export function noteModal(h: HandoffRow): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.note,
    private_metadata: JSON.stringify({ handoffId: h.id }),
    title: pt('Note to the AE'),
    submit: pt('Send note'),
    close: pt('Cancel'),
    blocks: [
      context(
        `Handoff #${h.id} *${userText(h.accountName, 150)}*, ${standing(h)}. The AE reads this as a reply under their packet; the partner never does.`,
      ),
      {
        type: 'input',
        block_id: NOTE_BLOCK_ID,
        label: pt('Note'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: NOTE_MAX,
        },
      },
    ],
  };
}

/**
 * After Send note: says it went and where the AE reads it. Closing it closes View too (opened over it from View,
 * which would show the history without the note).
 */
export function noteSentModal(h: HandoffRow): ModalView {
  return {
    type: 'modal',
    title: pt('Note sent'),
    close: pt('Close'),
    clear_on_close: true,
    blocks: [
      section(
        `:memo: Your note on handoff #${h.id} *${userText(h.accountName, 150)}* is on its way to ${mention(h.aeUserId)}, as a reply under their packet. The partner never reads it.`,
      ),
    ],
  };
}

/**
 * `/handoff list [all]`: the reader's handoffs, newest first, each with its status, AE and deadline, as of now. An
 * ephemeral reply is never brought up to date, so it says when it was true and offers only View, which opens the
 * handoff as it is when clicked (with Edit or Note to the AE there, while the reader may still use them).
 */
export function handoffList(
  rows: HandoffRow[],
  opts: { all: boolean; total: number; now: Date; timeZone: string },
): SlackMessage {
  const what = opts.all ? 'handoffs' : 'open handoffs';
  // `total` counts what was sent, owned or answered as AE.
  if (rows.length === 0) {
    const text = opts.all
      ? 'You have not sent or owned a handoff yet. Type `/handoff` to send one.'
      : 'None of your handoffs is open. Type `/handoff list all` to see the closed ones too.';
    return { text, blocks: [section(text)] };
  }
  const blocks: KnownBlock[] = [
    section(`*Your ${what}* (${opts.total}), newest first, as of ${slackDate(opts.now, opts.timeZone)}:`),
  ];
  for (const h of rows) {
    blocks.push(section(`${handoffTitle(h)}: ${standing(h)}`), handoffButtons(h, { editable: false }));
  }
  const footer: string[] = [
    'View shows where each stands now, and Edit or Note to the AE while you may use them.',
  ];
  if (opts.total > rows.length) footer.push(`Showing the ${rows.length} newest of ${opts.total}.`);
  if (!opts.all) footer.push('`/handoff list all` shows the closed ones too.');
  blocks.push(context(footer.join(' ')));
  return { text: `Your ${what}: ${opts.total}`, blocks };
}

/** Who a policy step told: channels and people, as Slack shows them. */
const toldWho = (to: unknown): string[] =>
  Array.isArray(to)
    ? to.flatMap((t) =>
        typeof t !== 'string'
          ? []
          : /^[CG][A-Z0-9]+$/.test(t)
            ? [`<#${t}>`]
            : /^[UW][A-Z0-9]+$/.test(t)
              ? [mention(t)]
              : [],
      )
    : [];

/**
 * The escalation policy a touch-log event names, as people read it: "the *Meridian* escalation policy" (its name as
 * recorded, else its id made readable; never the id itself), or undefined when the event names none.
 */
function policyOf(detail: Record<string, unknown>): string | undefined {
  const name =
    typeof detail.policyName === 'string'
      ? detail.policyName
      : typeof detail.policy === 'string'
        ? readablePolicyName(detail.policy)
        : undefined;
  return name === undefined ? undefined : `the *${userText(name, 60)}* escalation policy`;
}

/**
 * An `escalated` event in words, not its id (issue 50 item 20): the AE's absence told, or the step of the escalation
 * policy (by its name) and whom it told.
 */
function escalatedLine(ae: string, detail: Record<string, unknown>): string {
  if (typeof detail.away === 'string') return `${mention(ae)} was away: the owner was told`;
  const step = typeof detail.policyLevel === 'number' ? ` (step ${detail.policyLevel})` : '';
  const policy = policyOf(detail);
  const who = toldWho(detail.to);
  return `${policy ? `T${policy.slice(1)}` : 'Escalation policy'}${step}: ${who.length > 0 ? who.join(', ') : 'the owner was'} told`;
}

/** The outcome step an event's detail names, as people read it ("Closed won"), or "An outcome" when it names none. */
const outcomeOf = (detail: Record<string, unknown>): string =>
  typeof detail.outcome === 'string' && detail.outcome in OUTCOME_LABEL
    ? OUTCOME_LABEL[detail.outcome as Outcome]
    : 'An outcome';

/** Every type of the touch log has its words above: a new one fails to compile here until it has them. */
const unknownEvent = (type: never): string => `Changed (${String(type)})`;

const hours = (n: unknown) =>
  typeof n === 'number'
    ? ` (${n.toFixed(1)} business hours paused, not counted in the time to decision)`
    : '';
const dueOf = (detail: Record<string, unknown>) =>
  typeof detail.due === 'string' ? ` (due ${stepDate(detail.due)})` : '';
const days = (n: unknown) =>
  typeof n === 'number' ? `${n} more business day${n === 1 ? '' : 's'}` : 'more time';

/** The touch log's events after the Accept (issue 51), in words of their own. */
type StepEvent =
  | 'step_reminded'
  | 'step_checked_in'
  | 'step_overdue'
  | 'step_new_date'
  | 'handed_back'
  | 'taken_back'
  | 'owner_reminded'
  | 'step_asked'
  | 'step_named';
const STEP_EVENTS: ReadonlySet<string> = new Set<StepEvent>([
  'step_reminded',
  'step_checked_in',
  'step_overdue',
  'step_new_date',
  'handed_back',
  'taken_back',
  'owner_reminded',
  'step_asked',
  'step_named',
]);

const isStepEvent = (type: string): type is StepEvent => STEP_EVENTS.has(type);

function stepEventLine(type: StepEvent, ae: string, by: string, detail: Record<string, unknown>): string {
  switch (type) {
    case 'step_reminded':
      return `${mention(ae)} reminded of their first step${dueOf(detail)}`;
    case 'step_checked_in':
      return `${mention(ae)} asked how their first step went${dueOf(detail)}`;
    case 'step_overdue':
      return `No news of the first step${dueOf(detail)}: the owner was told`;
    case 'step_new_date':
      return `First step moved${typeof detail.to === 'string' ? ` to ${stepDate(detail.to)}` : ''}${by}${detail.ownerTold === true ? ' (the owner was told)' : ''}`;
    case 'handed_back':
      return `${mention(ae)} handed it back to the owner`;
    case 'step_asked':
      return `${mention(ae)} asked to name a first step${by}`;
    case 'step_named':
      return `First step named${typeof detail.step === 'string' ? `: ${userText(detail.step, 150)}` : ''}${dueOf(detail)}${by}`;
    case 'taken_back':
      return `Taken back from ${mention(ae)}: no news of the first step${dueOf(detail)}${detail.to === 'pool' ? '' : ', back to the owner'}`;
    case 'owner_reminded':
      return `The owner reminded: it waits for an AE${typeof detail.days === 'number' ? ` (${detail.days} business day${detail.days === 1 ? '' : 's'})` : ''}${typeof detail.manager === 'string' ? `; ${mention(detail.manager)}, their manager, told` : ''}`;
  }
}

/** A message added with "Add to handoff" (issue 52 item 5): who, its excerpt (escaped) and its link. */
function messageAddedLine(actor: string | null, detail: Record<string, unknown>): string {
  const excerpt = typeof detail.excerpt === 'string' && detail.excerpt !== '' ? detail.excerpt : undefined;
  const link = typeof detail.permalink === 'string' ? ` (${safeLink(detail.permalink, 'link')})` : '';
  return `${actor ? mention(actor) : 'Someone'} added a message${excerpt ? `: “${userText(excerpt, 240)}”` : ''}${link}`;
}

/** One touch-log line, in words: what happened, who did it, when (in the reader's own timezone). */
export function historyLine(e: HandoffEventRow): string {
  const by = e.actorUserId ? ` by ${mention(e.actorUserId)}` : '';
  const detail = e.detail ?? {};
  const when = slackDate(e.at, 'UTC');
  if (isStepEvent(e.type)) return `${when} · ${stepEventLine(e.type, e.aeUserId, by, detail)}`;
  const what = (() => {
    switch (e.type) {
      case 'sent':
        return `Sent to ${mention(e.aeUserId)}${by}${sentRouting(detail)}`;
      case 'reminded':
        return `Reminder ${typeof detail.reminder === 'number' ? `${detail.reminder} ` : ''}sent to ${mention(e.aeUserId)}`;
      case 'accepted':
        // With the first step the AE committed to (issue 51), as the partner was told it.
        return `Accepted by ${mention(e.aeUserId)}${typeof detail.firstStep === 'string' && typeof detail.firstStepDue === 'string' ? `, first step: ${userText(detail.firstStep, 150)} by ${stepDate(detail.firstStepDue)}` : ''}`;
      case 'declined': {
        const code = detail.reasonCode;
        return `Declined by ${mention(e.aeUserId)}${isDeclineReason(code) ? `: ${DECLINE_REASONS[code].label}` : ''}`;
      }
      case 'expired':
        // As the owner's notice and the metrics say it: while the AE was known to be away, not their silence.
        return typeof detail.away === 'string'
          ? `Expired while ${mention(e.aeUserId)} was away (not counted as silence)`
          : `Expired: no answer from ${mention(e.aeUserId)}`;
      case 'reassigned': {
        // By a person (the actor), or by a policy's level (no actor), named as people read it.
        const policy = e.actorUserId ? undefined : policyOf(detail);
        return `Reassigned${typeof detail.previousAeUserId === 'string' ? ` from ${mention(detail.previousAeUserId)}` : ''} to ${mention(e.aeUserId)}${policy ? ` by ${policy}` : by}`;
      }
      case 'extended':
        return `Window extended${typeof detail.days === 'number' ? ` by ${detail.days} business day${detail.days === 1 ? '' : 's'}` : ''}${by}`;
      case 'withdrawn':
        return `Withdrawn${by}`;
      case 'stall_nudged':
        return `${mention(e.aeUserId)} asked for news of the deal`;
      case 'escalated':
        return escalatedLine(e.aeUserId, detail);
      case 'classification_corrected':
        return `Classification corrected${by}`;
      case 'lost': {
        const code = detail.reasonCode as keyof typeof LOST_REASONS | undefined;
        return `${OUTCOME_LABEL.lost}${code && code in LOST_REASONS ? ` (${LOST_REASONS[code].label})` : ''}${by}`;
      }
      case 'note_added':
        return `Note to the AE${by}`;
      case 'edited': {
        const fields = Array.isArray(detail.fields) ? (detail.fields as string[]) : [];
        return `Edited${by}${fields.length > 0 ? `: ${userText(fields.join(', '), 300)}` : ''}`;
      }
      case 'meeting_held':
      case 'opportunity_created':
      case 'won':
        return `${OUTCOME_LABEL[e.type]}${by}`;
      // The report of an outcome and what became of it, in words, never the log's type (issue 50 item 20).
      case 'outcome_reported':
        return `${outcomeOf(detail)} reported${by}, for ${mention(e.aeUserId)} to confirm`;
      case 'outcome_report_declined':
        return `${mention(e.aeUserId)} said the reported ${outcomeOf(detail).toLowerCase()} is not right`;
      case 'outcome_undone':
        return `${outcomeOf(detail)} undone${by}`;
      case 'question_asked':
        return `${mention(e.aeUserId)} asked the author a question${detail.paused === true ? ' (clock paused)' : ''}`;
      case 'question_answered':
        return `The author answered${by}${hours(detail.pausedHours)}`;
      case 'clock_resumed':
        return `No answer within the pause: the clock runs again${hours(detail.pausedHours)}`;
      case 'more_time_asked':
        return `${mention(e.aeUserId)} asked for ${days(detail.days)}`;
      case 'more_time_granted':
        return e.actorUserId ? `${days(detail.days)} given${by}` : `${days(detail.days)} given at once`;
      case 'message_added':
        return messageAddedLine(e.actorUserId, detail);
      default:
        return unknownEvent(e.type);
    }
  })();
  return `${when} · ${what}`;
}

/** Slack allows 100 blocks in a modal: the packet, a heading, and the latest history lines that fit. */
const MODAL_BLOCKS = 100;

/**
 * View: the packet exactly as the AE sees it (without the AE's buttons), then its history, oldest first, and Edit or
 * Note to the AE when the reader may use one now.
 */
export function handoffViewModal(
  h: HandoffRow,
  packet: SlackMessage,
  history: HandoffEventRow[],
  /** `following`: what the reader follows it for (null: not), to offer Follow or Unfollow (undefined: neither). */
  may: { editable: boolean; notable: boolean; following?: FollowChoice | null } = {
    editable: false,
    notable: false,
  },
): ModalView {
  const packetBlocks = (packet.blocks as KnownBlock[]).filter((b) => b.type !== 'actions');
  const actions = [
    ...(may.editable || may.notable
      ? [handoffButtons(h, { editable: may.editable, notable: may.notable, view: false })]
      : []),
    ...(may.following === undefined ? [] : followBlocks(h, may.following)),
  ];
  const room = MODAL_BLOCKS - packetBlocks.length - 3 - actions.length;
  const shown = history.slice(-Math.max(room, 1));
  const blocks: KnownBlock[] = [
    ...packetBlocks,
    { type: 'divider' },
    section(`*History* · ${standing(h)}`),
    ...(history.length > shown.length
      ? [context(`${history.length - shown.length} earlier entries are in the touch log export.`)]
      : []),
    ...shown.map((e) => context(historyLine(e))),
    ...actions,
  ];
  return {
    type: 'modal',
    title: pt(plain(`Handoff #${h.id}`, 24)),
    close: pt('Close'),
    blocks: blocks.slice(0, MODAL_BLOCKS),
  };
}

/** How the CRM had its say in a sending (issue 52): sent to the account's owner, or the owner passed over and why. */
function sentRouting(detail: Record<string, unknown>): string {
  if (typeof detail.routedToOwner === 'string')
    return `: ${userText(detail.routedToOwner, 200)} (not the pool's round robin)`;
  const over = detail.ownerPassedOver as { reason?: unknown; why?: unknown } | undefined;
  if (over && typeof over.reason === 'string' && typeof over.why === 'string')
    return ` although ${userText(over.reason, 200)}: “${userText(over.why, 300)}”`;
  return '';
}
