import type { KnownBlock } from '@slack/types';
import type {
  OpenCounts,
  PartnerChannelRow,
  PartnerRow,
  PartnerWorkspaceRow,
} from '../db/repositories/partners.js';
import type { InternalChannelSource } from '../domain/internalChannels.js';
import type { PartnerBody, PartnerNotify } from '../domain/partnerPart.js';
import { whatIPostThere } from './channelAccess.js';
import { roleNames } from './commandReplies.js';
import { channelLink, mention, userText } from './mrkdwn.js';
import { section } from './parts.js';

/** A partner as the directory lists it: its record, names, workspaces, channels and open handoffs. */
export interface PartnerListing {
  partner: PartnerRow;
  aliases: string[];
  workspaces: PartnerWorkspaceRow[];
  channels: PartnerChannelRow[];
  open: OpenCounts;
  /** Its partner managers and what they are told; undefined: none named. */
  managers?: PartnerBody | undefined;
}

const channelLine = (c: PartnerChannelRow) =>
  `${channelLink(c.channelId)}${c.status === 'held' ? ` (:pause_button: on hold: ${userText(c.heldReason ?? 'waiting for an admin', 200)})` : ''}`;

/** Replies to `/handoff partners …`, shown only to the person who typed them. Every echo of typed text is escaped. */
export const partnerReply = {
  /** Who may do each part names the roles of the permission table (domain/permissions.ts), so it follows the table. */
  usage: () =>
    [
      `*\`/handoff partners\`*: the partner directory (${roleNames('partners', 'all')}).`,
      `*\`/handoff partners rename &lt;partner&gt; | &lt;new name&gt;\`*, *\`alias &lt;partner&gt; | &lt;other name&gt;\`*, *\`merge &lt;partner&gt; | &lt;into partner&gt;\`*, *\`domain &lt;partner&gt; | &lt;domain&gt;\`*: ${roleNames('partners', 'all')} keep it right.`,
      `*\`/handoff partners channel #channel | &lt;partner&gt;\`*: ${roleNames('partnerChannels', 'all')} say whose channel it is; *\`/handoff partners confirm #channel\`* releases a held channel.`,
      `*\`/handoff partners managers &lt;partner&gt; | @a @b\`* (member IDs or emails; \`none\` for nobody): ${roleNames('partners', 'all')} name its partner managers, told of its handoffs in their DMs; *\`/handoff partners notify &lt;partner&gt; | all|decisions|off\`*: they, or its managers, choose what they are told.`,
    ].join('\n'),
  list: (partners: PartnerListing[], loose: PartnerChannelRow[]) => {
    if (partners.length === 0 && loose.length === 0) {
      return 'The partner directory is empty. It fills in as handoffs are sent: each partner once, with its Slack Connect workspace and channel.';
    }
    const lines = partners.slice(0, 40).map((p) => {
      const parts = [`*${userText(p.partner.name, 150)}*`];
      if (p.aliases.length > 0) parts.push(`also “${p.aliases.map((a) => userText(a, 80)).join('”, “')}”`);
      if (p.partner.domain) parts.push(userText(p.partner.domain, 100));
      if (p.workspaces.length > 0) {
        parts.push(`workspace ${p.workspaces.map((w) => userText(w.teamName ?? w.teamId, 80)).join(', ')}`);
      }
      // Bound on the first handoff sent to a channel of its workspace (the packet check names such a channel before).
      parts.push(p.channels.length > 0 ? p.channels.map(channelLine).join(', ') : 'no channel bound yet');
      parts.push(`${p.open.undecided} waiting for an AE's answer`);
      if (p.open.expired > 0) parts.push(`${p.open.expired} expired, for the owner to act`);
      parts.push(`${p.open.inProgress} accepted, in progress`);
      if (p.managers) parts.push(managersLine(p.managers));
      return `• ${parts.join(' · ')}`;
    });
    if (partners.length > 40) lines.push(`…and ${partners.length - 40} more`);
    if (loose.length > 0) {
      lines.push(
        `*Channels nobody owns yet* (updates to them wait; say whose with \`/handoff partners channel\`): ${loose.map(channelLine).join(', ')}`,
      );
    }
    return lines.join('\n');
  },
  renamed: (p: PartnerRow) =>
    `Renamed: the partner is now *${userText(p.name, 150)}* everywhere, metrics included. The old name still finds it.`,
  aliased: (p: PartnerRow, alias: string) =>
    `“${userText(alias, 150)}” now means *${userText(p.name, 150)}*: packets naming it count as this partner.`,
  merged: (from: string, into: PartnerRow) =>
    `Merged “${userText(from, 150)}” into *${userText(into.name, 150)}*: its names, workspaces, channels, handoffs and metrics are one partner now.`,
  domain: (p: PartnerRow) =>
    p.domain
      ? `*${userText(p.name, 150)}*'s domain is now ${userText(p.domain, 100)}.`
      : `*${userText(p.name, 150)}* has no domain now.`,
  channelAssigned: (channelId: string, p: PartnerRow) =>
    `${channelLink(channelId)} is *${userText(p.name, 150)}*'s channel now. Updates of its handoffs that waited there go out now; no other partner's update ever will.`,
  managers: (v: { partner: PartnerRow; managers: string[]; notify: PartnerNotify }) =>
    v.managers.length === 0
      ? `*${userText(v.partner.name, 150)}* has no partner managers now.`
      : `*${userText(v.partner.name, 150)}*: ${managersLine(v)}. They are told of its handoffs in their DMs (\`/handoff partners notify ${userText(v.partner.name, 150)} | decisions\` or \`| off\` to change what).`,
  notify: (v: { partner: PartnerRow; managers: string[]; notify: PartnerNotify }) =>
    `*${userText(v.partner.name, 150)}*: ${managersLine(v)}.`,
  invalid: (message: string) => `${userText(message, 1000)} Nothing was changed.`,
};

/** A partner's managers and what they are told: "partner managers @a, @b (told of decisions only)". */
function managersLine(m: { managers: readonly string[]; notify?: PartnerNotify | undefined }): string {
  const told = NOTIFY_WORDS[m.notify ?? 'all'];
  return `partner manager${m.managers.length === 1 ? '' : 's'} ${m.managers.map(mention).join(', ')} (${told})`;
}

const NOTIFY_WORDS: Record<PartnerNotify, string> = {
  all: 'told of decisions and outcomes',
  decisions: 'told of decisions only',
  off: 'told nothing',
};

/** To admins: a partner channel gained an organization other than its partner. */
export function partnerChannelHeldAdmin(channelId: string, partnerName: string, who: string) {
  const text = `:pause_button: ${channelLink(channelId)} is now shared with ${userText(who, 300)} as well as ${userText(partnerName, 150)}. Updates about ${userText(partnerName, 150)}'s handoffs wait so nobody else reads them. If everyone in it may read them, release it with \`/handoff partners confirm\` ${channelLink(channelId)}; otherwise move the partner to a channel of their own.`;
  return {
    text: `A partner channel is on hold: another organization joined it.`,
    blocks: [section(text)] as KnownBlock[],
  };
}

/**
 * To admins: an internal channel the app posts to was shared with another organization, and is switched off. What it
 * posted there in words (blocks/channelAccess.ts `whatIPostThere`): the log names the settings and policy places.
 */
export function internalChannelShared(channelId: string, sources: readonly InternalChannelSource[]) {
  const text = `:no_entry: ${channelLink(channelId)} was shared with another organization, so I stopped posting ${whatIPostThere(sources)} there at once. Point the setting (or the policy file's target) at an internal channel and restart, or unshare the channel (posting then resumes).`;
  return {
    text: 'An internal channel was shared externally; I stopped posting there.',
    blocks: [section(text)] as KnownBlock[],
  };
}
