import type { ActionsBlock, ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { defaultFirstStep, FIRST_STEP_MAX, stepDate } from '../domain/firstStep.js';
import { aeHasDeal, backWithOwner, describeStatus, type Offer } from '../domain/lifecycle.js';
import { ACTION_ID, CALLBACK_ID, STEP_DATE_BLOCK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, plain, slackDate, userText } from './mrkdwn.js';
import { outcomeButtons } from './outcomes.js';
import { button, context, handoffTitle, notifyText, pt, section } from './parts.js';

/**
 * After the Accept: the first step tracked like the response window. The AE is reminded before its
 * date and asked on it how it went (Meeting held, or New date); with no news after the grace the owner is told, and
 * the owner hears of a new date from the second one on. Internal: the partner reads the step, never these.
 */
export type StepMessage = 'reminder' | 'check_in' | 'owner' | 'moved' | 'name';

/** How a deal left its AE after the Accept: handed back by them, or taken back after silence. */
export interface TakenBack {
  handedBack: boolean;
  /** The step and its date then (empty on a deal accepted before the first step existed). */
  step: string;
  stepDue: string;
  /** Business days after the step's date the policy took it back (silence only). */
  days?: number;
  /** The pool the policy would give it to, when nobody there could take it (or its limit of moves was reached). */
  poolName?: string;
  unassigned?: 'pool' | 'limit';
  /** The pool's next AE the policy gave it to at once (the AE it left is told; the owner gets the move's notice). */
  movedTo?: string;
}

/** Why New date was refused: not ours to find, someone else's to do, or nothing to move now. */
export type StepRefusal =
  | { kind: 'not_found' }
  | { kind: 'external' }
  | { kind: 'not_allowed'; handoff: HandoffRow }
  | { kind: 'not_now'; handoff: HandoffRow };

/** New date: the AE's button while the step is ahead. */
export const newStepDateButton = (h: HandoffRow) =>
  button(
    {
      // A deal accepted before first steps has none to move: the same modal names it.
      text: h.firstStep ? 'New date' : 'Name the first step',
      actionId: ACTION_ID.newStepDate,
      value: String(h.id),
      ...(h.firstStep ? {} : { style: 'primary' as const }),
    },
    h,
  );

/**
 * Hand it back: the AE gives the accepted deal back to its owner (Slack's confirm dialog first). The value carries
 * the window it was shown for, so a click on a message older than a move changes nothing.
 */
export const handBackButton = (h: HandoffRow) =>
  button(
    {
      text: 'Hand it back',
      actionId: ACTION_ID.handBack,
      value: `${h.id}:${h.cycle}`,
      confirm: {
        title: pt('Hand this deal back?'),
        // No mention: a confirm dialog's text is plain text (a <@U…> would show as typed), so the owner by role.
        text: pt(
          'The owner of the handoff decides who takes it next. The partner is not told: they hear of the next AE when that AE accepts.',
        ),
        confirm: pt('Hand it back'),
        deny: pt('Keep it'),
      },
    },
    h,
  );

/** The AE's buttons on a step's message: the outcome steps (Meeting held first), New date and Hand it back, as offered. */
export function stepButtons(
  h: HandoffRow,
  offer: Pick<Offer, 'outcomes' | 'newStepDate' | 'handBack'>,
): ActionsBlock | undefined {
  const steps = outcomeButtons(h, offer.outcomes);
  const more = [
    ...(offer.newStepDate ? [newStepDateButton(h)] : []),
    ...(offer.handBack ? [handBackButton(h)] : []),
  ];
  if (more.length === 0) return steps;
  return steps
    ? { ...steps, elements: [...steps.elements, ...more] }
    : { type: 'actions', block_id: `step_${h.id}`, elements: more };
}

const stepOf = (h: HandoffRow) => `*${userText(h.firstStep ?? '', 150)}*`;

/** What the policy does if nothing is recorded (the check-in's and the owner's words): " If nothing … by …, it …". */
function takeBackLine(
  h: HandoffRow,
  p: { takeBackAt?: number | undefined; takeBackTo?: string | undefined },
) {
  if (p.takeBackAt === undefined || !p.takeBackTo) return '';
  const to =
    p.takeBackTo === 'owner'
      ? `goes back to ${mention(h.ownerUserId)} (the owner)`
      : `goes to the next AE of the *${userText(p.takeBackTo, 60)}* pool`;
  return ` If nothing is recorded by ${slackDate(new Date(p.takeBackAt), h.aeTimeZone)}, it ${to}; the partner is not told.`;
}

/** Where the step stands now, when it is no longer what the message was about: done, moved, or closed. */
function stepNow(h: HandoffRow, due: string, kind?: StepMessage): string | undefined {
  if (h.firstStepDoneAt || h.outcome) return ':white_check_mark: Done: an outcome was recorded since.';
  if (!aeHasDeal(h.status)) return undefined;
  // Asked to name a step: named since.
  if (kind === 'name')
    return h.firstStep && h.firstStepDue
      ? `:white_check_mark: Named: ${stepOf(h)} by ${stepDate(h.firstStepDue)}.`
      : undefined;
  if (h.firstStepDue && h.firstStepDue !== due)
    return `:calendar: It has a new date now: ${stepDate(h.firstStepDue)}.`;
  return undefined;
}

/**
 * One message of the first step's tracking, from the handoff now: what it was about (the step and its date then),
 * and, once that is no longer so, where the step stands. The AE's buttons (Meeting held …, New date) are added by the
 * surface, on their newest one while it is about the step's date now (core/surfaceOffers.ts).
 */
export function stepCheckMessage(
  h: HandoffRow,
  p: {
    kind: StepMessage;
    due: string;
    from?: string | undefined;
    takeBackAt?: number | undefined;
    takeBackTo?: string | undefined;
    stepText?: string | undefined;
    ae?: string | undefined;
    assignment?: number | undefined;
  },
): SlackMessage {
  const title = handoffTitle(h);
  const when = stepDate(p.due);
  // What the policy does if nothing is recorded, only while that can still happen: once the deal left the AE (handed
  // back, taken back, moved on), the step was done, or it has a new date, "If nothing is recorded by … it goes to …"
  // would be untrue (the Now line and stepNow say where it stands).
  const still =
    aeHasDeal(h.status) &&
    !h.firstStepDoneAt &&
    !h.outcome &&
    (p.assignment === undefined || p.assignment === h.assignment) &&
    (p.ae === undefined || p.ae === h.aeUserId) &&
    h.firstStepDue === p.due;
  const takeBack = still ? takeBackLine(h, p) : '';
  // The step and the AE the message was about when queued (recorded since this version): another AE's accept later
  // does not rewrite it.
  const step = `*${userText(p.stepText ?? h.firstStep ?? '', 150)}*`;
  const ae = p.ae ?? h.aeUserId;
  const lines: Record<StepMessage, { text: string; notify: string }> = {
    reminder: {
      text: `:spiral_calendar_pad: Coming up on handoff ${title}: your first step, ${step}, by ${when}. The partner was told it is next.`,
      notify: `your first step is due ${when}.`,
    },
    check_in: {
      text: `:wave: ${when} was the date of your first step on handoff ${title}: ${step}. How did it go? Record *Meeting held* once it happened, give it a *New date*, or *Hand it back* to the owner if you cannot take it forward. The partner sees it as our next step until the end of ${when}; after that, only a *New date* shows it to them again.${takeBack}`,
      notify: 'how did your first step go?',
    },
    owner: {
      text: `:warning: No news of the first step on handoff ${title}: ${mention(ae)} said ${step} by ${when}, was asked on the day, and has recorded nothing since. You may want to ask them.${takeBack}`,
      notify: 'no news of the first step.',
    },
    name: {
      text: `:spiral_calendar_pad: Handoff ${title}, which you accepted, has no first step: it was accepted before the app asked for one. Name it and its date with *Name the first step*: the partner reads them, and you are reminded and asked on the date, as for every deal accepted since.`,
      notify: 'name your first step.',
    },
    moved: {
      text: `:calendar: ${mention(ae)} gave the first step on handoff ${title} a new date again: ${step} by ${when}${p.from ? ` (was ${stepDate(p.from)})` : ''}.`,
      notify: `the first step moved to ${when}.`,
    },
  };
  // About an earlier AE's step (the deal moved on since): the surface's Now line says where it stands.
  const now =
    p.assignment !== undefined && p.assignment !== h.assignment ? undefined : stepNow(h, p.due, p.kind);
  return {
    text: notifyText(h, lines[p.kind].notify),
    blocks: [section(lines[p.kind].text), ...(now ? [context(now)] : [])],
  };
}

/** New date: the step's date picker (its default the next business day), the step itself unchanged. */
export function stepDateModal(h: HandoffRow, suggested: string): ModalView {
  if (!h.firstStep) return nameStepModal(h, suggested);
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.stepDate,
    // The new dates so far: a second submit of this modal (a double click) finds the count moved on.
    private_metadata: JSON.stringify({ handoffId: h.id, newDates: h.stepNewDates }),
    title: pt('New date'),
    submit: pt('Save'),
    close: pt('Back'),
    blocks: [
      section(
        `Your first step on handoff ${handoffTitle(h)}: ${stepOf(h)}, by ${stepDate(h.firstStepDue ?? suggested)}. The partner reads the new date where the step is shown.${h.stepNewDates >= 1 ? ' The owner is told of this new date.' : ''}`,
      ),
      {
        type: 'input',
        block_id: STEP_DATE_BLOCK_ID.due,
        label: pt('New date'),
        element: { type: 'datepicker', action_id: ACTION_ID.value, initial_date: suggested },
      },
    ],
  };
}

/**
 * The same modal for a deal accepted before first steps: the step's words (the accept's default offered)
 * and its date, checked as the accept checks them.
 */
function nameStepModal(h: HandoffRow, suggested: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.stepDate,
    private_metadata: JSON.stringify({ handoffId: h.id, newDates: h.stepNewDates }),
    title: pt('First step'),
    submit: pt('Save'),
    close: pt('Back'),
    blocks: [
      section(
        `Your first step on handoff ${handoffTitle(h)}, which you accepted. The partner reads it and its date word for word, and you are reminded and asked on the date.`,
      ),
      {
        type: 'input',
        block_id: STEP_DATE_BLOCK_ID.text,
        label: pt('First step (the partner reads it)'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          max_length: FIRST_STEP_MAX,
          initial_value: plain(defaultFirstStep(h), FIRST_STEP_MAX),
        },
      },
      {
        type: 'input',
        block_id: STEP_DATE_BLOCK_ID.due,
        label: pt('By'),
        element: { type: 'datepicker', action_id: ACTION_ID.value, initial_date: suggested },
      },
    ],
  };
}

/** Why New date was refused, for the person who clicked (mrkdwn) or inline on the modal (`plainWords`). */
export function stepRefusal(refusal: StepRefusal, plainWords = false): string {
  switch (refusal.kind) {
    case 'not_found':
      return 'I could not find that handoff, so nothing was changed.';
    case 'external':
      return 'This button is for the internal team that sent the handoff. Nothing was changed.';
    case 'not_allowed':
      return plainWords
        ? 'Only the account executive who accepted this handoff can give its first step a new date.'
        : `Only ${mention(refusal.handoff.aeUserId)}, who accepted this handoff, can give its first step a new date. Nothing was changed.`;
    case 'not_now': {
      const h = refusal.handoff;
      if (aeHasDeal(h.status) && h.firstStep && !h.firstStepDoneAt && !h.outcome && h.firstStepDue)
        return `Its first step was given a new date a moment ago (${stepDate(h.firstStepDue)}): open New date again to change it. Nothing was changed.`;
      const why = !aeHasDeal(h.status)
        ? `it is ${describeStatus(h.status)}`
        : h.firstStepDoneAt || h.outcome
          ? 'its first step is done: an outcome was recorded'
          : 'it has no first step to move';
      return `Handoff #${h.id} has no first step to move now: ${why}. Nothing was changed.`;
    }
  }
}

/**
 * A deal taken back from its AE after the Accept, for the owner, the author and the AE it left: what
 * happened (handed back, or the first step silent past the policy's take-back), who decides next, and what the partner
 * was told (the accept and the step; nothing of this). Its words stay true; the owner's Reassign and Withdraw come
 * with the surface while they can still act.
 */
export function takenBackNotice(
  h: HandoffRow,
  t: TakenBack,
  ae: string,
  reader: string | undefined,
): SlackMessage {
  const title = handoffTitle(h);
  const step = t.step && t.stepDue ? `*${userText(t.step, 150)}* by ${stepDate(t.stepDue)}` : 'none named';
  const toAe = reader === ae;
  const owner = reader === h.ownerUserId ? 'You decide' : `${mention(h.ownerUserId)} (the owner) decides`;
  const what = t.handedBack
    ? toAe
      ? `:leftwards_arrow_with_hook: You handed back handoff ${title}, which you had accepted (your first step: ${step}).`
      : `:leftwards_arrow_with_hook: ${mention(ae)} handed back handoff ${title}, which they had accepted (their first step: ${step}).`
    : `:leftwards_arrow_with_hook: Handoff ${title} was taken back from ${toAe ? 'you' : mention(ae)}: ${toAe ? 'your' : 'the'} first step, ${step}, had no news ${t.days ?? ''} business day${t.days === 1 ? '' : 's'} after its date, after a reminder and a check-in.`;
  const pool = t.poolName ? `*${userText(t.poolName, 60)}*` : 'the';
  const unassigned =
    t.unassigned === 'limit'
      ? ' The policy gives such deals to the next AE of a pool, but it has moved this one as often as it may.'
      : t.unassigned === 'pool'
        ? ` The policy gives such deals to the next AE of the ${pool} pool, but nobody there could take it.`
        : '';
  const next = t.movedTo
    ? `It went on to ${mention(t.movedTo)}, the next AE of the ${pool} pool (round robin), with a fresh window.`
    : `${owner} who takes it next: *Reassign* it to another AE, or *Withdraw* it.`;
  const partner = h.partnerChannelId
    ? ' The partner was told it was accepted; they are not told why it moved, and read that we are finding the right person until the next AE accepts (then their name).'
    : '';
  return {
    text: notifyText(h, t.handedBack ? 'handed back by the AE.' : 'taken back from the AE.'),
    blocks: [section(`${what}${unassigned} ${next}${partner}`)],
  };
}

/** A deal back with its owner and given to nobody: since when (epoch ms; its day where the owner is), for how long. */
export interface StillWaiting {
  since: number;
  sinceDay: string;
  days: number;
}

/**
 * A deal back with its owner and given to nobody: the owner's reminder of the morning (their
 * Reassign and Withdraw come with the surface), or their manager's notice. Its words stay true of that morning.
 */
export function stillWaitingNotice(h: HandoffRow, w: StillWaiting, reader: string | undefined): SlackMessage {
  const waited = `since ${stepDate(w.sinceDay)}, ${w.days} business day${w.days === 1 ? '' : 's'}`;
  const head = `:alarm_clock: Handoff ${handoffTitle(h)} still waits for an AE`;
  const text =
    reader === h.ownerUserId
      ? `${head}: back with you ${waited}. You decide who takes it: *Reassign* it to another AE, or *Withdraw* it.`
      : `${head}: back with ${mention(h.ownerUserId)} (the owner) ${waited}. They are reminded each working morning; they can *Reassign* or *Withdraw* it.`;
  const partner = h.partnerChannelId
    ? ' The partner reads that we are finding the right person to take it forward.'
    : '';
  return { text: notifyText(h, 'still waits for an AE.'), blocks: [section(`${text}${partner}`)] };
}

/** Why Hand it back was refused, for the person who clicked (mrkdwn). */
export function handBackRefusal(refusal: StepRefusal): string {
  switch (refusal.kind) {
    case 'not_found':
    case 'external':
      return stepRefusal(refusal);
    case 'not_allowed':
      return `Only ${mention(refusal.handoff.aeUserId)}, who accepted this handoff, can hand it back. Nothing was changed.`;
    case 'not_now': {
      const h = refusal.handoff;
      if (backWithOwner(h.status))
        return `Handoff #${h.id} is already back with its owner, ${mention(h.ownerUserId)}, who decides who takes it next. Nothing was changed.`;
      const why = !aeHasDeal(h.status)
        ? `it is ${describeStatus(h.status)}`
        : h.outcome
          ? 'an outcome was recorded on it: it is under way'
          : 'it changed since this message';
      return `Handoff #${h.id} cannot be handed back now: ${why}. Nothing was changed.`;
    }
  }
}

/** `/handoff steps` and `/handoff steps ask` (admins): deals accepted before first steps, and their AEs asked. */
export function stepsReply(
  result: { kind: 'forbidden' } | { kind: 'listed'; count: number } | { kind: 'asked'; count: number },
  forbidden: string,
): string {
  const deals = (n: number) => `${n} accepted deal${n === 1 ? '' : 's'}`;
  switch (result.kind) {
    case 'forbidden':
      return forbidden;
    case 'listed':
      return result.count === 0
        ? 'Every accepted deal with no outcome yet has a first step. Nothing to ask.'
        : `${deals(result.count)} with no outcome yet ${result.count === 1 ? 'has' : 'have'} no first step: accepted before the app asked for one, so nothing reminds their AEs or takes them back. \`/handoff steps ask\` asks each AE by DM to name one (the partner reads it, and the deal is then tracked under its policy).`;
    case 'asked':
      return result.count === 0
        ? 'Every accepted deal with no outcome yet has a first step. Nobody was asked.'
        : `Asked the AEs of ${deals(result.count)} to name a first step, each by DM with *Name the first step*.`;
  }
}
