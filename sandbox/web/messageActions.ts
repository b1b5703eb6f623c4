/// <reference lib="dom" />
/**
 * What a person does with messages on the page, as in Slack's client (the server side is sandbox/messageActions.ts):
 * - writes a plain message in a channel, or a reply in a thread ("Reply in thread" on a message's hover tools, then
 *   the composer); the app's DM takes slash commands only, its Messages tab being read-only;
 * - opens a message's "More actions" menu (⋯) and picks one of the app's message shortcuts: the page sends the app
 *   Slack's signed `message_action`, and the modal the app opens shows as any other.
 */
import type { MessageShortcutInfo, ShortcutMenu } from '../messageActions.js';
import type { PageHooks } from './appControls.js';
import { escapeHtml } from './render.js';

export type { ShortcutMenu };

/** What the tools need of the page besides its hooks: the current menu of shortcuts and where the person is. */
export interface ToolHooks extends PageHooks {
  shortcuts(): ShortcutMenu | undefined;
  place(): string;
}

/** The message a reply goes to, while "Reply in thread" is on. */
interface ReplyTarget {
  channel: string;
  ts: string;
  /** "Pat Marketer: Heads-up: Wide World…", for the line above the composer. */
  label: string;
}

const tools = {
  replyTo: undefined as ReplyTarget | undefined,
  /** Where and as whom the tools were last drawn: a move elsewhere ends a reply and closes the menu. */
  drawnFor: '',
};

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

/** A click on a message's tools or in the menu: handled (true) or not ours (false). Any other click closes the menu. */
export function messageToolClick(target: HTMLElement, hooks: ToolHooks): boolean {
  const item = target.closest<HTMLElement>('#message-menu [data-shortcut]');
  if (item) {
    void chooseShortcut(item, hooks);
    return true;
  }
  if (target.closest('#message-menu')) return true;
  const more = target.closest<HTMLElement>('[data-more-actions]');
  if (more) {
    toggleMenu(more, hooks.shortcuts());
    return true;
  }
  closeMenu();
  const reply = target.closest<HTMLElement>('[data-reply-in-thread]');
  if (reply) {
    startReply(reply);
    return true;
  }
  if (target.closest('[data-cancel-reply]')) {
    endReply();
    return true;
  }
  return false;
}

/** The message a tool belongs to. */
const articleOf = (el: HTMLElement) => el.closest<HTMLElement>('article.message');

function toggleMenu(button: HTMLElement, menu: ShortcutMenu | undefined): void {
  const article = articleOf(button);
  const box = $('#message-menu');
  if (!article || !menu) return;
  if (!box.hidden && box.dataset.ts === article.dataset.ts) {
    closeMenu();
    return;
  }
  box.dataset.channel = article.dataset.channel ?? '';
  box.dataset.ts = article.dataset.ts ?? '';
  box.innerHTML = menuHtml(menu);
  box.hidden = false;
  button.setAttribute('aria-expanded', 'true');
  article.classList.add('menu-open');
  place(box, button);
}

/** The menu: the app's message shortcuts, each with its app's name, or why there are none. */
function menuHtml(menu: ShortcutMenu): string {
  const item = (s: MessageShortcutInfo) =>
    `<button type="button" role="menuitem" class="menu-item" data-shortcut="${escapeHtml(s.callback_id)}" title="${escapeHtml(s.description)}">` +
    `<span class="menu-name">${escapeHtml(s.name)}</span> <span class="menu-app">Handoff</span></button>`;
  const body = menu.offered.length
    ? menu.offered.map(item).join('')
    : `<p class="menu-none">${escapeHtml(menu.why ?? 'No app offers a shortcut on messages here.')}</p>`;
  return `<div class="menu-heading">Message shortcuts</div>${body}`;
}

/** Under the ⋯ button, its right edge on the button's, inside the window. */
function place(box: HTMLElement, button: HTMLElement): void {
  const at = button.getBoundingClientRect();
  const width = box.offsetWidth;
  const height = box.offsetHeight;
  box.style.left = `${Math.max(8, Math.min(at.right - width, window.innerWidth - width - 8))}px`;
  const below = at.bottom + 4;
  box.style.top = `${below + height > window.innerHeight - 8 ? Math.max(8, at.top - height - 4) : below}px`;
}

export function closeMenu(): void {
  const box = $('#message-menu');
  if (box.hidden) return;
  box.hidden = true;
  box.innerHTML = '';
  for (const open of document.querySelectorAll('article.message.menu-open'))
    open.classList.remove('menu-open');
  for (const b of document.querySelectorAll('[data-more-actions][aria-expanded="true"]'))
    b.setAttribute('aria-expanded', 'false');
}

/** The person picks a shortcut: Slack sends the app the `message_action`; what the app opens shows as a modal. */
async function chooseShortcut(item: HTMLElement, hooks: ToolHooks): Promise<void> {
  const box = $('#message-menu');
  const target = { channel: box.dataset.channel ?? '', ts: box.dataset.ts ?? '' };
  const callback = item.dataset.shortcut ?? '';
  closeMenu();
  await hooks.whileBusy(null, () => hooks.post('/api/shortcut', { ...target, callback_id: callback }));
  await hooks.refresh();
}

function startReply(button: HTMLElement): void {
  const article = articleOf(button);
  if (!article) return;
  const who = article.querySelector('.meta strong')?.textContent ?? '';
  const said = (article.querySelector('.fallback, .bk-block')?.textContent ?? '').trim();
  const label = `${who}: ${said.length > 80 ? `${said.slice(0, 80)}…` : said}`;
  tools.replyTo = { channel: article.dataset.channel ?? '', ts: article.dataset.ts ?? '', label };
  drawReply();
  $<HTMLInputElement>('#command').focus();
}

function endReply(): void {
  tools.replyTo = undefined;
  drawReply();
}

/** The line above the composer while a reply is on, and the composer's prompt. */
function drawReply(): void {
  const line = $('#replying');
  const reply = tools.replyTo;
  line.hidden = !reply;
  line.innerHTML = reply
    ? `Replying in thread to <span class="replying-to">${escapeHtml(reply.label)}</span> <button type="button" class="cancel-reply" data-cancel-reply aria-label="Cancel the reply">Cancel</button>`
    : '';
  $<HTMLInputElement>('#command').placeholder = reply
    ? 'Reply in the thread…'
    : $<HTMLInputElement>('#command').dataset.prompt || 'Type /handoff and press Enter';
}

/**
 * After each drawing of the page: the composer's prompt for this conversation ("Message #ext-meridian, or type
 * /handoff"), and, if the person or place changed, no reply in progress and no menu open.
 */
export function syncMessageTools(user: string, place: string, channelName: string | undefined): void {
  const input = $<HTMLInputElement>('#command');
  input.dataset.prompt = channelName
    ? `Message #${channelName}, or type /handoff`
    : 'Type /handoff and press Enter (this app takes no messages)';
  const drawnFor = `${user}\u0000${place}`;
  if (drawnFor !== tools.drawnFor) {
    tools.drawnFor = drawnFor;
    tools.replyTo = undefined;
    closeMenu();
  }
  drawReply();
}

/**
 * A plain message typed in the composer: posted as the person's, in the channel or the thread being replied to. The
 * composer is emptied once it is posted; a refusal (the app's read-only DM, say) keeps it and says why.
 */
export async function sendTyped(input: HTMLInputElement, hooks: ToolHooks): Promise<void> {
  const text = input.value.trim();
  const reply = tools.replyTo;
  const answer = await hooks.post('/api/message', {
    channel: hooks.place(),
    text,
    ...(reply && reply.channel === hooks.place() ? { thread_ts: reply.ts } : {}),
  });
  if (typeof answer.ts !== 'string') return;
  input.value = '';
  endReply();
  await hooks.refresh();
}

document.addEventListener('keydown', (event) => {
  if (event.key !== 'Escape') return;
  if (!$('#message-menu').hidden) closeMenu();
  else if (tools.replyTo && document.activeElement === $('#command')) endReply();
});
