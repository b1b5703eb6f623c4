import type { Executor } from '../db/client.js';
import { knownAccountNames, lastPacketFor } from '../db/repositories/handoffLists.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { partnerByName } from '../db/repositories/partners.js';
import { accountKey, otherAccountsNamed } from '../domain/accountMatch.js';
import { joinContact } from '../domain/packet.js';
import type { PacketSuggestions, SuggestedField } from '../domain/packetSuggestions.js';

/**
 * The author's defaults: the contact, joint value and warm path of their last packet for the same
 * partner, offered as one-click suggestions in a new packet, never filled silently. A value that names another account
 * than the new packet's (the earlier packet's own, or any handoff's; every one while the account is not typed yet) is
 * offered marked with that name, and "Use all" leaves it out.
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

/** The accounts each value names and not `account` (the packet's account as typed so far; '' for none yet). */
async function othersOf(
  exec: Executor,
  last: Pick<Last, 'accountName'>,
  values: PacketSuggestions['values'],
  account: string,
): Promise<PacketSuggestions['others']> {
  const known = [last.accountName, ...(await knownAccountNames(exec))];
  const others: PacketSuggestions['others'] = {};
  for (const [field, value] of Object.entries(values) as [SuggestedField, string][]) {
    const named = otherAccountsNamed(value, account, known);
    if (named.length > 0) others[field] = named;
  }
  return others;
}

/** The suggestions for a new packet by this author for this partner (none: no earlier packet of theirs for it). */
export async function suggestionsFor(
  exec: Executor,
  authorUserId: string,
  partnerOrg: string | undefined,
  account = '',
): Promise<PacketSuggestions | undefined> {
  if (!partnerOrg?.trim()) return undefined;
  const record = await partnerByName(exec, partnerOrg);
  const last = await lastPacketFor(exec, authorUserId, { id: record?.id, key: accountKey(partnerOrg) });
  if (!last) return undefined;
  const values = valuesOf(last);
  if (Object.keys(values).length === 0) return undefined;
  return {
    handoffId: last.id,
    partnerOrg: last.partnerOrg,
    values,
    others: await othersOf(exec, last, values, account),
  };
}

/**
 * The values of one suggestion button, read again from the handoff: only its author's own packet is offered. `account`:
 * the account the form holds at the click.
 */
export async function suggestionOf(
  exec: Executor,
  authorUserId: string,
  handoffId: number,
  account = '',
): Promise<PacketSuggestions | undefined> {
  const h = await findHandoff(exec, handoffId);
  if (!h || h.authorUserId !== authorUserId) return undefined;
  const values = valuesOf(h);
  return {
    handoffId: h.id,
    partnerOrg: h.partnerOrg,
    values,
    others: await othersOf(exec, h, values, account),
  };
}
