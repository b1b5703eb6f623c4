import type { KnownBlock } from '@slack/types';
import type {
  DecisionRow,
  HandoffRow,
  OutcomeReportRow,
  OutcomeRow,
  QuestionRow,
  SurfaceKind,
} from '../db/schema.js';
import { DECLINE_REASONS, type DeclineReason } from '../domain/decline.js';
import type { HeldBackState } from '../domain/heldBack.js';
import { describeStatus, type Offer } from '../domain/lifecycle.js';
import type { MoveFacts, PlannedMove } from '../domain/moves.js';
import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import { dueOrPaused, questionMessage } from './asks.js';
import { handoffButtons } from './handoffList.js';
import { handoffMessage } from './handoffMessage.js';
import { heldBackNotice } from './heldBackNotice.js';
import type { SlackMessage } from './message.js';
import { type MoreTimeGrant, moreTimeMessage } from './moreTime.js';
import { movedByPast, unassignedMessage, unassignedPast } from './moveNotices.js';
import { aeDeadline, mention, slackDate, withdrawnBy } from './mrkdwn.js';
import type { PartnerPost } from './notices.js';
import { decisionNotice, ownerAssigned, sentConfirmation } from './notices.js';
import { outcomeReportMessage, undoneNotice } from './outcomeReports.js';
import { outcomeLine, outcomeNotice, stallNudge } from './outcomes.js';
import { ownerActionButtons } from './ownerActions.js';
import { partnerThreadParent, partnerUpdate } from './partnerUpdate.js';
import { context, handoffTitle, notifyText, ON_NEWEST, type OwnerButtons, section } from './parts.js';
import { stepButtons, stepCheckMessage, stillWaitingNotice, takenBackNotice } from './stepChecks.js';
import type { SurfaceParams } from './surfaceParams.js';
import {
  awayMessage,
  awayWhy,
  escalationMessage,
  expiredMovedNotice,
  expiredMovedPast,
  expiredOwnerNotice,
  extendedAeNotice,
  extendedOwnerNotice,
  PERMALINK_TOKEN,
  reassignedOwnerNotice,
  reminderMessage,
  waitingMessage,
  withdrawnOwnerNotice,
} from './windowNotices.js';

export type { SurfaceParams };

/** The absence an expiry surface records, as the notices take it. */
const awayAtExpiry = (p: SurfaceParams) =>
  p.expiredAway || p.expiredDays || p.expiredCover
    ? { status: p.expiredAway, days: p.expiredDays, cover: p.expiredCover }
    : undefined;

/** The window an expiry notice is about (its AE and due time as queued; the move's, on older rows). */
const expiredWindow = (p: SurfaceParams, move: MoveFacts) => ({
  ae: p.ae ?? move.from,
  due: p.due ?? ('due' in move.left ? move.left.due : 0),
  away: awayAtExpiry(p),
});

/** Messages written to the handoff's AE of the time: their reader is that AE, recorded or not. */
const AE_KINDS: readonly SurfaceKind[] = ['ae_packet', 'reminder', 'extended_ae', 'stall_nudge'];

/** Who reads the message: recorded with it since this version; an AE's message is read by its AE anyway. */
export function readerOf(m: Pick<SurfaceModel, 'kind' | 'params'>): string | undefined {
  return m.params.to ?? (AE_KINDS.includes(m.kind) ? m.params.ae : undefined);
}

/** Everything a surface shows, read from the database by core/surfaces.ts. */
export interface SurfaceModel {
  kind: SurfaceKind;
  /** The handoff now. */
  h: HandoffRow;
  params: SurfaceParams;
  /** The handoff is still where it was when this message was queued: it can say what it said then. */
  current: boolean;
  /** The decision on the assignment the message is about (a decision notice), and on the current one. */
  decision?: DecisionRow | undefined;
  currentDecision?: DecisionRow | undefined;
  /** The outcome step an outcome notice reports (absent: it was undone). */
  step?: OutcomeRow | undefined;
  /** The step's undo window, while it is open (its recorder's notice offers Undo). */
  undo?: { until: Date; timeZone: string } | undefined;
  /** An outcome report's message: the report. */
  report?: OutcomeReportRow | undefined;
  /** The CRM opportunity recorded by the deal's "Opportunity created" step, if any. */
  crmOpportunity?: string | null;
  /** The AE's packet of an expired handoff: the move a level of its policy will make, as the owner was told. */
  expiryPlan?: PlannedMove | undefined;
  /** The buttons this message offers its reader now (see the placement rules in core/surfaces.ts). */
  offer: Offer;
  /**
   * The reader may take the owner's actions now, but their buttons are on the reader's newest message about the
   * handoff, not on this one: its words say so instead of asking for a click here.
   */
  ownerElsewhere?: boolean;
  /** Partner thread parent: the partner-safe projection of where the deal stands (null: nothing to say yet). */
  partner?: PartnerSafeUpdate | null;
  /** A decision notice: what became of the partner thread's reply about that decision. */
  partnerPost?: PartnerPost;
  /** The author's notice of a held-back partner next move: what it asked, and what became of it. */
  heldBack?: HeldBackState | undefined;
  /** The AE's question before deciding (a question message, and the AE's packet). */
  question?: QuestionRow | undefined;
  /** Who gave the more time the AE asked for, once given. */
  grant?: MoreTimeGrant | undefined;
  /** The away AE whose cover had the assignment the message is about (the touch log's `coverFor`), if any. */
  coverFor?: string | undefined;
}

/** ", as @Jordan's cover" after the AE a sending went to, when it went to the away AE's cover. */
const asCover = (m: Pick<SurfaceModel, 'coverFor'>) =>
  m.coverFor ? `, as ${mention(m.coverFor)}'s cover` : '';

export interface RenderedSurface {
  message: SlackMessage;
  /** The message whose permalink replaces PERMALINK_TOKEN (a reminder links to the AE's packet while it is open). */
  permalinkOf?: string;
}

/**
 * Where the handoff stands now, for internal readers of an older message: the AE and the owner by name, or "you" to
 * the one reading (`reader`, when known). `buttons`: where the reader's Reassign, Extend and Withdraw are; on an
 * older message that lost them to the reader's newest one, the line says so instead of offering them here.
 */
export function nowLine(
  h: HandoffRow,
  decision: DecisionRow | undefined,
  reader?: string,
  buttons: OwnerButtons = 'here',
): string {
  const ae = reader === h.aeUserId ? 'you' : mention(h.aeUserId);
  const ownerIsReader = reader === h.ownerUserId;
  switch (h.status) {
    case 'sent':
      // The AE reads their own time; anyone else is told the AE's clock too (aeDeadline). A question pauses it.
      return `*Now:* with ${ae}, ${dueOrPaused(h, reader, `*${reader === h.aeUserId ? slackDate(h.dueAt, h.aeTimeZone) : aeDeadline(h.dueAt, h.aeTimeZone)}*`)}.`;
    case 'accepted':
      return `*Now:* accepted by ${ae}. ${outcomeLine(h)}`;
    case 'declined': {
      const reason = decision?.reasonCode
        ? `: ${DECLINE_REASONS[decision.reasonCode as DeclineReason]?.label ?? decision.reasonCode}`
        : '';
      return `*Now:* declined by ${ae}${reason}.`;
    }
    case 'expired':
      return `*Now:* expired without an answer from ${ae}; ${ownerIsReader ? 'you' : `the owner ${mention(h.ownerUserId)}`} can reassign, extend or withdraw it${ownerIsReader && buttons === 'newest' ? ` ${ON_NEWEST}` : ''}.`;
    case 'withdrawn': {
      // Withdrawn by the owner, or by an admin standing in (named as such).
      const by = withdrawnBy(h, reader);
      return `*Now:* withdrawn${by}${h.withdrawnAt ? ` ${slackDate(h.withdrawnAt, h.aeTimeZone)}` : ''}.`;
    }
    case 'taken_back':
      // Handed back or taken back by the policy: the same words for both, true of either.
      return `*Now:* back with ${ownerIsReader ? 'you' : `the owner ${mention(h.ownerUserId)}`}${h.takenBackAt ? ` since ${slackDate(h.takenBackAt, h.aeTimeZone)}` : ''} (${ae} had accepted it); ${ownerIsReader ? 'you' : 'they'} can reassign or withdraw it${ownerIsReader && buttons === 'newest' ? ` ${ON_NEWEST}` : ''}.`;
  }
}

const at = (ms: number | undefined, h: HandoffRow) =>
  ms === undefined ? 'then' : slackDate(new Date(ms), h.aeTimeZone);

/** What an older message said happened, in the past tense: it stays true whatever happened since. */
function pastHeadline(m: SurfaceModel): string | undefined {
  const { h, params: p } = m;
  const title = handoffTitle(h);
  const ae = mention(p.ae ?? h.aeUserId);
  switch (m.kind) {
    case 'sent_confirmation':
      return `:incoming_envelope: Handoff ${title} was sent to ${ae}${asCover(m)}.`;
    case 'owner_assigned':
      return `:bust_in_silhouette: ${mention(h.authorUserId)} made you the owner of handoff ${title}.`;
    case 'reminder':
      return `:alarm_clock: *Reminder* (${at(p.at, h)}): handoff ${title} was waiting for your answer, due ${at(p.due, h)}.`;
    case 'expired_owner':
      if (p.move) return expiredMovedPast(h, expiredWindow(p, p.move), p.move, readerOf(m));
      return awayAtExpiry(p)
        ? `:palm_tree: Handoff ${title} expired while ${ae} was away (${awayWhy(awayAtExpiry(p))}), due ${at(p.due, h)}.`
        : `:hourglass: ${ae} did not answer handoff ${title} by ${at(p.due, h)}: it expired.`;
    case 'escalation':
      if (p.unassigned) return unassignedPast(h, p.unassigned);
      if (p.away)
        return `:palm_tree: ${ae} was away (${awayWhy({ status: p.away, days: p.awayDays })}) while handoff ${title} waited for them.`;
      if (p.waiting)
        return `:mega: Handoff ${title} was still waiting for an answer from ${ae} (due ${at(p.due, h)}).`;
      return awayAtExpiry(p)
        ? `:palm_tree: *Expired while away*: handoff ${title} sent to ${ae} expired while they were away (${awayWhy(awayAtExpiry(p))}; due ${at(p.due, h)}).`
        : `:rotating_light: *Silence*: handoff ${title} sent to ${ae} expired with no answer (due ${at(p.due, h)}).`;
    case 'reassigned_notice':
      return `:arrows_counterclockwise: Handoff ${title} moved from ${mention(p.previousAe ?? '')} to ${ae}${p.move ? movedByPast(p.move, readerOf(m)) : ''}.`;
    case 'extended_owner':
      return `:calendar: ${ae} was given until ${at(p.due, h)} to answer handoff ${title}.`;
    case 'extended_ae':
      return `:calendar: ${mention(p.by ?? h.ownerUserId)} gave you until ${at(p.due, h)} to answer handoff ${title}.`;
    case 'stall_nudge':
      return `:hourglass_flowing_sand: Handoff ${title} had had no update since ${at(p.since, h)}.`;
    default:
      return undefined;
  }
}

/** Where the reader's owner buttons are: on this message, on their newest one about the handoff, or nowhere. */
const ownerButtonsOf = (m: SurfaceModel): OwnerButtons =>
  m.offer.owner.length > 0 ? 'here' : m.ownerElsewhere ? 'newest' : 'none';

/** The message as it was worded for its event (the handoff still where it was then). */
function asQueued(m: SurfaceModel): SlackMessage | undefined {
  const { h } = m;
  const buttons = ownerButtonsOf(m);
  switch (m.kind) {
    case 'sent_confirmation':
      return sentConfirmation(h, m.coverFor);
    case 'owner_assigned':
      return ownerAssigned(h, m.coverFor);
    case 'reminder':
      return reminderMessage(h, new Date(m.params.at ?? h.updatedAt.getTime()));
    case 'expired_owner':
      // The policy's move of the same sweep is told here too: one message to the owner for the one event.
      if (m.params.move)
        return expiredMovedNotice(h, expiredWindow(m.params, m.params.move), m.params.move, readerOf(m));
      return expiredOwnerNotice(h, awayAtExpiry(m.params), m.params.unassigned, m.params.plan, buttons);
    case 'escalation': {
      const p = m.params;
      if (p.unassigned) return unassignedMessage(h, p.unassigned, p.plan, buttons);
      if (p.away) return awayMessage(h, p.away, p.back, p.cover, p.plan, p.awayDays, buttons);
      return p.waiting ? waitingMessage(h, readerOf(m)) : escalationMessage(h, awayAtExpiry(p));
    }
    case 'reassigned_notice':
      return reassignedOwnerNotice(h, m.params.previousAe ?? '', m.params.move, readerOf(m));
    case 'extended_owner':
      return extendedOwnerNotice(h);
    case 'extended_ae':
      return extendedAeNotice(h, m.params.by);
    case 'stall_nudge':
      return stallNudge(h, new Date(m.params.since ?? h.updatedAt.getTime()));
    default:
      return undefined;
  }
}

/** Notices that record history whatever happened since: the same words, with where the handoff stands now. */
function historyNotice(m: SurfaceModel): SlackMessage | undefined {
  switch (m.kind) {
    case 'decision_notice':
      return m.decision ? decisionNotice(m.h, m.decision, m.partnerPost) : undefined;
    case 'withdrawn_notice':
      return withdrawnOwnerNotice(m.h, {
        by: m.params.by,
        reader: readerOf(m),
        partner: m.params.partner,
      });
    case 'outcome_notice':
      if (m.step) return outcomeNotice(m.h, m.step, readerOf(m), m.undo);
      // Its step was undone before the partner heard it.
      return m.params.outcome ? undoneNotice(m.h, m.params.outcome, m.params.by, readerOf(m)) : undefined;
    case 'outcome_report':
      return m.report ? outcomeReportMessage(m.h, m.report, readerOf(m)) : undefined;
    case 'question':
      return m.question ? questionMessage(m.h, m.question, readerOf(m), m.offer.answer) : undefined;
    case 'step_check':
      // Asked to name a first step (a deal accepted before them) is about no date yet.
      return m.params.stepCheck && (m.params.stepDue || m.params.stepCheck === 'name')
        ? stepCheckMessage(m.h, {
            kind: m.params.stepCheck,
            due: m.params.stepDue ?? '',
            from: m.params.stepFrom,
            takeBackAt: m.params.takeBackAt,
            takeBackTo: m.params.takeBackTo,
            stepText: m.params.stepText,
            ae: m.params.ae,
            assignment: m.params.assignment,
          })
        : undefined;
    case 'taken_back_notice':
      if (m.params.stillWaiting) return stillWaitingNotice(m.h, m.params.stillWaiting, readerOf(m));
      return m.params.takenBack
        ? takenBackNotice(m.h, m.params.takenBack, m.params.ae ?? m.h.aeUserId, readerOf(m))
        : undefined;
    case 'more_time':
      return moreTimeMessage(
        m.h,
        { role: m.params.role ?? 'owner', reader: readerOf(m) },
        m.params.days,
        m.grant,
      );
    default:
      return undefined;
  }
}

function buttons(m: SurfaceModel): KnownBlock[] {
  const blocks: KnownBlock[] = [];
  if (m.offer.edit) blocks.push(handoffButtons(m.h, { editable: true, view: false }));
  const owner = ownerActionButtons(m.h, m.offer.owner);
  if (owner) blocks.push(owner);
  // The outcome steps, and New date where it is offered (the AE's newest message of their first step: issue 51).
  const steps = stepButtons(m.h, m.offer);
  if (steps) blocks.push(steps);
  return blocks;
}

/**
 * A message about a handoff, from the handoff's state now: what it reported (in its own words while nothing has
 * changed since, in the past tense after), where the handoff stands now, and only the buttons its reader can still
 * use. Undefined: nothing to show (the row it reports is gone); the message is left as it is.
 */
export function renderSurface(m: SurfaceModel): RenderedSurface | undefined {
  const { h } = m;
  if (m.kind === 'ae_packet') {
    const movedTo =
      m.params.assignment !== undefined && m.params.assignment !== h.assignment ? h.aeUserId : undefined;
    return {
      message: handoffMessage(h, {
        decision: movedTo ? undefined : m.currentDecision,
        // Moved to this AE: how it came to them (their own copy, not an older one it moved away from).
        ...(!movedTo && m.params.move ? { movedFrom: m.params.move } : {}),
        // Reassigned away and back to the same AE: this older copy points to the newer one.
        ...(movedTo ? { movedTo, superseded: movedTo === (m.params.ae ?? '') } : {}),
        crmOpportunity: m.crmOpportunity ?? null,
        plan: m.expiryPlan,
        offer: m.offer,
        question: m.question,
        coverFor: m.coverFor,
      }),
    };
  }
  if (m.kind === 'partner_parent') {
    return m.partner ? { message: partnerThreadParent(m.partner) } : undefined;
  }
  if (m.kind === 'partner_reply') {
    return m.partner ? { message: partnerUpdate(m.partner) } : undefined;
  }
  if (m.kind === 'held_back_notice') {
    return m.heldBack ? { message: heldBackNotice(h, m.heldBack, readerOf(m)) } : undefined;
  }
  const history = historyNotice(m);
  if (history) {
    const blocks = [...history.blocks];
    if (!m.current) blocks.push(context(nowLine(h, m.currentDecision, readerOf(m), ownerButtonsOf(m))));
    return { message: { text: history.text, blocks: [...blocks, ...buttons(m)] } };
  }
  if (m.current) {
    const queued = asQueued(m);
    if (!queued) return undefined;
    const links = m.kind === 'reminder';
    return {
      message: { text: queued.text, blocks: [...queued.blocks, ...buttons(m)] },
      ...(links ? { permalinkOf: packetKeyOf(h) } : {}),
    };
  }
  const past = pastHeadline(m);
  if (!past) return undefined;
  return {
    message: {
      // The notification text stays what it was: it is what the person was notified with.
      text: asQueued(m)?.text ?? notifyText(h, `${describeStatus(h.status)}.`),
      blocks: [
        section(past),
        context(nowLine(h, m.currentDecision, readerOf(m), ownerButtonsOf(m))),
        ...buttons(m),
      ],
    },
  };
}

/** The AE's packet message of the current assignment (core/notifications.ts names it the same way). */
function packetKeyOf(h: Pick<HandoffRow, 'id' | 'assignment'>): string {
  return h.assignment === 1 ? `handoff:${h.id}:ae_dm` : `handoff:${h.id}:a${h.assignment}:ae_dm`;
}

export { PERMALINK_TOKEN };
