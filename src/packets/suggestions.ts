import type { Executor } from '../db/client.js';
import { lastPacketFor } from '../db/repositories/handoffLists.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { partnerByName } from '../db/repositories/partners.js';
import { accountKey } from '../domain/accountMatch.js';
import { joinContact } from '../domain/packet.js';
import type { PacketSuggestions, SuggestedField } from '../domain/packetSuggestions.js';

/**
 * The author's defaults (issue 52 item 3): the contact, joint value and warm path of their last packet for the same
 * partner, offered as one-click suggestions in a new packet, never filled silently.
 */

/** The fields a suggestion fills, and what one holds: in domain/packetSuggestions.ts, where renderers read them. */
export {
  type PacketSuggestions,
  SUGGESTED_FIELDS,
  type SuggestedField,
} from '../domain/packetSuggestions.js';

type Last = NonNullable<Awaited<ReturnType<typeof lastPacketFor>>>;

function valuesOf(last: Last): PacketSuggestions['values'] {
  const contact = joinContact(last.partnerContactName, last.partnerContactRole);
  const all: Record<SuggestedField, string> = {
    partnerContactName: contact,
    jointValue: last.jointValue,
    warmPath: last.warmPath,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v.trim() !== ''));
}

/** The suggestions for a new packet by this author for this partner (none: no earlier packet of theirs for it). */
export async function suggestionsFor(
  exec: Executor,
  authorUserId: string,
  partnerOrg: string | undefined,
): Promise<PacketSuggestions | undefined> {
  if (!partnerOrg?.trim()) return undefined;
  const record = await partnerByName(exec, partnerOrg);
  const last = await lastPacketFor(exec, authorUserId, { id: record?.id, key: accountKey(partnerOrg) });
  if (!last) return undefined;
  const values = valuesOf(last);
  return Object.keys(values).length > 0
    ? { handoffId: last.id, partnerOrg: last.partnerOrg, values }
    : undefined;
}

/** The values of one suggestion button, read again from the handoff: only its author's own packet is offered. */
export async function suggestionOf(
  exec: Executor,
  authorUserId: string,
  handoffId: number,
): Promise<PacketSuggestions | undefined> {
  const h = await findHandoff(exec, handoffId);
  if (!h || h.authorUserId !== authorUserId) return undefined;
  return { handoffId: h.id, partnerOrg: h.partnerOrg, values: valuesOf(h) };
}
