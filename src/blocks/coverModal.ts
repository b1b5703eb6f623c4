import type { KnownBlock, ModalView } from '@slack/types';
import type { CoverRow, HandoffRow } from '../db/schema.js';
import { standing } from './handoffList.js';
import { ACTION_ID, CALLBACK_ID, COVER_BLOCK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { mention, slackDate } from './mrkdwn.js';
import { button, context, handoffTitle, pt, section } from './parts.js';

/** What naming a cover does, and what makes one away: said in the form and in the confirmation. */
export const COVER_MEANS =
  'Naming a cover does not make you away. You are away while your Slack status says so (:palm_tree: Vacation, Out of office…) or on the days away you give here: a handoff that expires then is not counted as your silence. One that expires while you are not away counts, cover or not.';

/** The cover as the form and the confirmation say it: who, and when they answer for the AE. */
export function coverWhenText(c: Pick<CoverRow, 'awayFrom' | 'until'>): string {
  return c.awayFrom
    ? `while you are away, *${c.awayFrom}* to *${c.until}* (your calendar), and while your Slack status says you are away until then`
    : `while your Slack status says you are away, until *${c.until}*`;
}

/**
 * `/handoff cover`: the AE names who answers for them while they are away, until when, and (if they know them) the
 * days they are away. New handoffs to them offer the cover (the author may send to the cover instead), and escalation
 * policies can notify it. "Away from" starts empty: naming a cover ahead of time, or for the days a Slack status will
 * say away, must not make anyone away today.
 */
export function coverModal(opts: {
  current?: CoverRow | undefined;
  until?: string;
  from?: string;
  cover?: string;
}): ModalView {
  const current = opts.current;
  const from = opts.from ?? current?.awayFrom ?? undefined;
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.cover,
    title: pt('Cover while away'),
    submit: pt('Save cover'),
    close: pt('Cancel'),
    private_metadata: '{}',
    blocks: [
      section(
        current
          ? `${mention(current.coverUserId)} answers for you ${coverWhenText(current)}. Change it here, or type \`/handoff cover off\` to end it.`
          : 'Name who answers for you while you are away. New handoffs sent to you then offer them to the sender, and escalations can reach them.',
      ),
      context(COVER_MEANS),
      {
        type: 'input',
        block_id: COVER_BLOCK_ID.cover,
        label: pt('Who covers for you'),
        element: {
          type: 'users_select',
          action_id: ACTION_ID.value,
          ...((opts.cover ?? current?.coverUserId)
            ? { initial_user: opts.cover ?? current?.coverUserId }
            : {}),
        },
      },
      {
        type: 'input',
        block_id: COVER_BLOCK_ID.from,
        optional: true,
        label: pt('Away from (your first day away)'),
        hint: pt(
          'Leave it empty if you have no days away to give: your cover then answers only while your Slack status says you are away.',
        ),
        element: { type: 'datepicker', action_id: ACTION_ID.value, ...(from ? { initial_date: from } : {}) },
      },
      {
        type: 'input',
        block_id: COVER_BLOCK_ID.until,
        label: pt('Until (the last day)'),
        hint: pt('The last day of the cover, and of your days away if you gave a first day.'),
        element: {
          type: 'datepicker',
          action_id: ACTION_ID.value,
          ...((opts.until ?? current?.until) ? { initial_date: opts.until ?? current?.until } : {}),
        },
      },
      context('Only your own cover. Your colleague is told by DM, with the dates.'),
    ],
  };
}

/**
 * To the person named as cover: who named them, from and until which day, and what it means for them. `away`: the
 * AE gave those days as days away; else they answer only while the AE's Slack status says away.
 */
export function coverNamedMessage(c: {
  aeUserId: string;
  coverUserId: string;
  from: string;
  until: string;
  away?: boolean;
}) {
  const ae = mention(c.aeUserId);
  const when = c.away
    ? `while they are away, from *${c.from}* until *${c.until}* (the last day), days of their calendar`
    : `from *${c.from}* until *${c.until}* (the last day), while their Slack status says they are away`;
  return {
    text: `${ae} named you to answer for them from ${c.from} until ${c.until}.`,
    blocks: [
      section(
        `:busts_in_silhouette: ${ae} named you to answer for them ${when}. While it lasts, new handoffs sent to ${ae} offer you to the sender instead, owners may reassign ${ae}'s handoffs to you, and escalation policies may tell you of them or give them to you. Nothing to do now.`,
      ),
    ],
  };
}

/** To a cover replaced by someone else, or whose cover the AE ended: they no longer answer for the AE. */
export function coverEndedMessage(
  c: { aeUserId: string; until: string },
  why: 'replaced' | 'ended' = 'replaced',
) {
  const because = {
    replaced: `${mention(c.aeUserId)} named someone else to answer for them`,
    ended: `${mention(c.aeUserId)} ended their cover (\`/handoff cover off\`)`,
  }[why];
  return {
    text: `You no longer cover for ${mention(c.aeUserId)} (it was until ${c.until}).`,
    blocks: [
      section(`:white_check_mark: ${because}: you no longer cover for them (it was until ${c.until}).`),
    ],
  };
}

/** A handoff that went to the AE's cover while they were away, for their "While you were away" DM. */
export interface CoveredDeal {
  h: HandoffRow;
  /** The cover it went to (the handoff may be with someone else now). */
  cover: string;
  /** When it went to the cover. */
  at: Date;
}

/** The deals the DM lists one by one; the rest are counted (a message holds at most 50 blocks). */
const COVERED_SHOWN = 20;

/**
 * To the AE back from an absence (their cover ended): each handoff that went to their cover meanwhile, where it stands
 * now and with whom, and View (they may view and follow each). Internal: the partner never hears of a cover.
 */
export function whileAwayMessage(deals: readonly CoveredDeal[], timeZone: string): SlackMessage {
  const n = deals.length;
  const intro = `:wave: *While you were away*, ${n === 1 ? 'one handoff meant for you was' : `${n} handoffs meant for you were`} sent to your cover. Where each stands now:`;
  const rows: KnownBlock[] = deals.slice(0, COVERED_SHOWN).map((d) => ({
    type: 'section',
    text: {
      type: 'mrkdwn',
      verbatim: true,
      text: `Handoff ${handoffTitle(d.h)}\nTo ${mention(d.cover)} as your cover ${slackDate(d.at, timeZone)}. Now: ${standing(d.h)}.`,
    },
    accessory: button({ text: 'View', actionId: ACTION_ID.view, value: String(d.h.id) }, d.h),
  }));
  const more =
    n > COVERED_SHOWN
      ? [
          context(
            `…and ${n - COVERED_SHOWN} more: ${deals
              .slice(COVERED_SHOWN)
              .map((d) => `#${d.h.id}`)
              .join(', ')} (\`/handoff view <#>\` shows each).`,
          ),
        ]
      : [];
  return {
    text: `While you were away: ${n} handoff${n === 1 ? '' : 's'} meant for you went to your cover.`,
    blocks: [
      section(intro),
      ...rows,
      ...more,
      context(
        'You may view and follow each: View shows it with its history. The partner never reads of a cover.',
      ),
    ],
  };
}
