import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { readablePolicyName, type Trigger } from '../domain/escalation.js';
import { stepDate } from '../domain/firstStep.js';
import { awaitsAe, lapsed } from '../domain/lifecycle.js';
import {
  type AwaySeen,
  type Chosen,
  type LeftAs,
  type MoveFacts,
  type Mover,
  type PartnerSoFar,
  type PlannedMove,
  type PolicyRule,
  type PoolRef,
  packetNamesFormerAe,
  type Skipped,
  type Unassigned,
} from '../domain/moves.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, notifyText, ON_NEWEST, type OwnerButtons, section } from './parts.js';

/**
 * Why a handoff moved, told to each reader: the AE who receives it (how it came, and what the partner had heard), the
 * owner and author (who or what moved it), the owner when a policy could not move it (and why each pool member was
 * passed over), the author when the packet still names the AE it moved from. Every fact is of the moment it moved
 * (domain/moves.ts), in words that stay true.
 */

/** When a policy's level acts, in plain words: "4 business hours after the due time", "at the due time". */
export function triggerWords(at: Trigger): string {
  switch (at.kind) {
    case 'share':
      return `at ${at.percent}% of the window`;
    case 'lastMorning':
      return 'on the morning of the last day';
    case 'due': {
      const hours = at.afterBusinessHours;
      if (hours === 0) return 'at the due time';
      // Said in the unit the policy gave it: "1 business day", never its hours beside the policy's days.
      const days = at.afterBusinessDays;
      if (days) return `${days} business day${days === 1 ? '' : 's'} after the due time`;
      const amount = Number.isInteger(hours)
        ? `${hours} business hour${hours === 1 ? '' : 's'}`
        : `${Math.round(hours * 60)} business minutes`;
      return `${amount} after the due time`;
    }
  }
}

const TRIES = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth', 'seventh', 'eighth', 'ninth', 'tenth'];

/** Which try of a repeating level: "" for the first, " (its second try)" after. */
const tryWords = (repeat: number | undefined) =>
  repeat ? ` (its ${TRIES[repeat] ?? `${repeat + 1}th`} try)` : '';

/** The policy, named as people read it: "the *Meridian partners* escalation policy" (an older record: the id made readable). */
const policyName = (rule: Pick<PolicyRule, 'policy' | 'policyName'>) =>
  `the *${userText(rule.policyName ?? readablePolicyName(rule.policy), 60)}* escalation policy`;

/** A pool, named as people read it: "the *Enterprise backup* pool" (an older record: the id made readable). */
const poolName = (ref: Partial<PoolRef>) =>
  `the *${userText(ref.poolName ?? readablePolicyName(ref.pool ?? ''), 60)}* pool`;

/**
 * An escalation policy's level, as people read it: "the *Meridian* escalation policy, 4 business hours after the due
 * time". The level's number and the policy's id are for the touch log, not for people; an older record without its
 * trigger names the policy alone.
 */
export function policyRule(rule: PolicyRule): string {
  const after = rule.afterStepDays;
  const when = rule.at
    ? `, ${triggerWords(rule.at)}`
    : after !== undefined
      ? `, ${after} business day${after === 1 ? '' : 's'} after the AE's first step was due`
      : '';
  return `${policyName(rule)}${when}${tryWords(rule.repeat)}`;
}

/** The same as a sentence's subject: "The *Meridian* escalation policy, 4 business hours after the due time,". */
export const PolicyRuleSubject = (rule: PolicyRule) => {
  const text = `T${policyRule(rule).slice(1)}`;
  return rule.at || rule.repeat ? `${text},` : text;
};

/** Who moved it, for `reader`: "you", the owner or an admin by name, or the policy's level in plain words. */
export function moverText(by: Mover, reader: string | undefined): string {
  if (by.kind === 'policy') return policyRule(by);
  if (by.user === reader) return 'you';
  return `${mention(by.user)} (${by.role === 'owner' ? 'the owner' : 'an admin'})`;
}

/** What showed the AE was away: their status, the days away they gave, or (older records) the cover they named. */
function awayText(away: AwaySeen | undefined): string {
  if (!away) return '';
  if (away.days) return ` while away (the days away they gave: ${userText(away.days, 100)})`;
  if (away.status) return ` while away (status: ${userText(away.status, 100)})`;
  return away.cover ? ` while away (they had named ${mention(away.cover)} to cover)` : ' while away';
}

/** Where the AE it moved from had left it: "@Jordan did not answer by … while away (status: …)". */
export function leftText(left: LeftAs, from: string, timeZone: string): string {
  const ae = mention(from);
  switch (left.kind) {
    case 'expired':
      return `${ae} did not answer by ${slackDate(new Date(left.due), timeZone)}${awayText(left.away)}`;
    case 'declined':
      return `${ae} declined it (${userText(left.reason, 100)})`;
    case 'open':
      return `${ae} had not answered yet${awayText(left.away)}`;
    case 'taken_back': {
      const step =
        left.step && left.stepDue
          ? ` (first step: ${userText(left.step, 150)} by ${stepDate(left.stepDue)})`
          : '';
      return left.handedBack
        ? `${ae} accepted it, then handed it back${step}`
        : `${ae} accepted it, then recorded nothing on the first step past the check-in${step}`;
    }
  }
}

/** How the new AE was picked, said to them ("you are …") or of them. */
function chosenText(chosen: Chosen, subject: string, from: string): string {
  switch (chosen.kind) {
    case 'pool':
      return `${subject} the next AE of ${poolName(chosen)} (round robin)`;
    case 'cover':
      return `${subject} the cover ${mention(from)} named`;
    case 'picked':
      return '';
  }
}

/** The partner's stages as an internal reader is told of them ("had last been told …"). */
const PARTNER_STAGE: Record<string, string> = {
  considering: 'that we have the deal in hand, with no AE named',
  declined: 'that it was not taken forward (no AE named)',
  withdrawn: 'that it was closed for now',
  accepted: 'that an AE took it',
};

/** What the partner had been told when it moved (from the partner's view, domain/partnerView.ts). */
export function partnerSoFarText(partner: PartnerSoFar, h: HandoffRow): string {
  const org = userText(h.partnerOrg, 150);
  switch (partner.kind) {
    case 'no_channel':
      return `There is no partner channel: the app tells ${org} nothing.`;
    case 'nothing':
      return `When it moved, ${org} had heard nothing of this handoff from us.`;
    case 'told': {
      const said = PARTNER_STAGE[partner.stage] ?? `of its stage "${userText(partner.stage, 40)}"`;
      const wording = partner.wording ? `: "${userText(partner.wording, 200)}"` : '';
      // A sentence quoted whole already ends with its stop: not another one after the quote.
      const stop = /[.!?]$/.test(partner.wording?.trim() ?? '') ? '' : '.';
      return `When it moved, ${org} had last been told ${said}${wording}${stop}`;
    }
  }
}

/** For the AE who receives a moved handoff (on their packet): how it came, and what the partner had heard. */
export function movedToYouBlock(h: HandoffRow, move: MoveFacts): KnownBlock {
  const how = chosenText(move.chosen, 'You are', move.from);
  const named = move.partner.kind === 'no_channel' ? '' : ' They hear your name only once you accept.';
  return context(
    `:arrows_counterclockwise: *Moved to you from* ${mention(move.from)} by ${moverText(move.by, h.aeUserId)}: ${leftText(move.left, move.from, h.aeTimeZone)}.${how ? ` ${how}.` : ''}\n*The partner so far:* ${partnerSoFarText(move.partner, h)}${named}`,
  );
}

/** For the owner and the author: who or what moved it, and why ("Moved by …: @Jordan did not answer …"). */
export function moveWhyLine(h: HandoffRow, move: MoveFacts, reader: string | undefined): string {
  const how = chosenText(move.chosen, `; ${mention(h.aeUserId)} is`, move.from);
  const mover = moverText(move.by, reader);
  return `_Moved by ${mover}: ${leftText(move.left, move.from, h.aeTimeZone)}${how}._`;
}

/** The same, short, for an older notice: " (by the *Meridian* escalation policy, 4 business hours after the due time)". */
export const movedByPast = (move: MoveFacts, reader: string | undefined) =>
  ` (by ${moverText(move.by, reader)})`;

/**
 * For the author, while the packet still names the AE it moved from: which fields, and that the new AE reads them as
 * written. Undefined when none does (or the reader is not the author).
 */
export function packetNamesBlock(
  h: HandoffRow,
  move: MoveFacts,
  reader: string | undefined,
): KnownBlock | undefined {
  if (reader !== h.authorUserId) return undefined;
  const fields = packetNamesFormerAe(h, move);
  if (fields.length === 0) return undefined;
  const list = fields.map((f) => `*${f}*`).join(', ');
  return section(
    `:pencil2: The packet still names ${userText(move.fromName, 100)} in ${list}. ${mention(h.aeUserId)} reads it as written: edit it if it should say something else now.`,
  );
}

/** "@Sam: its AE now; @Jordan: already had it". */
const skippedText = (skipped: readonly Skipped[]) =>
  skipped.map((s) => `${mention(s.user)}: ${userText(s.why, 100)}`).join('; ');

/** Why a policy's level could not move the handoff, as one sentence for the owner. */
export function unassignedText(h: HandoffRow, u: Unassigned): string {
  const step = PolicyRuleSubject(u);
  const title = handoffTitle(h);
  switch (u.why) {
    case 'limit':
      return `${step} did not move handoff ${title} again: the escalation policies have moved it ${u.limit ?? 0} time${u.limit === 1 ? '' : 's'}, the most they may.`;
    case 'pool': {
      const who = u.skipped && u.skipped.length > 0 ? ` (${skippedText(u.skipped)})` : '';
      return `${step} could not give handoff ${title} to another AE: nobody in ${poolName(u)} can take it now${who}.`;
    }
    case 'cover':
      return u.cover
        ? `${step} could not give handoff ${title} to ${mention(u.cover)}, the cover ${mention(h.aeUserId)} named: ${userText(u.coverWhy ?? 'they cannot take it', 100)}.`
        : `${step} could not give handoff ${title} to a cover: ${mention(h.aeUserId)} has named none.`;
  }
}

/** What a failed move asks of the owner when nothing else will act, by where their buttons are. */
const UNASSIGNED_ASK: Record<OwnerButtons, string> = {
  here: ': reassign it yourself, give more time, or withdraw it.',
  newest: `: you can reassign it yourself, give more time, or withdraw it ${ON_NEWEST}.`,
  none: '.',
};

/**
 * To the owner: a policy's level could not move the handoff, and why; what they can do is on the buttons (`buttons`:
 * where they are), and what a later try of the policy will do (`plan`), if one will come.
 */
export function unassignedMessage(
  h: HandoffRow,
  u: Unassigned,
  plan?: PlannedMove,
  buttons: OwnerButtons = 'here',
): SlackMessage {
  const stays = `It stays with ${mention(h.aeUserId)}${lapsed(h.status) ? ', expired' : ''}`;
  // A later try of the policy: said instead of asking the owner to act (they are asked when nothing will act).
  const next = plan
    ? `${stays}. ${plannedMoveText(h, plan, awaitsAe(h.status))} You need not do anything.`
    : `${stays}${UNASSIGNED_ASK[buttons]}`;
  return {
    text: notifyText(h, `could not be moved to another AE; it stays with ${userText(h.aeName, 100)}.`),
    blocks: [section(`:busts_in_silhouette: ${unassignedText(h, u)}`), context(next)],
  };
}

/** The same, in the past tense, for an older notice. */
export const unassignedPast = (h: HandoffRow, u: Unassigned) =>
  `:busts_in_silhouette: ${PolicyRuleSubject(u)} could not move handoff ${handoffTitle(h)} then.`;

/** Whom a planned move gives it to: "the next AE of the *Backup* pool who can take it (round robin)", or the cover. */
function plannedTarget(h: HandoffRow, plan: PlannedMove): string {
  return plan.to.kind === 'pool'
    ? `the next AE of ${poolName(plan.to)} who can take it (round robin)`
    : `${mention(plan.to.cover)}, the cover ${mention(h.aeUserId)} named`;
}

/**
 * What a policy will do (told to the owner instead of asking them to act), as a sentence. `open`: the AE can still
 * answer, and the level acts only if they have not by then; else it expired, and the level acts at its time, or now
 * (the same sweep).
 */
export function plannedMoveText(h: HandoffRow, plan: PlannedMove, open: boolean): string {
  const who = plannedTarget(h, plan);
  const again = plan.repeat ? `, its ${TRIES[plan.repeat] ?? `${plan.repeat + 1}th`} try` : '';
  const when = `${plan.at ? triggerWords(plan.at) : 'its next step'}${again}`;
  // Read by the owner: the AE's clock beside the date (the level acts in the AE's calendar).
  const date = aeDeadline(new Date(plan.when), h.aeTimeZone);
  if (open)
    return `If ${mention(h.aeUserId)} has not answered by *${date}* (${when}), ${policyName(plan)} gives it to ${who}.`;
  if (plan.now) return `${PolicyRuleSubject(plan)} is giving it to ${who} now.`;
  return `T${policyName(plan).slice(1)} gives it to ${who} ${when}: *${date}*.`;
}

/** Who moved it, as a sentence's subject for `reader`: "You", the owner or an admin by name, or the policy's level. */
function moverSubject(by: Mover, reader: string | undefined): string {
  if (by.kind === 'policy') return PolicyRuleSubject(by);
  const text = moverText(by, reader);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}

/** How the AE it moved to was picked, after their name: ", the next AE of the *Backup* pool (round robin)". */
function pickedText(chosen: Chosen, from: string): string {
  switch (chosen.kind) {
    case 'pool':
      return `, the next AE of ${poolName(chosen)} (round robin)`;
    case 'cover':
      return `, the cover ${mention(from)} named`;
    case 'picked':
      return '';
  }
}

/** What a move did, for the owner: "The *Meridian* escalation policy, …, gave it to @Sam, the next AE of …". */
export function gaveItText(move: MoveFacts, to: string, reader: string | undefined): string {
  return `${moverSubject(move.by, reader)} gave it to ${mention(to)}${pickedText(move.chosen, move.from)}.`;
}

/** What the partner has been told, and when the AE it moved to is named to them (a context line). */
export function partnerSoFarLine(h: HandoffRow, move: MoveFacts, to: string): string {
  const named =
    move.partner.kind === 'no_channel'
      ? ''
      : ` They hear ${mention(to)}'s name only once ${mention(to)} accepts.`;
  return `*The partner so far:* ${partnerSoFarText(move.partner, h)}${named}`;
}
