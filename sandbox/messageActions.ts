/**
 * People's own messages in the sandbox's channels, and the app's message shortcuts on any message (issue 52 item 6).
 * - `/api/message`: a person writes in a channel, or replies in a thread, as in Slack's composer. The fake Slack
 *   stores it as theirs (`postAsPerson`), in Slack's markup for what people type (escapes, links).
 * - `/api/shortcut`: a person picks one of the app's message shortcuts in a message's "More actions" menu; the page
 *   sends the app the signed `message_action` payload Slack sends (Bolt's `MessageShortcut`), with a fresh trigger id.
 * The shortcuts are the `"type": "message"` ones of manifest.json, read when the sandbox starts: a shortcut added to
 * the manifest shows in the menu by itself. Slack offers them to people of the app's own organization only: Dana,
 * of Meridian, sees none of Handoff's in a Slack Connect channel (only her own organization's apps offer her any).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { MessageShortcut } from '@slack/bolt';
import type { FakeSlack } from '../test/support/fakeSlack.js';
import { type SandboxUser, type SeededMessage, sandboxTeams, TEAM } from './cast.js';
import type { PageAnswer } from './slackSide.js';

/** The app's manifest, at the repository's root. */
export const MANIFEST_FILE = fileURLToPath(new URL('../manifest.json', import.meta.url));

/** Slack cuts a message's text at 40,000 characters; the composer takes no more. */
const MESSAGE_MAX = 40_000;

/** A message shortcut of the manifest, as the menu lists it. */
export interface MessageShortcutInfo {
  callback_id: string;
  name: string;
  description: string;
}

/** What a person's "More actions" menu offers: the app's shortcuts, or none and why. */
export interface ShortcutMenu {
  offered: MessageShortcutInfo[];
  /** Why nothing is offered (another organization's person), for the menu; null when something is. */
  why: string | null;
}

/** Slack's `message_action` body: Bolt's type, with `enterprise: null` as Slack sends it outside Enterprise Grid. */
export type MessageShortcutPayload = Omit<MessageShortcut, 'enterprise'> & { enterprise: null };

/** A shortcut the page sent the app, and the HTTP status the app answered (0 while it has not). */
export interface SentShortcut {
  payload: MessageShortcutPayload;
  status: number;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The `"type": "message"` shortcuts of a manifest (`features.shortcuts`), in its order. */
export function messageShortcutsOf(manifest: unknown): MessageShortcutInfo[] {
  const features = isObject(manifest) ? manifest.features : undefined;
  const shortcuts = isObject(features) && Array.isArray(features.shortcuts) ? features.shortcuts : [];
  return shortcuts.flatMap((s): MessageShortcutInfo[] =>
    isObject(s) && s.type === 'message' && typeof s.callback_id === 'string' && typeof s.name === 'string'
      ? [{ callback_id: s.callback_id, name: s.name, description: String(s.description ?? '') }]
      : [],
  );
}

/** The message shortcuts of the manifest file (by default the repository's manifest.json). */
export function readMessageShortcuts(path = MANIFEST_FILE): MessageShortcutInfo[] {
  return messageShortcutsOf(JSON.parse(readFileSync(path, 'utf8')));
}

/** Bare domains Slack turns into links as people type them (a short list of common endings is enough here). */
const BARE_DOMAIN = /\b(?:[a-z0-9-]+\.)+(?:com|net|org|io|co|ai|dev|app|de|uk|fr|eu|us)\b/i;
const LINKABLE = new RegExp(
  `([\\w.+-]+@[\\w-]+(?:\\.[\\w-]+)+)|(https?://[^\\s<>]*[^\\s<>.,;:!?)'"])|(${BARE_DOMAIN.source})`,
  'gi',
);

/**
 * What Slack stores of a typed message: `&`, `<` and `>` escaped, addresses and links in its `<url|label>` markup
 * (`mia@northwind.com` → `<mailto:mia@northwind.com|mia@northwind.com>`, `northwind.com` →
 * `<http://northwind.com|northwind.com>`, a full URL → `<https://…>`).
 */
export function asTypedInSlack(typed: string): string {
  const escaped = typed.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return escaped.replace(LINKABLE, (match, email?: string, url?: string) => {
    if (email) return `<mailto:${match}|${match}>`;
    if (url) return `<${match}>`;
    return `<http://${match}|${match}>`;
  });
}

/**
 * Seeds the conversation of cast.ts in the fake Slack, each message at its time before `now` (the fake stamps a
 * message's ts with its clock, so the clock is set back while seeding). The ts of each, by key.
 */
export function seedMessages(slack: FakeSlack, messages: SeededMessage[], now: number): Map<string, string> {
  const stamps = new Map<string, string>();
  const clock = slack.now;
  try {
    for (const m of [...messages].sort((a, b) => b.minutesAgo - a.minutesAgo)) {
      slack.now = () => now - m.minutesAgo * 60_000;
      const parent = m.replyTo ? stamps.get(m.replyTo) : undefined;
      const ts = slack.postAsPerson({
        channel: m.channel,
        user: m.user,
        text: asTypedInSlack(m.text),
        ...(parent ? { thread_ts: parent } : {}),
      });
      stamps.set(m.key, ts);
    }
  } finally {
    slack.now = clock;
  }
  return stamps;
}

/** What the shortcuts need of the sandbox: the fake Slack, ids Slack hands out, and the signed post to the app. */
export interface MessageActionDeps {
  slack: FakeSlack;
  shortcuts: MessageShortcutInfo[];
  /** A fresh trigger id, recorded as this person's (a modal it opens is theirs on the page). */
  trigger(userId: string): string;
  /** A fresh response_url for this person in this conversation. */
  responseUrl(userId: string, channel: string): string;
  channelName(id: string): string;
  /** Posts a payload, signed, to the app's /slack/events. */
  send(payload: MessageShortcutPayload): Promise<Response>;
}

const refused = (error: string): PageAnswer => ({ status: 400, body: { error } });
const text = (value: unknown) => (typeof value === 'string' ? value : '');

export class MessageActions {
  /** Every shortcut sent to the app, in order, with the app's answer: what a test checks. */
  readonly sent: SentShortcut[] = [];

  constructor(private readonly deps: MessageActionDeps) {}

  /** The app's shortcuts for this person's "More actions" menu: none for another organization's people. */
  menu(user: SandboxUser): ShortcutMenu {
    if (user.team_id === TEAM) return { offered: this.deps.shortcuts, why: null };
    const org = sandboxTeams.find((t) => t.id === user.team_id)?.name ?? 'your organization';
    const owner = sandboxTeams.find((t) => t.id === TEAM)?.name ?? 'another organization';
    return {
      offered: [],
      why: `Handoff is an app of ${owner}. In a Slack Connect channel, Slack offers you the shortcuts of ${org}'s own apps only, and ${org} has none here.`,
    };
  }

  /** The answer to one of this module's requests, or undefined for another path. */
  async route(pathname: string, user: SandboxUser, body: Record<string, unknown>) {
    if (pathname === '/api/message') return this.post(user, body);
    if (pathname === '/api/shortcut') return this.shortcut(user, body);
    return undefined;
  }

  /** A person writes in a channel they are in, or replies in one of its threads. */
  private post(user: SandboxUser, body: Record<string, unknown>): PageAnswer {
    const channelId = text(body.channel);
    const typed = text(body.text).trim();
    const threadTs = text(body.thread_ts);
    const channel = this.deps.slack.channels().find((c) => c.id === channelId);
    if (!channel) {
      return refused(
        channelId === `D${user.id}`
          ? 'Sending messages to this app has been turned off: its Messages tab is read-only. Type /handoff.'
          : 'Pick a channel to write in.',
      );
    }
    if (!channel.members.includes(user.id)) return refused(`You are not in #${channel.name}.`);
    if (!typed) return refused('Type a message first.');
    if (typed.length > MESSAGE_MAX)
      return refused(`A message is at most ${MESSAGE_MAX} characters, as in Slack.`);
    if (threadTs) {
      const parent = this.deps.slack.messages(channelId).find((m) => m.ts === threadTs);
      if (!parent || (parent.thread_ts && parent.thread_ts !== parent.ts))
        return refused('That thread is not in this channel any more.');
    }
    const ts = this.deps.slack.postAsPerson({
      channel: channelId,
      user: user.id,
      text: asTypedInSlack(typed),
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    return { status: 200, body: { ts } };
  }

  /** A person picks one of the app's shortcuts on a message: Slack's signed `message_action`, sent to the app. */
  private async shortcut(user: SandboxUser, body: Record<string, unknown>): Promise<PageAnswer> {
    const callbackId = text(body.callback_id);
    const channelId = text(body.channel);
    const ts = text(body.ts);
    const menu = this.menu(user);
    if (menu.why) return refused(menu.why);
    const chosen = menu.offered.find((s) => s.callback_id === callbackId);
    if (!chosen)
      return refused(`The app has no message shortcut ${JSON.stringify(callbackId.slice(0, 60))}.`);
    const channel = this.deps.slack.channels().find((c) => c.id === channelId);
    const visible = channel ? channel.members.includes(user.id) : channelId === `D${user.id}`;
    if (!visible) return refused('You cannot see that conversation.');
    const message = this.deps.slack.messagePayload(channelId, ts);
    if (!message) return refused('That message is not there any more.');
    const payload = this.payload(user, chosen, channelId, ts, message);
    const record: SentShortcut = { payload, status: 0 };
    this.sent.push(record);
    const response = await this.deps.send(payload);
    record.status = response.status;
    return { status: 200, body: { status: response.status, callback_id: chosen.callback_id } };
  }

  /** The body Slack posts for a message shortcut, field for field. */
  private payload(
    user: SandboxUser,
    chosen: MessageShortcutInfo,
    channelId: string,
    ts: string,
    message: Record<string, unknown>,
  ): MessageShortcutPayload {
    const team = sandboxTeams.find((t) => t.id === user.team_id);
    return {
      type: 'message_action',
      callback_id: chosen.callback_id,
      trigger_id: this.deps.trigger(user.id),
      response_url: this.deps.responseUrl(user.id, channelId),
      message_ts: ts,
      message: { ...message, type: 'message', ts },
      channel: { id: channelId, name: this.deps.channelName(channelId) },
      user: { id: user.id, username: user.name, name: user.name, team_id: user.team_id },
      team: { id: user.team_id, domain: team?.domain ?? 'acme' },
      token: 'sandbox-verification-token',
      action_ts: (Date.now() / 1000).toFixed(6),
      is_enterprise_install: false,
      enterprise: null,
    };
  }
}
