import type { HomeView, KnownBlock } from '@slack/types';
import type { HandoffRow, OutcomeReportRow, QuestionRow } from '../db/schema.js';
import { DECLINE_REASONS, type DeclineReason } from '../domain/decline.js';
import { FIRST_STEP_MAX, stepDate } from '../domain/firstStep.js';
import { describeStatus, isDecision, type Offer } from '../domain/lifecycle.js';
import { OUTCOME_LABEL } from '../domain/outcomes.js';
import type { OwnDays } from '../domain/ownDays.js';
import { DEFAULT_PERIOD, PERIODS, type PeriodKey } from '../domain/periods.js';
import { goneQuiet, type OpenStep, openStep } from '../domain/stepState.js';
import { dueOrPaused } from './asks.js';
import { HOME_BLOCKS_MAX, type ReviewItems, reviewItemBlocks } from './attributionItems.js';
import { handoffButtons } from './handoffList.js';
import { decisionButtons } from './handoffMessage.js';
import { ACTION_ID } from './ids.js';
import { aeDeadline, counted, mention, personFor, slackDate, userText, withdrawnBy } from './mrkdwn.js';
import { myDaysBlocks } from './myDays.js';
import { outcomeButtons, outcomeLine, reportButtons } from './outcomes.js';
import { ownerActionButtons } from './ownerActions.js';
import { button, context, handoffTitle, pt, section } from './parts.js';
import { type ProgramModel, programHomeBlocks } from './programPages.js';
import { type RevopsHome, revopsBlocks } from './revopsHome.js';

/**
 * How many handoffs each list shows. With the RevOps block (at most 11 blocks: the trend in two sections for 52 weeks
 * of large numbers, the figures after the Accept in one) the worst case stays under Slack's 100 blocks per Home tab:
 * 1 + 1 (parked, admins) + 11 + (2 + 2×8 + 4) + (2 + 2×8) + (2 + 2×8 + 1) + (2 + 2×10 + 1) + 3 (your days) + 2 (the program) = 100
 * (what you sent has a View/Edit row under each; a question to answer is one block, its Answer button beside it).
 */
export const HOME_LIMITS = { awaiting: 8, questions: 4, deals: 8, won: 5, sent: 8, owned: 10 } as const;

export type { RevopsHome } from './revopsHome.js';

export interface HomeModel {
  /** Waiting for this person's answer as AE, soonest due first. */
  awaiting: HandoffRow[];
  /** Accepted deals of this person (AE or owner) without a final outcome. */
  deals: HandoffRow[];
  /** Deals this person won as AE, newest first (one more than shown): their Home keeps them. */
  won?: HandoffRow[];
  /**
   * What this person sent, the open and won ones first, then the newest (one more than shown, to say when the list is
   * cut); shown newest first.
   */
  sent: HandoffRow[];
  /** Handoffs this person owns that need them (open or expired), newest first (one more than shown). */
  owned: HandoffRow[];
  /** Program metrics: only for RevOps and admins. */
  revops?: RevopsHome;
  /** Admins: how many messages Slack refused for good are parked. */
  parked?: number;
  /** The buttons this person may use on a handoff now (`can`, see domain/lifecycle.ts). */
  offer: (h: HandoffRow) => Offer;
  /** Deals in progress: an outcome reported by the owner or author, waiting for the AE to confirm it. */
  reports?: ReadonlyMap<number, OutcomeReportRow>;
  /** Whose Home it is: every line names them "you". */
  reader?: string;
  /** Questions AEs asked this person (the author) before deciding, waiting for their answer, oldest first. */
  questions?: readonly { question: QuestionRow; handoff: HandoffRow }[];
  /** When the Home is shown: an accepted deal whose first step's date has passed (the AE's calendar) reads idle. */
  now?: Date;
  /** The reader's own days: "Your days" near the end, with Edit my days. */
  ownDays?: OwnDays;
  /** The program as the reader may open it (absent: they run no part of it). */
  program?: ProgramModel;
  /** Open "Review attribution" items: RevOps and admins. */
  reviews?: ReviewItems;
}

/** The view's private metadata: which period RevOps picked, kept across refreshes. */
export function homePeriodFrom(privateMetadata: string | undefined): PeriodKey | undefined {
  try {
    const parsed = JSON.parse(privateMetadata ?? '') as { period?: unknown };
    return typeof parsed.period === 'string' && Object.hasOwn(PERIODS, parsed.period)
      ? (parsed.period as PeriodKey)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The App Home with one line under the RevOps Export button: where the export went (or that it is on its way). The
 * Home has no ephemeral messages, so the click is answered on the tab itself; the line goes with the next refresh.
 */
export function withExportNotice(view: HomeView, text: string): HomeView {
  const at = view.blocks.findIndex((b) => b.block_id === 'home_revops');
  if (at < 0) return view;
  const notice: KnownBlock = { ...context(text), block_id: 'home_revops_export' };
  return { ...view, blocks: [...view.blocks.slice(0, at + 1), notice, ...view.blocks.slice(at + 1)] };
}

/**
 * An accepted deal's open first step: "next step due *Tue 2 Dec* (Intro call with Dana). No outcome
 * recorded yet.", or once its date has passed with nothing recorded "*idle*, the next step was due …".
 */
function stepText(s: OpenStep): string {
  const step = userText(s.step, FIRST_STEP_MAX);
  return s.kind === 'due'
    ? `next step due *${stepDate(s.due)}* (${step}). No outcome recorded yet.`
    : `*idle*, the next step was due *${stepDate(s.due)}* (${step}) and no outcome is recorded since.`;
}

/** The step of a deal that has one open ("" when `now` is not known, or it has none). */
const openStepOf = (h: HandoffRow, now: Date | undefined) => (now ? openStep(h, now) : undefined);

/** A deal gone quiet past its first step (stepState.ts `goneQuiet`, as the digest says); an idle step says it itself. */
const quietNote = (h: HandoffRow, now: Date | undefined): string =>
  now && goneQuiet(h, now)
    ? ` *Gone quiet*: no news since ${h.lastActivityAt ? slackDate(h.lastActivityAt, h.aeTimeZone) : 'the accept'}.`
    : '';

/**
 * Where a handoff the reader sent stands, naming who it is waiting on or who closed it: the AE, or the owner ("you"
 * when the author owns it, as by default). `reason`: a decline's reason code. While the AE's question waits for the
 * author (the reader), it says so even when the clock runs (no pause, or the pause at its longest).
 */
function sentState(h: HandoffRow, reason: DeclineReason | undefined, reader?: string, now?: Date): string {
  const ae = personFor(h.aeUserId, reader);
  switch (h.status) {
    case 'sent': {
      const clock = dueOrPaused(h, h.authorUserId, `*${aeDeadline(h.dueAt, h.aeTimeZone)}*`);
      const asked = h.questionOpen && !h.pausedAt ? '; *waiting for your answer* to their question' : '';
      return `with ${ae}, ${clock}${asked}`;
    }
    case 'accepted': {
      const step = openStepOf(h, now);
      return step
        ? `accepted by ${ae}: ${stepText(step)}`
        : `accepted by ${ae}. ${outcomeLine(h)}${quietNote(h, now)}`;
    }
    case 'declined':
      return `declined by ${ae}${reason ? `: ${DECLINE_REASONS[reason].label}` : ''}`;
    case 'expired':
      return `expired without an answer from ${ae}`;
    case 'withdrawn':
      // The reader is the author: "you" when they withdrew it; otherwise the owner, or an admin standing in.
      return `withdrawn${withdrawnBy(h, h.authorUserId) || ' by you'}`;
    case 'taken_back':
      return `back with ${h.ownerUserId === reader ? 'you' : `the owner ${personFor(h.ownerUserId, reader)}`} (${ae} had accepted it), who ${h.ownerUserId === reader ? 'decide' : 'decides'} who takes it next`;
  }
}

/**
 * A deal's step ("Accepted: next step due …", "Accepted: *idle*, …" while its first step is open), and an outcome
 * reported for its AE to confirm (the partner has not heard of it).
 */
function dealLine(h: HandoffRow, report: OutcomeReportRow | undefined, reader?: string, now?: Date): string {
  const step = openStepOf(h, now);
  const line = step ? `Accepted: ${stepText(step)}` : `${outcomeLine(h)}${quietNote(h, now)}`;
  if (!report) return line;
  return `${line} *${OUTCOME_LABEL[report.outcome]}* reported by ${personFor(report.reportedByUserId, reader)}, waiting for ${personFor(h.aeUserId, reader)} to confirm it.`;
}

/** Deals in progress: the AE (or an admin) records a step; the owner and the author report it for the AE to confirm. */
function dealBlocks(model: HomeModel): KnownBlock[] {
  if (model.deals.length === 0) return [];
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    section('*Deals in progress* (accepted, not yet won or lost)'),
  ];
  for (const h of model.deals.slice(0, HOME_LIMITS.deals)) {
    blocks.push(
      section(
        `${handoffTitle(h)} with ${personFor(h.aeUserId, model.reader)}. ${dealLine(h, model.reports?.get(h.id), model.reader, model.now)}`,
      ),
    );
    const offer = model.offer(h);
    const buttons = outcomeButtons(h, offer.outcomes) ?? reportButtons(h, offer.reports);
    if (buttons) blocks.push(buttons);
  }
  return blocks;
}

/** The deals the reader won as AE, one line each: a won deal stays on their Home. */
function wonBlocks(model: HomeModel): KnownBlock[] {
  const won = model.won ?? [];
  if (won.length === 0) return [];
  const lines = won.slice(0, HOME_LIMITS.won).map((h) => `:trophy: ${handoffTitle(h)}`);
  const more =
    won.length > HOME_LIMITS.won
      ? [`_Your ${HOME_LIMITS.won} most recent; the others are in \`/handoff list all\`._`]
      : [];
  return [{ type: 'divider' }, section(['*Deals you won*', ...lines, ...more].join('\n'))];
}

/**
 * What this person sent. Someone who sent nothing but has handoffs to answer or deals to move is an AE: no "send
 * one" invitation for them. A cut list says where the rest are, won and lost deals included.
 */
function sentBlocks(model: HomeModel, declineReasons?: Map<number, DeclineReason>): KnownBlock[] {
  const isAe = model.awaiting.length > 0 || model.deals.length > 0 || (model.won?.length ?? 0) > 0;
  if (model.sent.length === 0 && isAe) return [];
  const blocks: KnownBlock[] = [{ type: 'divider' }, section('*What you sent*')];
  if (model.sent.length === 0)
    blocks.push(context('You have not sent a handoff yet. Type `/handoff` to send one.'));
  // The open and won ones were kept first (a cut list keeps them); shown newest first.
  for (const h of model.sent.slice(0, HOME_LIMITS.sent).sort((a, b) => b.id - a.id)) {
    blocks.push(
      section(`${handoffTitle(h)}: ${sentState(h, declineReasons?.get(h.id), model.reader, model.now)}`),
      // What you sent: after the AE's answer, a note to the AE replaces Edit.
      handoffButtons(h, {
        editable: model.offer(h).edit,
        notable: isDecision(h.status),
      }),
    );
  }
  if (model.sent.length > HOME_LIMITS.sent) {
    blocks.push(
      context(
        `Showing ${HOME_LIMITS.sent} of your handoffs: the open and won ones first, then the most recent. The others, lost and declined ones included, are in \`/handoff list all\`.`,
      ),
    );
  }
  return blocks;
}

/** A waiting handoff for its AE: their deadline, or the pause while their question waits. */
function awaitingLine(h: HandoffRow, reader?: string): string {
  const clock = h.pausedAt
    ? dueOrPaused(h, h.aeUserId, '')
    : `answer by *${slackDate(h.dueAt, h.aeTimeZone)}*`;
  return `${handoffTitle(h)} from ${personFor(h.authorUserId, reader)}: ${clock}. The packet is in the DM I sent you.`;
}

/** A question waiting for this author's answer, its Answer button beside it (one block each). */
function questionBlock({
  question: q,
  handoff: h,
}: {
  question: QuestionRow;
  handoff: HandoffRow;
}): KnownBlock {
  const clock = h.pausedAt ? ' Their clock is paused until you answer.' : '';
  return {
    type: 'section',
    block_id: `home_question_${q.id}`,
    text: {
      type: 'mrkdwn',
      verbatim: true,
      text: `${handoffTitle(h)}: ${mention(q.askedByUserId)} asks you, before deciding: “${userText(q.text, 300)}”${clock}`,
    },
    accessory: button({ text: 'Answer', actionId: ACTION_ID.answerQuestion, value: String(q.id) }, h),
  };
}

/** Waiting for this person's answer: the handoffs they must decide (as AE), and the questions they must answer. */
function awaitingBlocks(model: HomeModel): KnownBlock[] {
  const questions = model.questions ?? [];
  const blocks: KnownBlock[] = [section('*Waiting for your answer*')];
  if (model.awaiting.length === 0 && questions.length === 0)
    blocks.push(context('Nothing is waiting for you.'));
  for (const h of model.awaiting.slice(0, HOME_LIMITS.awaiting)) {
    blocks.push(section(awaitingLine(h, model.reader)));
    const offer = model.offer(h);
    if (offer.decide || offer.asks.length > 0)
      blocks.push(decisionButtons(h, `home_decision_${h.id}`, offer));
  }
  blocks.push(...questions.slice(0, HOME_LIMITS.questions).map(questionBlock));
  return blocks;
}

/** Where a handoff its owner must act on stands: open, expired, recently declined, or taken back from its AE. */
function ownedState(h: HandoffRow, reader?: string): string {
  const ae = personFor(h.aeUserId, reader);
  switch (h.status) {
    case 'sent':
      return `with ${ae}, ${dueOrPaused(h, h.ownerUserId, `*${aeDeadline(h.dueAt, h.aeTimeZone)}*`)}${h.moreTime === 'asked' ? `; asks for ${h.moreTimeDays ?? ''} more business days` : ''}`;
    case 'expired':
      return `expired without an answer from ${ae}`;
    case 'declined':
      return `declined by ${ae}: you can give it to another AE (Reassign)`;
    case 'taken_back':
      // Handed back by the AE, or taken back by the policy after the first step went quiet.
      return `back with you (${ae} had accepted it): you can give it to another AE (Reassign) or withdraw it`;
    // Not in the owner's list (its query), unless it changed since: said plainly. Every state named, so a new one is
    // placed here too.
    case 'accepted':
    case 'withdrawn':
      return `${describeStatus(h.status)} (was with ${ae})`;
  }
}

/** The handoffs this person owns that need them (the list's query), each with the owner's buttons it offers. */
function ownedBlocks(model: HomeModel): KnownBlock[] {
  if (model.owned.length === 0) return [];
  const blocks: KnownBlock[] = [
    { type: 'divider' },
    section('*Handoffs you own that need you* (open, expired, taken back, or declined in the last 14 days)'),
  ];
  for (const h of model.owned.slice(0, HOME_LIMITS.owned)) {
    blocks.push(section(`${handoffTitle(h)}: ${ownedState(h, model.reader)}`));
    const actions = ownerActionButtons(h, model.offer(h).owner);
    if (actions) blocks.push(actions);
  }
  if (model.owned.length > HOME_LIMITS.owned) {
    blocks.push(context(`Showing the ${HOME_LIMITS.owned} most recent; the oldest are not listed.`));
  }
  return blocks;
}

/** The App Home, by role: RevOps metrics, the AE's answers to give, deals in progress, what the author sent. */
export function appHomeView(model: HomeModel, declineReasons?: Map<number, DeclineReason>): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: pt('Co-sell handoffs') }];
  if (model.parked) {
    blocks.push(
      section(
        `:warning: *${counted(model.parked, 'message')} parked*: Slack refused ${model.parked === 1 ? 'it' : 'them'} for good. Type \`/handoff outbox\` to see why and retry.`,
      ),
    );
  }
  // The open "Review attribution" items go here, in the room the rest leaves.
  const reviewsAt = blocks.length;
  if (model.revops) blocks.push(...revopsBlocks(model.revops), { type: 'divider' });

  blocks.push(...awaitingBlocks(model));

  blocks.push(...dealBlocks(model));
  blocks.push(...wonBlocks(model));

  blocks.push(...sentBlocks(model, declineReasons));

  blocks.push(...ownedBlocks(model));

  if (model.ownDays) blocks.push(...myDaysBlocks(model.ownDays));
  // Those who run the program: its pages, each edited where its owner works.
  if (model.program) blocks.push(...programHomeBlocks(model.program));
  blocks.splice(reviewsAt, 0, ...reviewItemBlocks(model.reviews, HOME_BLOCKS_MAX - blocks.length));
  return {
    type: 'home',
    private_metadata: JSON.stringify({ period: model.revops?.period ?? DEFAULT_PERIOD }),
    blocks,
  };
}
