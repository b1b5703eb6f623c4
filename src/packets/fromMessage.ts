import { userText } from '../blocks/mrkdwn.js';
import type { DirectoryUser } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import { cutText } from '../crm/cut.js';
import type { AccountMatch } from '../crm/index.js';
import { domainsIn, namesIn, plainMessageText } from '../domain/messageExtract.js';
import { FIELD_LIMITS, type PacketField, type PacketInput } from '../domain/packet.js';
import { accountOwnerOf } from './accountOwner.js';
import { channelDefaults, partnerNamedBySlack } from './channel.js';
import type { PacketServiceDeps } from './types.js';

/**
 * "Hand off this deal": the packet prefilled from the message it was started on, its thread, the channel's
 * partner, the CRM and Slack's profiles. Every value is read by rule (domain/messageExtract.ts) and each prefilled
 * field says where it came from; nothing is stored here: the author reviews the form, and only the packet is kept.
 */

/** The message the shortcut was used on, as Slack's `message_action` payload carries it. */
export interface SourceMessage {
  channelId: string;
  ts: string;
  /** The parent's ts when the message is a thread reply. */
  threadTs?: string;
  /** Its author (absent: a bot's or an app's message). */
  userId?: string;
  text: string;
}

/** What the prefill reads from Slack besides the payload (each may fail: the message alone is used then). */
export interface MessageReads {
  /** The texts of the thread the message is in (parent first), or of its replies when it is a parent. */
  thread(channelId: string, threadTs: string): Promise<string[]>;
  permalink(channelId: string, ts: string): Promise<string | undefined>;
}

/** The packet form's options a message gives: the values, where each came from, and what the top of the form says. */
export interface MessagePrefill {
  prefill: PacketInput;
  partnerChannelId?: string;
  sources: Partial<Record<PacketField, string>>;
  notes: string[];
  /** The message's permalink: kept as the packet's source. */
  source?: string;
}

/** How long the CRM may take: the loading view is already open, Slack's 3 s are not at stake, the author's are. */
const CRM_MS = 2500;

export async function prefillFromMessage(
  deps: PacketServiceDeps,
  reads: MessageReads,
  message: SourceMessage,
  ctx: Pick<RequestContext, 'internalTeamIds'>,
): Promise<MessagePrefill> {
  const text = plainMessageText(message.text);
  const [author, thread, source, defaults] = await Promise.all([
    message.userId ? quietly(deps.directory.lookupUser(message.userId)) : undefined,
    quietly(reads.thread(message.channelId, message.threadTs ?? message.ts)),
    quietly(reads.permalink(message.channelId, message.ts)),
    channelDefaults(deps, message.channelId, ctx),
  ]);
  const partner = await channelPartner(deps, defaults);
  const partnerOrg = partner?.name;
  const from = author ? `From ${author.name}'s message.` : 'From the message.';
  const out: MessagePrefill = { prefill: {}, sources: {}, notes: [], ...(source ? { source } : {}) };
  fillPartner(out, defaults.partnerChannelId, partner, author, ctx.internalTeamIds);
  if (source) {
    // The message is the record the AE can check: evidence until the author links a better one.
    out.prefill.evidenceUrl = source;
    out.sources.evidenceUrl =
      'The message this packet was started from; link a better record if there is one.';
  }
  // The trigger without the greeting ("Hi team, Northwind is moving…" → "Northwind is moving…").
  const trigger = text.replace(/^(?:hi|hello|hey|dear|hallo|bonjour)\b[^,!.:\n]{0,30}[,!.:]\s*/i, '');
  if (trigger) {
    out.prefill.customerTrigger = cutText(trigger, FIELD_LIMITS.customerTrigger);
    out.sources.customerTrigger = `${from} Edit it to what the customer said or did.`;
  }
  // Names and domains of the message first, then of its thread; the partner's own name is never the account.
  const all = [text, ...(thread ?? []).map(plainMessageText)].join('\n');
  const candidates = {
    names: namesIn(all, partnerOrg ? [partnerOrg] : []),
    domains: domainsIn(`${message.text}\n${all}`),
  };
  const { match, owner } = await accountOwnerOf(deps, candidates, ctx.internalTeamIds, CRM_MS);
  fillAccount(out, match, candidates, from);
  if (owner?.userId) {
    out.prefill.aeUserId = owner.userId;
    out.sources.aeUserId = `From ${owner.crm}: ${owner.reason}.`;
  } else if (owner?.notInSlack) out.notes.push(`:bust_in_silhouette: ${userText(owner.notInSlack, 400)}`);
  const whose = author ? `${userText(author.name, 80)}'s message` : 'a message';
  const link = source && /^https:\/\/[^\s<>|]+$/.test(source) ? ` (<${source}|open it>)` : '';
  out.notes.unshift(
    `:speech_balloon: Started from ${whose}${link}. Each prefilled field says where it came from; nothing is sent until you review it.`,
  );
  return out;
}

/**
 * Whose channel it is: the directory's partner (the channel bound, or its workspace recorded); else the organization
 * Slack says it is shared with, by the directory's name for it when it has one (a channel not bound yet).
 */
type ChannelPartner = { name: string; from: 'directory' } | { name: string; from: 'slack'; known: boolean };

async function channelPartner(
  deps: PacketServiceDeps,
  defaults: Awaited<ReturnType<typeof channelDefaults>>,
): Promise<ChannelPartner | undefined> {
  if (defaults.prefill?.partnerOrg) return { name: defaults.prefill.partnerOrg, from: 'directory' };
  if (!defaults.unknownTeamId) return undefined;
  const named = await quietly(partnerNamedBySlack(deps, defaults.unknownTeamId));
  if (!named) return undefined;
  return { name: named.partner?.name ?? named.slackName, from: 'slack', known: Boolean(named.partner) };
}

/** What the form says of the partner it assumed, beside the field and at the top of the form. */
function partnerSource(partner: ChannelPartner): { hint: string; note: string } {
  const change = "Change it if the deal is another partner's.";
  const name = `*${userText(partner.name, 150)}*`;
  if (partner.from === 'directory')
    return {
      hint: `This channel's partner, from the partner directory. ${change}`,
      note: `Partner assumed: ${name}, whose channel this is.`,
    };
  return {
    hint: partner.known
      ? `From Slack: the organization this channel is shared with, by its name in the partner directory. Sending binds the channel to it. ${change}`
      : `From Slack: the organization this channel is shared with. Not in the partner directory yet: sending binds the channel to it. ${change}`,
    note: `Partner assumed: ${name}, the organization Slack says this channel is shared with.`,
  };
}

/** The channel's partner and channel; the contact when the message's author is the partner's person. */
function fillPartner(
  out: MessagePrefill,
  channelId: string | undefined,
  partner: ChannelPartner | undefined,
  author: DirectoryUser | undefined,
  internalTeamIds: readonly string[],
) {
  if (!channelId) {
    out.notes.push(
      ':link: This conversation is not a partner’s Slack Connect channel the app is in: choose the partner and its channel below.',
    );
    return;
  }
  out.partnerChannelId = channelId;
  out.sources.partnerChannelId = 'The channel the message is in.';
  if (partner) {
    const said = partnerSource(partner);
    out.notes.push(
      `:handshake: ${said.note} If the deal is another partner's, change the partner and its channel below.`,
    );
    out.prefill.partnerOrg = partner.name;
    out.sources.partnerOrg = said.hint;
  }
  if (author && !author.isBot && !internalTeamIds.includes(author.teamId)) {
    out.prefill.partnerContactName = author.name;
    if (author.title) out.prefill.partnerContactRole = author.title;
    out.sources.partnerContactName = `${author.name} wrote the message (their Slack profile${author.title ? ' gives the role' : ''}).`;
  }
}

/** The account: the CRM's match, or the message's first name and domain; what was searched when nothing matched. */
function fillAccount(
  out: MessagePrefill,
  match: AccountMatch,
  candidates: { names: string[]; domains: string[] },
  from: string,
) {
  if (match.kind === 'matched') {
    out.prefill.accountName = match.account.name;
    if (match.account.domain) out.prefill.accountDomain = match.account.domain;
    const by = match.by === 'domain' ? (match.account.domain ?? 'its domain') : `“${match.account.name}”`;
    out.sources.accountName = `From ${match.crm}: matched by ${by} in the conversation.`;
    return;
  }
  const [name] = candidates.names;
  const [domain] = candidates.domains;
  if (name) out.prefill.accountName = name;
  if (domain) out.prefill.accountDomain = domain;
  if (name || domain)
    out.sources.accountName = `${from} Check the name: it is the first company-like name in it.`;
  const searched = [...candidates.names.map((n) => `“${n}”`), ...candidates.domains].join(', ');
  if (match.kind === 'none' && searched)
    out.notes.push(
      `:mag: ${match.crm}: nothing found under names or domains like ${userText(searched, 600)}.`,
    );
  if (match.kind === 'unreached')
    out.notes.push(`:warning: ${match.crm} did not answer in time: the account is from the message only.`);
}

async function quietly<T>(promise: Promise<T>): Promise<T | undefined> {
  try {
    return await promise;
  } catch {
    return undefined;
  }
}
