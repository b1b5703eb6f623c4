/// <reference lib="dom" />
/**
 * A conversation's messages as Slack's client shows them: the app's (its name and APP tag, its blocks) and people's
 * (their name, their text), each with its thread, its reactions ("📝 1") and, on hover, its tools: "Reply in thread"
 * (people's channels only) and "More actions" (⋯), the menu of the app's message shortcuts (messageActions.ts).
 * Ephemeral notes show "Only visible to you" and have no tools, as in Slack.
 */
import { emojiChar, escapeHtml, mrkdwnToHtml, type RenderContext, renderBlocks } from './render.js';

export interface Message {
  channel: string;
  ts: string;
  /** Who posted it: a person, or the app's bot user. */
  user?: string;
  text?: string;
  blocks?: unknown[];
  edited?: boolean;
  files?: { id: string; name: string; title: string }[];
  attachments?: unknown[];
  /** Emoji name to the users who reacted with it, in order. */
  reactions?: Record<string, string[]>;
  /** Posting time in sandbox time, in the viewer's zone. */
  shown: string;
  replies?: Message[];
}

export interface Ephemeral {
  channel: string;
  text: string;
  blocks?: unknown[];
  at: number;
}

/** A person of the sandbox as a message's author line names them. */
export interface Author {
  name: string;
  /** Of another organization (Slack Connect): Slack marks them. */
  external: boolean;
}

/** What a conversation's messages are drawn with. */
export interface MessageContext {
  render: RenderContext;
  /** The person who wrote a message; undefined for the app's (or another bot's). */
  author(userId: string | undefined): Author | undefined;
  /** Whether people can reply in threads here (channels; the app's DM is read-only). */
  threads: boolean;
}

/** Top-level `text` is mrkdwn in Slack, shown when a message has no blocks. */
const textHtml = (text: string, ctx: RenderContext) =>
  `<div class="fallback">${mrkdwnToHtml(text, ctx, { verbatim: false })}</div>`;

/** Files shared with a message, as links to their bytes; legacy attachments are shown as such, not dropped. */
function extrasHtml(m: Message): string {
  const files = (m.files ?? [])
    .map(
      (f) =>
        `<a class="file" href="/files/${encodeURIComponent(f.id)}" download="${escapeHtml(f.name)}">📎 ${escapeHtml(f.title || f.name)}</a>`,
    )
    .join('');
  const attachments = m.attachments?.length
    ? `<div class="bk-problem bk-unsupported" data-unsupported="message:attachments">Unsupported here: legacy attachments<pre class="bk-json">${escapeHtml(JSON.stringify(m.attachments, null, 2))}</pre></div>`
    : '';
  return files + attachments;
}

/** Under a message, each reaction with its count; its title names who reacted, as Slack's tooltip does. */
function reactionsHtml(m: Message, mc: MessageContext): string {
  const entries = Object.entries(m.reactions ?? {}).filter(([, users]) => users.length > 0);
  if (entries.length === 0) return '';
  const pills = entries.map(([name, users]) => {
    const who = users.map((u) => mc.author(u)?.name ?? (u === m.user ? 'the author' : 'Handoff')).join(', ');
    const glyph = emojiChar(`:${name}:`) ?? `:${name}:`;
    return `<span class="reaction" data-reaction="${escapeHtml(name)}" title="${escapeHtml(`${who} reacted with :${name}:`)}"><span class="reaction-emoji">${escapeHtml(glyph)}</span> <span class="reaction-count">${users.length}</span></span>`;
  });
  return `<div class="reactions">${pills.join('')}</div>`;
}

/**
 * The hover tools. The buttons' glyphs come from the style sheet, so a message's text (innerText, as the tests read
 * it) is the same whether the pointer is over it or not.
 */
function toolsHtml(canReply: boolean): string {
  const reply = canReply
    ? '<button type="button" class="message-tool reply-tool" data-reply-in-thread aria-label="Reply in thread" title="Reply in thread"></button>'
    : '';
  return `<div class="message-tools" role="toolbar" aria-label="Message actions">${reply}<button type="button" class="message-tool more-tool" data-more-actions aria-label="More actions" title="More actions" aria-haspopup="menu"></button></div>`;
}

/** The author line: a person's name (marked when of another organization), or the app's name and APP tag. */
function metaHtml(m: Message, author: Author | undefined): string {
  const time = `<time>${escapeHtml(m.shown)}</time>${m.edited ? ' <span class="edited">(edited)</span>' : ''}`;
  if (!author)
    return `<div class="meta"><strong>Handoff</strong> <span class="app-tag">APP</span> ${time}</div>`;
  const external = author.external
    ? ' <span class="external-tag" title="From another organization (Slack Connect)">external</span>'
    : '';
  return `<div class="meta"><strong class="author">${escapeHtml(author.name)}</strong>${external} ${time}</div>`;
}

export function messageHtml(m: Message, mc: MessageContext, inThread = false): string {
  const author = mc.author(m.user);
  const body =
    m.blocks && m.blocks.length > 0
      ? renderBlocks(m.blocks, mc.render, { surface: 'message' })
      : textHtml(m.text ?? '', mc.render);
  const replies = (m.replies ?? [])
    .map((r) => `<div class="reply">${messageHtml(r, mc, true)}</div>`)
    .join('');
  const thread = m.replies?.length
    ? `<div class="thread" data-thread="${escapeHtml(m.ts)}"><div class="thread-count">${m.replies.length} ${m.replies.length === 1 ? 'reply' : 'replies'}</div>${replies}</div>`
    : '';
  const kind = author ? ' person' : '';
  const by = author && m.user ? ` data-user="${escapeHtml(m.user)}"` : '';
  return (
    `<article class="message${kind}" data-channel="${escapeHtml(m.channel)}" data-ts="${escapeHtml(m.ts)}"${by}>` +
    `${toolsHtml(mc.threads && !inThread)}${metaHtml(m, author)}` +
    `${body}${extrasHtml(m)}${reactionsHtml(m, mc)}${thread}</article>`
  );
}

export function ephemeralHtml(e: Ephemeral, index: number, ctx: RenderContext): string {
  const body =
    e.blocks && e.blocks.length > 0
      ? renderBlocks(e.blocks, ctx, { surface: 'message' })
      : textHtml(e.text, ctx);
  return `<article class="message ephemeral" data-channel="${escapeHtml(e.channel)}" data-ephemeral="${index}"><div class="meta"><strong>Handoff</strong> <span class="app-tag">APP</span> <span class="only-you">Only visible to you</span></div>${body}</article>`;
}
