import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import {
  type AwaySeen,
  type Chosen,
  type LeftAs,
  type MoveFacts,
  type Mover,
  type PartnerSoFar,
  packetNamesFormerAe,
  type Skipped,
  type Unassigned,
} from '../domain/moves.js';
import type { SlackMessage } from './handoffMessage.js';
import { mention, slackDate, userText } from './mrkdwn.js';
import { context, handoffTitle, section } from './parts.js';

/**
 * Why a handoff moved, told to each reader: the AE who receives it (how it came, and what the partner had heard), the
 * owner and author (who or what moved it), the owner when a policy could not move it (and why each pool member was
 * passed over), the author when the packet still names the AE it moved from. Every fact is of the moment it moved
 * (domain/moves.ts), in words that stay true.
 */

/** An escalation policy's level, as people read it: "the *meridian* escalation policy, step 3". */
export const policyStep = (policy: string, level: number) =>
  `the *${userText(policy, 60)}* escalation policy, step ${level}`;

/** The same as a sentence's subject: "The *meridian* escalation policy, step 3,". */
const PolicyStep = (u: Pick<Unassigned, 'policy' | 'level'>) => `T${policyStep(u.policy, u.level).slice(1)},`;

/** Who moved it, for `reader`: "you", the owner or an admin by name, or the policy's step. */
export function moverText(by: Mover, reader: string | undefined): string {
  if (by.kind === 'policy') return policyStep(by.policy, by.level);
  if (by.user === reader) return 'you';
  return `${mention(by.user)} (${by.role === 'owner' ? 'the owner' : 'an admin'})`;
}

/** What showed the AE was away: their status, or the cover they had named. */
function awayText(away: AwaySeen | undefined): string {
  if (!away) return '';
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
  }
}

/** How the new AE was picked, said to them ("you are …") or of them. */
function chosenText(chosen: Chosen, subject: string, from: string): string {
  switch (chosen.kind) {
    case 'pool':
      return `${subject} the next AE of the *${userText(chosen.pool, 60)}* pool (round robin)`;
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
      return `When it moved, ${org} had last been told ${said}${wording}.`;
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

/** The same, short, for an older notice: " (by the *meridian* escalation policy, step 3)". */
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
  const step = PolicyStep(u);
  const title = handoffTitle(h);
  switch (u.why) {
    case 'limit':
      return `${step} did not move handoff ${title} again: the escalation policies have moved it ${u.limit ?? 0} time${u.limit === 1 ? '' : 's'}, the most they may.`;
    case 'pool': {
      const who = u.skipped && u.skipped.length > 0 ? ` (${skippedText(u.skipped)})` : '';
      return `${step} could not give handoff ${title} to another AE: nobody in the *${userText(u.pool ?? '', 60)}* pool can take it now${who}.`;
    }
    case 'cover':
      return u.cover
        ? `${step} could not give handoff ${title} to ${mention(u.cover)}, the cover ${mention(h.aeUserId)} named: ${userText(u.coverWhy ?? 'they cannot take it', 100)}.`
        : `${step} could not give handoff ${title} to a cover: ${mention(h.aeUserId)} has named none.`;
  }
}

/** To the owner: a policy's level could not move the handoff, and why; what they can do is on the buttons. */
export function unassignedMessage(h: HandoffRow, u: Unassigned): SlackMessage {
  return {
    text: `Handoff ${userText(h.accountName, 150)} could not be moved to another AE.`,
    blocks: [
      section(`:busts_in_silhouette: ${unassignedText(h, u)}`),
      context(
        `It stays with ${mention(h.aeUserId)}${h.status === 'expired' ? ', expired' : ''}: reassign it yourself, give more time, or withdraw it.`,
      ),
    ],
  };
}

/** The same, in the past tense, for an older notice. */
export const unassignedPast = (h: HandoffRow, u: Unassigned) =>
  `:busts_in_silhouette: ${PolicyStep(u)} could not move handoff ${handoffTitle(h)} then.`;
