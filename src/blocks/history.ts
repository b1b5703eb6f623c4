import type { HandoffEventRow } from '../db/schema.js';
import { DECLINE_REASONS, isDeclineReason } from '../domain/decline.js';
import { readablePolicyName } from '../domain/escalation.js';
import { stepDate } from '../domain/firstStep.js';
import { LOST_REASONS, OUTCOME_LABEL, type Outcome } from '../domain/outcomes.js';
import { mention, safeLink, slackDate, userText } from './mrkdwn.js';

/**
 * The touch log in words (`/handoff view`'s history, and the watchers' DMs: blocks/following.ts): one wording of each
 * fact, whoever reads it.
 */

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
 * An `escalated` event in words, not its id: the AE's absence told, or the step of the escalation
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

/** The touch log's events after the Accept, in words of their own. */
const STEP_EVENT_TYPES = [
  'step_reminded',
  'step_checked_in',
  'step_overdue',
  'step_new_date',
  'handed_back',
  'taken_back',
  'owner_reminded',
  'step_asked',
  'step_named',
] as const;
type StepEvent = (typeof STEP_EVENT_TYPES)[number];
const STEP_EVENTS: ReadonlySet<string> = new Set<StepEvent>(STEP_EVENT_TYPES);

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

/** A message added with "Add to handoff": who, its excerpt (escaped) and its link. */
function messageAddedLine(actor: string | null, detail: Record<string, unknown>): string {
  const excerpt = typeof detail.excerpt === 'string' && detail.excerpt !== '' ? detail.excerpt : undefined;
  const link = typeof detail.permalink === 'string' ? ` (${safeLink(detail.permalink, 'link')})` : '';
  return `${actor ? mention(actor) : 'Someone'} added a message${excerpt ? `: “${userText(excerpt, 240)}”` : ''}${link}`;
}

/** One touch-log line, in words: what happened, who did it, when (in the reader's own timezone). */
export function historyLine(e: HandoffEventRow): string {
  return `${slackDate(e.at, 'UTC')} · ${historyWords(e)}`;
}

/**
 * What a touch-log event says happened, and who did it: the one wording of each fact, whoever reads it (the history,
 * and the watchers' DMs: blocks/following.ts). An expiry while the AE was away is not their silence; a take-back
 * that went on to a pool is not "back to the owner".
 */
export function historyWords(e: HandoffEventRow): string {
  const by = e.actorUserId ? ` by ${mention(e.actorUserId)}` : '';
  const detail = e.detail ?? {};
  if (isStepEvent(e.type)) return stepEventLine(e.type, e.aeUserId, by, detail);
  return (() => {
    switch (e.type) {
      case 'sent':
        return `Sent to ${mention(e.aeUserId)}${by}${sentRouting(detail)}`;
      case 'reminded':
        return `Reminder ${typeof detail.reminder === 'number' ? `${detail.reminder} ` : ''}sent to ${mention(e.aeUserId)}`;
      case 'accepted':
        // With the first step the AE committed to, as the partner was told it.
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
        return `Reassigned${typeof detail.previousAeUserId === 'string' ? ` from ${mention(detail.previousAeUserId)}` : ''} to ${mention(e.aeUserId)}${coverOf(detail)}${policy ? ` by ${policy}` : by}`;
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
      // The report of an outcome and what became of it, in words, never the log's type.
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
      case 'cover_returned':
        return typeof detail.coverFor === 'string'
          ? `${mention(detail.coverFor)} told of it on their return, in their “While you were away” message`
          : 'Told of it on their return';
      default:
        return unknownEvent(e.type);
    }
  })();
}

/** How the CRM had its say in a sending: sent to the account's owner, or the owner passed over and why. */
/** ", as the cover of @Jordan" when the AE it went to answers for another (the touch log's `coverFor`). */
const coverOf = (detail: Record<string, unknown>) =>
  typeof detail.coverFor === 'string' ? `, as the cover of ${mention(detail.coverFor)}` : '';

/** Why the sending went where it did: to the AE's cover, and how the CRM had its say. */
const sentRouting = (detail: Record<string, unknown>): string => coverOf(detail) + crmRouting(detail);

function crmRouting(detail: Record<string, unknown>): string {
  if (typeof detail.routedToOwner === 'string')
    return `: ${userText(detail.routedToOwner, 200)} (not the pool's round robin)`;
  const over = detail.ownerPassedOver as { reason?: unknown; why?: unknown } | undefined;
  if (over && typeof over.reason === 'string' && typeof over.why === 'string')
    return ` although ${userText(over.reason, 200)}: “${userText(over.why, 300)}”`;
  return '';
}
