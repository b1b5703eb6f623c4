import type { RequestContext } from '../core/requestContext.js';
import { applyAttributionPick } from './attribution.js';
import { applyAttributionDetails } from './attributionDetails.js';
import { packetDefaults } from './channel.js';
import { type MessageReads, prefillFromMessage, type SourceMessage } from './fromMessage.js';
import { type SubmitRequest, submitPacket } from './review.js';
import { type SendRequest, sendDraft } from './send.js';
import { authorRefusal } from './slackChecks.js';
import { suggestionOf, suggestionsFor } from './suggestions.js';
import type { AttributionDetailsInput, PacketServiceDeps } from './types.js';

export type { MessagePrefill, MessageReads, SourceMessage } from './fromMessage.js';
export type { SubmitRequest } from './review.js';
export type { SendRequest } from './send.js';
export type { PacketSuggestions } from './suggestions.js';
export * from './types.js';

/**
 * `/handoff` from packet to sent handoff: validate, check with Slack, score, classify, check the account, review
 * (review.ts), send or save an edit (send.ts, editSave.ts). The feature's parts take their dependencies as their
 * first argument; this wires them once.
 */
export function createPacketService(deps: PacketServiceDeps) {
  return {
    submitPacket: (req: SubmitRequest) => submitPacket(deps, req),
    sendDraft: (req: SendRequest) => sendDraft(deps, req),
    applyAttributionDetails: (req: RequestContext & { draftId: number; details: AttributionDetailsInput }) =>
      applyAttributionDetails(deps, req),
    /** The author's pick among the CRM's opportunities on the account (packets/attribution.ts). */
    applyAttributionPick: (req: Parameters<typeof applyAttributionPick>[1]) =>
      applyAttributionPick({ db: deps.db, clock: deps.clock }, req),
    /** Why this person may not write a handoff (a guest, unless allowed); undefined when they may. */
    authorRefusal: (userId: string) => authorRefusal(deps, userId),
    packetDefaults: (channelId: string | undefined, ctx: Pick<RequestContext, 'internalTeamIds'>) =>
      packetDefaults(deps, channelId, ctx),
    /** The author's last packet for the partner, offered in a new packet (suggestions.ts). */
    suggestionsFor: (authorUserId: string, partnerOrg: string | undefined, account?: string) =>
      suggestionsFor(deps.db, authorUserId, partnerOrg, account),
    /** One suggestion button's values, read again from the author's own handoff. */
    suggestionOf: (authorUserId: string, handoffId: number, account?: string) =>
      suggestionOf(deps.db, authorUserId, handoffId, account),
    /** "Hand off this deal": the packet prefilled from a message (fromMessage.ts). */
    prefillFromMessage: (
      reads: MessageReads,
      message: SourceMessage,
      ctx: Pick<RequestContext, 'internalTeamIds'>,
    ) => prefillFromMessage(deps, reads, message, ctx),
  };
}

export type PacketService = ReturnType<typeof createPacketService>;
