import { handoffMessage, type MovedAway, type SlackMessage } from '../blocks/handoffMessage.js';
import { decisionNotice, ownerAssigned, sentConfirmation } from '../blocks/notices.js';
import { outcomeNotice, stallNudge } from '../blocks/outcomes.js';
import { partnerThreadParent, partnerUpdate } from '../blocks/partnerUpdate.js';
import {
  escalationMessage,
  expiredOwnerNotice,
  extendedAeNotice,
  extendedOwnerNotice,
  reassignedOwnerNotice,
  reminderMessage,
  withdrawnOwnerNotice,
} from '../blocks/windowNotices.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { DecisionRow, HandoffRow, OutcomeRow } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import type { LostReason, Outcome } from '../domain/outcomes.js';
import { type PartnerSafeUpdate, partnerSafeUpdate } from '../domain/partnerSafe.js';

/**
 * Every Slack message a state change owes, as outbox rows. Dedupe keys name the handoff, its assignment (which AE)
 * and, for window events, its cycle (which window), so each event is queued once whatever retries or races occur.
 */
const scope = (h: HandoffRow) =>
  h.assignment === 1 ? `handoff:${h.id}` : `handoff:${h.id}:a${h.assignment}`;

/** Keys under which the app's own messages are remembered, to update them in place later. */
export const messageKey = {
  aeDm: (h: HandoffRow) => `${scope(h)}:ae_dm`,
  /** One thread per handoff in the partner channel, whoever the AE is. */
  partnerParent: (h: HandoffRow) => `handoff:${h.id}:partner_parent`,
};

/** Whether the handoff's partner thread was already started (its parent message queued). */
export interface PartnerThread {
  started: boolean;
}

function post(
  h: HandoffRow,
  event: string,
  channel: string,
  message: SlackMessage,
  opts: { recordAs?: string; permalinkOf?: string } = {},
): OutboxMessage {
  return {
    method: 'chat.postMessage',
    dedupeKey: `${scope(h)}:${event}`,
    channel,
    handoffId: h.id,
    payload: { text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false },
    ...(opts.recordAs ? { recordAs: opts.recordAs } : {}),
    ...(opts.permalinkOf ? { permalinkOf: opts.permalinkOf } : {}),
  };
}

/** Edits the AE's copy of the packet in place. `h` is the handoff as that AE's copy should now show it. */
function updateAeDm(h: HandoffRow, event: string, decision?: DecisionRow, moved?: MovedAway): OutboxMessage {
  const message = handoffMessage(h, decision, moved);
  return {
    method: 'chat.update',
    dedupeKey: `${scope(h)}:${event}:ae_dm`,
    channel: h.aeUserId,
    targetMessageKey: messageKey.aeDm(h),
    handoffId: h.id,
    payload: { text: message.text, blocks: message.blocks },
  };
}

/**
 * A partner-facing event: the first one starts the handoff's thread (a parent message showing the status); later
 * ones reply in that thread and update the parent, so the channel reads as one line per deal.
 */
function toPartner(
  h: HandoffRow,
  event: string,
  update: PartnerSafeUpdate,
  thread: PartnerThread,
): OutboxMessage[] {
  // No partner channel (a partner not on Slack Connect): the partner hears nothing in Slack.
  const channel = h.partnerChannelId;
  if (!channel) return [];
  const parent = partnerThreadParent(update);
  const parentPayload = {
    text: parent.text,
    blocks: parent.blocks,
    unfurl_links: false,
    unfurl_media: false,
  };
  if (!thread.started) {
    return [
      {
        method: 'chat.postMessage',
        dedupeKey: `${scope(h)}:${event}:partner`,
        channel,
        handoffId: h.id,
        audience: 'partner',
        payload: parentPayload,
        recordAs: messageKey.partnerParent(h),
      },
    ];
  }
  const reply = partnerUpdate(update);
  return [
    {
      method: 'chat.postMessage',
      dedupeKey: `${scope(h)}:${event}:partner`,
      channel,
      handoffId: h.id,
      audience: 'partner',
      payload: { text: reply.text, blocks: reply.blocks, unfurl_links: false, unfurl_media: false },
      threadOf: messageKey.partnerParent(h),
    },
    {
      method: 'chat.update',
      dedupeKey: `${scope(h)}:${event}:partner_parent`,
      channel,
      targetMessageKey: messageKey.partnerParent(h),
      handoffId: h.id,
      audience: 'partner',
      payload: { text: parent.text, blocks: parent.blocks },
    },
  ];
}

/** The owner, and the author too when someone else owns it. */
function ownerAndAuthor(h: HandoffRow, event: string, message: SlackMessage): OutboxMessage[] {
  const messages = [post(h, `${event}:owner`, h.ownerUserId, message)];
  if (h.authorUserId !== h.ownerUserId) messages.push(post(h, `${event}:author`, h.authorUserId, message));
  return messages;
}

/** A newly sent (or newly reassigned) handoff: the AE's DM, the author's confirmation, the owner's notice. */
export function sentMessages(h: HandoffRow): OutboxMessage[] {
  const messages = [
    post(h, 'sent:ae_dm', h.aeUserId, handoffMessage(h), { recordAs: messageKey.aeDm(h) }),
    post(h, 'sent:author', h.authorUserId, sentConfirmation(h)),
  ];
  if (h.ownerUserId !== h.authorUserId) messages.push(post(h, 'sent:owner', h.ownerUserId, ownerAssigned(h)));
  return messages;
}

/** A decision: the AE's DM updated in place, owner and author told, the partner channel posted. */
export function decisionMessages(
  h: HandoffRow,
  decision: DecisionRow,
  thread: PartnerThread,
): OutboxMessage[] {
  return [
    updateAeDm(h, 'decided', decision),
    post(h, 'decided:owner', h.ownerUserId, decisionNotice(h, decision, { forOwner: true })),
    ...(h.authorUserId === h.ownerUserId
      ? []
      : [post(h, 'decided:author', h.authorUserId, decisionNotice(h, decision))]),
    ...toPartner(
      h,
      'decided',
      partnerSafeUpdate(h, decision.decision, decision.reasonCode as DeclineReason | null),
      thread,
    ),
  ];
}

/** One reminder (the `index`-th point of the current window), linking to the AE's packet message. */
export function reminderMessages(h: HandoffRow, index: number, now: Date): OutboxMessage[] {
  return [
    post(h, `c${h.cycle}:reminder:${index}`, h.aeUserId, reminderMessage(h, now), {
      permalinkOf: messageKey.aeDm(h),
    }),
  ];
}

export interface EscalationTargets {
  channelId: string | undefined;
  managers: Record<string, string>;
}

/** Expiry: the AE's DM shows it, the owner gets the recovery buttons, escalation goes where configured. */
export function expiryMessages(h: HandoffRow, escalation: EscalationTargets): OutboxMessage[] {
  const event = `c${h.cycle}:expired`;
  const messages = [updateAeDm(h, event), post(h, `${event}:owner`, h.ownerUserId, expiredOwnerNotice(h))];
  // Never into the handoff's own partner channel, even if misconfigured that way: escalations are internal.
  if (escalation.channelId && escalation.channelId !== h.partnerChannelId) {
    messages.push(post(h, `${event}:escalation`, escalation.channelId, escalationMessage(h)));
  }
  const manager = escalation.managers[h.aeUserId];
  if (manager) messages.push(post(h, `${event}:manager`, manager, escalationMessage(h)));
  return messages;
}

/** Reassignment: the old AE's DM says it moved, the new AE gets the packet, the owner and the partner hear. */
export function reassignMessages(
  before: HandoffRow,
  after: HandoffRow,
  at: Date,
  thread: PartnerThread,
): OutboxMessage[] {
  return [
    updateAeDm(before, 'moved', undefined, { to: after.aeUserId, at }),
    post(after, 'sent:ae_dm', after.aeUserId, handoffMessage(after), { recordAs: messageKey.aeDm(after) }),
    ...ownerAndAuthor(after, 'reassigned', reassignedOwnerNotice(after, before.aeUserId)),
    ...toPartner(after, 'reassigned', partnerSafeUpdate(after, 'reassigned'), thread),
  ];
}

/** Extension: the AE's DM shows the new deadline (and its buttons again after an expiry); AE and owner told. */
export function extendMessages(after: HandoffRow): OutboxMessage[] {
  const event = `c${after.cycle}:extended`;
  return [
    updateAeDm(after, event),
    post(after, `${event}:ae`, after.aeUserId, extendedAeNotice(after)),
    ...ownerAndAuthor(after, event, extendedOwnerNotice(after)),
  ];
}

/** Withdrawal: the AE's buttons go, the owner is told, the partner hears the handoff is closed. */
export function withdrawMessages(h: HandoffRow, thread: PartnerThread): OutboxMessage[] {
  return [
    updateAeDm(h, 'withdrawn'),
    ...ownerAndAuthor(h, 'withdrawn', withdrawnOwnerNotice(h)),
    ...toPartner(h, 'withdrawn', partnerSafeUpdate(h, 'withdrawn'), thread),
  ];
}

/** An outcome step: the AE's DM shows it, owner and author told (internal), the partner thread hears of it. */
export function outcomeMessages(
  h: HandoffRow,
  decision: DecisionRow | undefined,
  step: OutcomeRow,
  thread: PartnerThread,
): OutboxMessage[] {
  const event = `outcome:${step.outcome}`;
  const lost = step.outcome === 'lost' ? (step.reasonCode as LostReason | null) : null;
  return [
    updateAeDm(h, event, decision),
    ...ownerAndAuthor(h, event, outcomeNotice(h, step)),
    ...toPartner(h, event, partnerSafeUpdate(h, step.outcome as Outcome, null, lost), thread),
  ];
}

/** A stalled deal's nudge to its AE, once per period (the period's time is in the key). */
export function stallMessages(h: HandoffRow, dueAt: Date): OutboxMessage[] {
  return [post(h, `stall:${dueAt.getTime()}`, h.aeUserId, stallNudge(h))];
}
