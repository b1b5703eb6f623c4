import { handoffMessage, type SlackMessage } from '../blocks/handoffMessage.js';
import { decisionNotice, ownerAssigned, sentConfirmation } from '../blocks/notices.js';
import { partnerUpdate } from '../blocks/partnerUpdate.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { DecisionRow, HandoffRow } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import { partnerSafeUpdate } from '../domain/partnerSafe.js';

/** Keys under which the app's own messages are remembered, to update them in place later. */
export const messageKey = {
  aeDm: (h: HandoffRow) => `handoff:${h.id}:ae_dm`,
};

const post = (
  h: HandoffRow,
  dedupe: string,
  channel: string,
  message: SlackMessage,
  recordAs?: string,
): OutboxMessage => ({
  method: 'chat.postMessage',
  dedupeKey: `handoff:${h.id}:${dedupe}`,
  channel,
  handoffId: h.id,
  payload: { text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false },
  ...(recordAs ? { recordAs } : {}),
});

/** What a newly sent handoff owes Slack: the AE's DM, the author's confirmation, the owner's notice. */
export function sentMessages(h: HandoffRow): OutboxMessage[] {
  const messages = [
    post(h, 'sent:ae_dm', h.aeUserId, handoffMessage(h), messageKey.aeDm(h)),
    post(h, 'sent:author', h.authorUserId, sentConfirmation(h)),
  ];
  if (h.ownerUserId !== h.authorUserId) messages.push(post(h, 'sent:owner', h.ownerUserId, ownerAssigned(h)));
  return messages;
}

/** What a decision owes Slack: the AE's DM updated in place, owner and author told, the partner channel posted. */
export function decisionMessages(h: HandoffRow, decision: DecisionRow): OutboxMessage[] {
  const updatedDm = handoffMessage(h, decision);
  const notice = decisionNotice(h, decision);
  const messages: OutboxMessage[] = [
    {
      method: 'chat.update',
      dedupeKey: `handoff:${h.id}:decided:ae_dm`,
      channel: h.aeUserId,
      targetMessageKey: messageKey.aeDm(h),
      handoffId: h.id,
      payload: { text: updatedDm.text, blocks: updatedDm.blocks },
    },
    post(h, 'decided:owner', h.ownerUserId, notice),
  ];
  if (h.authorUserId !== h.ownerUserId) messages.push(post(h, 'decided:author', h.authorUserId, notice));
  const update = partnerSafeUpdate(h, decision.decision, decision.reasonCode as DeclineReason | null);
  messages.push(post(h, 'decided:partner', h.partnerChannelId, partnerUpdate(update)));
  return messages;
}
