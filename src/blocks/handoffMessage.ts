import type { KnownBlock, SectionBlock } from '@slack/types';
import type { DecisionRow, HandoffRow, QuestionRow } from '../db/schema.js';
import type { AeAsk } from '../domain/asks.js';
import { CLASSIFICATION_LABEL } from '../domain/attribution.js';
import { CRMS } from '../domain/crmFacts.js';
import { DECLINE_REASONS, type DeclineReason } from '../domain/decline.js';
import { stepDate } from '../domain/firstStep.js';
import {
  aeHasDeal,
  awaitsAe,
  backWithOwner,
  describeStatus,
  endedForGood,
  lapsed,
  type Offer,
} from '../domain/lifecycle.js';
import type { MoveFacts, PlannedMove } from '../domain/moves.js';
import { readiness } from '../domain/readiness.js';
import { packetQuestion, pausedLine } from './asks.js';
import { ACTION_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { movedToYouBlock, plannedMoveText } from './moveNotices.js';
import {
  channelLink,
  dateInZone,
  mention,
  plain,
  safeLink,
  slackDate,
  userText,
  withdrawnBy,
} from './mrkdwn.js';
import { estimatedValueLine, outcomeLine } from './outcomes.js';
import { findingsSection } from './packetFindings.js';
import { originBlocks } from './packetOrigin.js';
import { button, context, notifyText, pt } from './parts.js';
import { verdictText } from './scoreVerdict.js';
import { stepButtons } from './stepChecks.js';

const SECTION_MAX = 3000;

/** A titled section of user text, always within Slack's 3000-character limit. The title must be mrkdwn-safe. */
export function field(title: string, body: string | null, empty = '_Not given_'): SectionBlock {
  const heading = `*${title}*\n`;
  return {
    type: 'section',
    text: {
      type: 'mrkdwn',
      verbatim: true,
      text: heading + (body ? userText(body, SECTION_MAX - heading.length) : empty),
    },
  };
}

function partnerContact(h: HandoffRow): string {
  return h.partnerContactRole ? `${h.partnerContactName}, ${h.partnerContactRole}` : h.partnerContactName;
}

function partnerMove(h: HandoffRow): string {
  const when = h.partnerNextMoveDate ? `By ${stepDate(h.partnerNextMoveDate)}` : 'No date set';
  const agreed = h.partnerAgreedInWriting ? 'agreed in writing' : 'not yet agreed in writing';
  return `${h.partnerNextMove}\n${when} · ${agreed}.`;
}

/** The current window's length, in words: after an extension or reassignment it is not the packet's. */
export function windowDaysText(h: HandoffRow): string {
  const days = h.windowDays ?? h.responseWindowDays;
  return `${days} business day${days === 1 ? '' : 's'}`;
}

/** The packet's score, verdict and classification, for the AE (internal: never in a partner channel). */
function packetQuality(h: HandoffRow): string {
  if (h.score === null || !h.scoreBand) return '';
  const classification = h.classification ? ` · ${CLASSIFICATION_LABEL[h.classification].toLowerCase()}` : '';
  return ` · packet *${h.score}/18* (${verdictText(h.scoreBand, readiness(h, h.findings))})${classification}`;
}

/** After acceptance: where the deal stands, and the buttons offered to record what happened next. */
function outcomeBlocks(h: HandoffRow, offer: Offer): KnownBlock[] {
  if (!aeHasDeal(h.status)) return [];
  // The outcome steps, and New date while the first step is ahead.
  const buttons = stepButtons(h, offer);
  return [
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: [outcomeLine(h), estimatedValueLine(h)].filter(Boolean).join(' '),
        },
      ],
    },
    ...(buttons ? [buttons] : []),
  ];
}

/** The packet's state for one reader: the decision on their assignment, and the buttons `can` offers them. */
export interface PacketView {
  /** The decision on the handoff's current assignment, if any. */
  decision?: DecisionRow | undefined;
  /** Set on the copy of an AE the handoff was reassigned away from: who has it now. */
  movedTo?: string;
  /** The copy is an older one of the AE who has it again (reassigned away and back): the newer copy asks. */
  superseded?: boolean;
  /** The CRM opportunity recorded since the packet was sent ("Opportunity created"), shown instead of the typed one. */
  crmOpportunity?: string | null;
  /** The copy of an AE the handoff was moved to: how it came to them (blocks/moveNotices.ts). */
  movedFrom?: MoveFacts;
  /** Expired: what a level of the escalation policy will do with it, as the owner's expiry notice says. */
  plan?: PlannedMove | undefined;
  offer: Offer;
  /**
   * Who reads this copy, when it is not the AE (View shows the AE's packet to its author, owner, RevOps): the AE's
   * own words ("by you", "nothing more is needed from you") then name the AE instead.
   */
  reader?: string;
  /** The question this AE asked the author before deciding, and its answer. */
  question?: QuestionRow | undefined;
  /** The away AE whose cover this AE is on this assignment (the touch log's `coverFor`), if any. */
  coverFor?: string | undefined;
}

/** Whom the cover answers for, said to each reader: the cover, the AE they cover for, or anyone else. */
function coverBlock(h: HandoffRow, coverFor: string, reader: string): KnownBlock {
  if (reader === h.aeUserId)
    return context(
      `:busts_in_silhouette: You are answering this as ${mention(coverFor)}'s cover. They are told of it when they are back.`,
    );
  if (reader === coverFor)
    return context(`:busts_in_silhouette: Sent to ${mention(h.aeUserId)} as your cover.`);
  return context(
    `:busts_in_silhouette: ${mention(h.aeUserId)} answers this as ${mention(coverFor)}'s cover.`,
  );
}

function statusBlock(h: HandoffRow, view: PacketView): KnownBlock | undefined {
  const { decision, movedTo } = view;
  const aeReads = (view.reader ?? h.aeUserId) === h.aeUserId;
  const nothingMore = aeReads ? ' Nothing more is needed from you.' : '';
  if (movedTo) {
    // Reassigned away and back: the AE has it again, on a newer copy that asks and stays current.
    if (view.superseded)
      return context(
        `:leftwards_arrow_with_hook: *Reassigned* back to you: your newer message about it, below, is the current one.`,
      );
    return context(`:arrow_right: *Reassigned* to ${mention(movedTo)}.${nothingMore}`);
  }
  if (lapsed(h.status)) {
    // What will happen, as the owner is told it, and all the owner may do.
    const owner = `The owner ${mention(h.ownerUserId)} has been told`;
    return context(
      `:hourglass: *Expired*: no answer by ${slackDate(h.dueAt, h.aeTimeZone)}. ${
        view.plan
          ? `${owner}. ${plannedMoveText(h, view.plan, false)} Until then the owner may still reassign, extend or withdraw it.`
          : `${owner} and may reassign, extend or withdraw it.`
      }`,
    );
  }
  if (endedForGood(h.status)) {
    return context(
      `:no_entry_sign: *Withdrawn*${withdrawnBy(h, view.reader ?? h.aeUserId)}${h.withdrawnAt ? ` ${slackDate(h.withdrawnAt, h.aeTimeZone)}` : ''}.${nothingMore}`,
    );
  }
  if (backWithOwner(h.status)) {
    // Handed back by the AE, or taken back to the owner by the policy: said instead of the accept line,
    // which would read as if the AE still had it.
    const owner =
      view.reader === h.ownerUserId ? 'you decide' : `${mention(h.ownerUserId)} (the owner) decides`;
    return context(
      `:leftwards_arrow_with_hook: *Back with the owner*${h.takenBackAt ? ` since ${slackDate(h.takenBackAt, h.aeTimeZone)}` : ''}: ${aeReads ? 'you' : mention(h.aeUserId)} had accepted it, and ${owner} who takes it next.${nothingMore}`,
    );
  }
  if (awaitsAe(h.status))
    return view.offer.decide || view.offer.asks.length > 0
      ? decisionButtons(h, 'handoff_decision', view.offer)
      : undefined;
  if (!decision) return context(`Status: *${describeStatus(h.status)}*`);
  const when = slackDate(decision.decidedAt, h.aeTimeZone);
  // On the AE's own copy, the AE who decided is "you" (only the AE of the assignment decides).
  const by = aeReads && decision.decidedByUserId === h.aeUserId ? 'you' : mention(decision.decidedByUserId);
  const told = h.partnerChannelId
    ? `The owner and ${channelLink(h.partnerChannelId)} have been told.`
    : 'The owner has been told; there is no partner channel.';
  const text =
    decision.decision === 'accepted'
      ? `:white_check_mark: *Accepted* by ${by} ${when}. ${told}`
      : `:x: *Declined* by ${by} ${when}: ${DECLINE_REASONS[(decision.reasonCode ?? 'other') as DeclineReason].label}.`;
  return { type: 'context', elements: [{ type: 'mrkdwn', verbatim: true, text }] };
}

/** ` · :pencil2: Edited <when>: Seller next move, Warm path` once the packet was changed after it was sent. */
function editedMark(h: HandoffRow): string {
  if (!h.editedAt || h.editCount === 0) return '';
  const fields =
    h.editedFields && h.editedFields.length > 0 ? `: ${userText(h.editedFields.join(', '), 300)}` : '';
  const times = h.editCount > 1 ? ` (${h.editCount} edits)` : '';
  return ` · :pencil2: *Edited* ${slackDate(h.editedAt, h.aeTimeZone)}${times}${fields}`;
}

/**
 * The first line under the title: who sent it, and what is asked of the AE now (an answer by their deadline, the
 * pause while their question waits, or nothing more).
 */
function askLine(h: HandoffRow, moved: boolean, reader: string): string {
  const from = `Handoff #${h.id} from ${mention(h.authorUserId)} · owner ${mention(h.ownerUserId)}${editedMark(h)}`;
  if (awaitsAe(h.status) && !moved && h.pausedAt)
    return `${from} · ${pausedLine(h, reader)} (at most until ${slackDate(h.pauseEndsAt ?? h.dueAt, h.aeTimeZone)})${packetQuality(h)}`;
  if (awaitsAe(h.status) && !moved)
    return `${from} · please answer by *${slackDate(h.dueAt, h.aeTimeZone)}* (${windowDaysText(h)})${packetQuality(h)}`;
  return `${from}${packetQuality(h)}`;
}

/** What the AE asked before deciding: their question (and its answer), their request for more time while it waits. */
function askBlocks(h: HandoffRow, view: PacketView, reader: string): KnownBlock[] {
  if (view.movedTo !== undefined) return [];
  const blocks: KnownBlock[] = [];
  if (view.question && view.question.assignment === h.assignment)
    blocks.push(packetQuestion(h, view.question, reader));
  if (awaitsAe(h.status) && h.moreTime === 'asked') {
    const asker = reader === h.aeUserId ? 'You asked' : `${mention(h.aeUserId)} asked`;
    blocks.push(
      context(
        `:hourglass_flowing_sand: ${asker} for ${h.moreTimeDays ?? ''} more business days: ${mention(h.ownerUserId)} gives them with one click; until then the deadline stands.`,
      ),
    );
  }
  return blocks;
}

/**
 * The CRM record the handoff is linked to (its changes are written there): its name, linked to the address the
 * author pasted when it is one (https only), else with its id. Undefined when not linked, or the field now names
 * another record (an opportunity recorded later).
 */
function linkedRecord(h: HandoffRow, typed: string | null): string | undefined {
  if (!h.crmSystem || !h.crmRecordId) return undefined;
  const name = userText(h.crmRecordName ?? h.crmRecordId, 200);
  const url = typed && /^https:\/\/[^\s|<>]+$/.test(typed.trim()) ? typed.trim() : undefined;
  const record = url ? `<${url}|${name}>` : `${name} (${userText(h.crmRecordId, 40)})`;
  return `${record} · ${CRMS[h.crmSystem].label}, updates are logged there`;
}

/**
 * No record linked nor named in the packet: "None yet", unless the classification was decided from an opportunity the
 * CRM listed on the account, which is then named (the AE would otherwise read "None yet" beside a class it decided).
 */
function unlinkedLine(h: HandoffRow): string {
  const found = h.attribution?.basis === 'crm' ? h.attribution.opportunity : undefined;
  if (!found) return '_None yet_';
  const name = `${userText(found.name, 200)} (${userText(found.id, 40)})`;
  return `_None linked._ On the account in ${CRMS[found.system].label}: ${name}, which decided the classification`;
}

/** The packet as the AE reads it, in their DM: context first, the ask in the middle, the checks last. */
export function handoffMessage(h: HandoffRow, view: PacketView): SlackMessage {
  const moved = view.movedTo !== undefined;
  const status = statusBlock(h, view);
  const crm = view.crmOpportunity || h.crmOpportunity;
  const flagged = findingsSection(h);
  const reader = view.reader ?? h.aeUserId;
  const blocks: KnownBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: plain(`${h.accountName} · via ${h.partnerOrg}`, 150), emoji: false },
    },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: askLine(h, moved, reader),
        },
      ],
    },
    ...(view.movedFrom && !moved ? [movedToYouBlock(h, view.movedFrom)] : []),
    // A cover's packet says whom they answer for (a move to the cover says it in its own block, above).
    ...(view.coverFor && !moved && !view.movedFrom ? [coverBlock(h, view.coverFor, reader)] : []),
    // "Why this AE" is then said by the cover's line, not again as the routing reason.
    ...originBlocks(view.coverFor ? { ...h, routingReason: null } : h),
    field('Customer trigger', h.customerTrigger),
    field('Joint value', h.jointValue),
    field(`Why ${userText(h.partnerOrg, 150)} matters here`, h.whyPartner),
    { type: 'divider' },
    field('Your next move', h.sellerNextMove),
    field('Warm path', h.warmPath),
    field('Partner next move', partnerMove(h)),
    { type: 'divider' },
    {
      type: 'section',
      fields: [
        {
          type: 'mrkdwn',
          verbatim: true,
          text: `*Partner contact*\n${userText(`${partnerContact(h)} (${h.partnerOrg})`, 1900)}`,
        },
        {
          type: 'mrkdwn',
          verbatim: true,
          text: `*CRM opportunity*\n${linkedRecord(h, crm) ?? (crm ? userText(crm, 1900) : unlinkedLine(h))}`,
        },
      ],
    },
    field('Risk and channel conflict', h.riskNote, '_Nothing noted_'),
    ...(flagged ? [flagged] : []),
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        verbatim: true,
        text: `*Evidence*\n${h.evidenceUrl ? safeLink(h.evidenceUrl, 'Open the evidence') : '_No evidence link_'}`,
      },
    },
    ...askBlocks(h, view, reader),
    ...(status ? [status] : []),
    ...(moved ? [] : outcomeBlocks(h, view.offer)),
  ];
  const text =
    awaitsAe(h.status) && !moved
      ? notifyText(
          h,
          h.pausedAt
            ? 'paused: waiting for the author to answer your question.'
            : `new handoff, please accept or decline by ${dateInZone(h.dueAt, h.aeTimeZone)}.`,
        )
      : notifyText(h, `${moved ? 'reassigned' : describeStatus(h.status)}.`);
  return { text, blocks };
}

/** The AE's Accept and Decline buttons (in the DM, and in the App Home with a block id per handoff). */
/** Accept and Decline carry the packet version they show, so an answer to a version an edit replaced is refused. */
export function decisionValue(h: Pick<HandoffRow, 'id' | 'editCount'>): string {
  return h.editCount > 0 ? `${h.id}:e${h.editCount}` : String(h.id);
}

export function decisionButtons(
  h: HandoffRow,
  blockId = 'handoff_decision',
  offer: Pick<Offer, 'decide' | 'asks'> = { decide: true, asks: [] },
): KnownBlock {
  const value = String(h.id);
  return {
    type: 'actions',
    block_id: blockId,
    elements: [
      ...(offer.decide
        ? [
            button(
              {
                text: 'Accept',
                actionId: ACTION_ID.accept,
                value: decisionValue(h),
                style: 'primary' as const,
              },
              h,
            ),
            button({ text: 'Decline', actionId: ACTION_ID.decline, value: decisionValue(h) }, h),
          ]
        : []),
      ...offer.asks.map((ask) => ASK_BUTTONS[ask](h, value)),
    ],
  };
}

/** The AE's choices before deciding (domain/asks.ts), beside Accept and Decline. */
const ASK_BUTTONS: Record<AeAsk, (h: HandoffRow, value: string) => ReturnType<typeof button>> = {
  ask_question: (h, value) => button({ text: 'Ask the author', actionId: ACTION_ID.askQuestion, value }, h),
  ask_more_time: (h, value) =>
    button(
      {
        text: 'Need more time',
        actionId: ACTION_ID.askMoreTime,
        value,
        confirm: {
          title: pt('Ask for more time?'),
          text: pt('You can ask once for this handoff. The owner is told; the partner is not.'),
          confirm: pt('Ask'),
          deny: pt('Cancel'),
        },
      },
      h,
    ),
};
