/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The sandbox page: plays Slack's client. It polls the sandbox server for what the app has sent (messages, the App
 * Home, modals, ephemeral notes), renders it with render.ts, and turns clicks and submissions into requests the
 * server signs and forwards to the app exactly as Slack would. Outside Slack, the Salesforce panel shows the fake
 * Salesforce the app is connected to (salesforce.ts): the opportunities, a seller's edits of their money, "Poll the
 * CRM now", the Tasks the app wrote on them, and Close won / Close lost.
 */

import type { PageStatus } from '../sandbox.js';
import {
  APPS,
  type AppPanel,
  appControlClick,
  appsPanelHtml,
  appsPlace,
  channelAppBar,
} from './appControls.js';
import {
  messageToolClick,
  type ShortcutMenu,
  sendTyped,
  syncMessageTools,
  type ToolHooks,
} from './messageActions.js';
import { type Ephemeral, ephemeralHtml, type Message, type MessageContext, messageHtml } from './messages.js';
import { emojiChar, escapeHtml, type RenderContext, renderBlocks, renderModal } from './render.js';
import {
  keepDrafts,
  markTyped,
  restoreDrafts,
  SALESFORCE,
  type SalesforcePanel,
  salesforceClick,
  salesforceHtml,
  saveOpportunity,
} from './salesforce.js';

type Json = Record<string, unknown>;

/** A Slack status as the sandbox server shows it (a type only: nothing of the server is bundled for the page). */
type SlackStatus = PageStatus;

interface Person {
  id: string;
  name: string;
  title: string;
  role: string;
  external: boolean;
  status: SlackStatus | null;
}

interface Conversation {
  id: string;
  name: string;
  kind: 'channel' | 'dm';
  external: boolean;
  /** Whether the app is a member of the channel. */
  appIn: boolean;
  messages: Message[];
  ephemerals: Ephemeral[];
}

interface View extends Json {
  id: string;
  hash: string;
  type: string;
  blocks: unknown[];
}

interface Snapshot {
  me: { id: string; team_id: string; real_name?: string; tz?: string };
  users: Person[];
  channels: { id: string; name: string; external: boolean; private: boolean }[];
  /** `today`: the viewer's day in sandbox time (YYYY-MM-DD). */
  /**
   * `jumps`: the moves to what was next due; `nextDue`: the moment "Next due" moves to (the viewer's time), or null
   * when nothing is due within its reach.
   */
  clock: {
    now: string;
    local: string;
    advancedBusinessDays: number;
    jumps: number;
    today: string;
    nextDue: { at: string; local: string } | null;
  };
  conversations: Conversation[];
  home: { id: string; blocks: unknown[] } | null;
  modal: { view: View; depth: number } | null;
  salesforce: SalesforcePanel;
  /** The app's install (Manage apps; the bar above each channel). */
  app: AppPanel;
  /** The app's message shortcuts this person's "More actions" menu offers (none for another organization's). */
  shortcuts: ShortcutMenu;
}

const $ = <T extends HTMLElement>(selector: string) => document.querySelector(selector) as T;

const page = {
  user: new URLSearchParams(location.search).get('as') ?? 'U0AUTHOR',
  /** 'home' or a conversation id. */
  place: '',
  snapshot: undefined as Snapshot | undefined,
  renderedMain: '',
  /** The modal on screen (id and hash), so a poll does not wipe what is being typed; undefined redraws it. */
  renderedModal: undefined as string | undefined,
  errors: {} as Record<string, string>,
  /**
   * The last rendering of each modal view, live or set aside: what was typed in a view comes back when the view
   * is on top again (after Back from a pushed view, after switching person and back), as in Slack.
   */
  modalCards: new Map<string, HTMLElement>(),
  /** A submit or click on its way to the app: Slack disables the button meanwhile. */
  busy: false,
  polling: false,
  /** Tasks whose description is unfolded in the Salesforce panel, kept open across redraws. */
  openTasks: new Set<string>(),
};

function context(s: Snapshot): RenderContext {
  return {
    userName: (id) => s.users.find((u) => u.id === id)?.name ?? id,
    channelName: (id) => s.channels.find((c) => c.id === id)?.name ?? id,
    fileUrl: (id) => `/files/${encodeURIComponent(id)}`,
    // Slack's people pickers show each person's status emoji after their name.
    users: s.users.map((u) => ({ id: u.id, name: u.status ? `${u.name} ${statusEmoji(u.status)}` : u.name })),
    channels: s.channels,
    // Slack shows each reader a date in their own timezone, relative to their now: here, the sandbox clock's.
    ...(s.me.tz ? { timeZone: s.me.tz } : {}),
    now: Date.parse(s.clock.now),
  };
}

/** A status's emoji as a character (Slack shows 💬 for a status with text only). */
const statusEmoji = (status: SlackStatus) =>
  status.emoji === '' ? '💬' : (emojiChar(status.emoji) ?? status.emoji);

/** "🌴 Vacation · back Mon 30 Nov" */
const statusLine = (status: SlackStatus) =>
  [`${statusEmoji(status)} ${status.text}`.trim(), status.shownUntil].filter(Boolean).join(' · ');

async function post(path: string, body: Json): Promise<Json> {
  const response = await fetch(path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ user: page.user, ...body }),
  });
  const answer = (await response.json().catch(() => ({}))) as Json;
  if (!response.ok || answer.error) showNotice(String(answer.error ?? `HTTP ${response.status}`));
  // The app's own answer to Slack: anything but 200 is what Slack shows as a failed action.
  else if (typeof answer.status === 'number' && answer.status !== 200) {
    showNotice(`The app answered HTTP ${answer.status}: Slack would show "We had some trouble connecting".`);
  }
  return answer;
}

let noticeTimer: ReturnType<typeof setTimeout> | undefined;

function showNotice(text: string, ms = 6000): void {
  const notice = $('#notice');
  notice.textContent = text;
  notice.hidden = false;
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => {
    notice.hidden = true;
  }, ms);
}

// ---------------------------------------------------------------------------------------------------------------
// Rendering

function sidebar(s: Snapshot): string {
  const me = s.users.find((u) => u.id === page.user);
  const items = [
    ...(me?.external ? [] : [{ id: 'home', label: 'Handoff · Home' }]),
    ...s.conversations.map((c) => ({
      id: c.id,
      label: c.kind === 'dm' ? c.name : `# ${c.name}${c.external ? ' (Slack Connect)' : ''}`,
    })),
  ];
  const button = (i: { id: string; label: string }) =>
    `<button class="place${i.id === page.place ? ' current' : ''}" data-place="${escapeHtml(i.id)}">${escapeHtml(i.label)}</button>`;
  // Not part of Slack: the CRM the app is connected to, the same for whoever you are; and, for the workspace admin,
  // Slack's page of installed apps.
  const outside = [{ id: SALESFORCE, label: 'Salesforce (fake)' }, ...appsPlace(s.app)];
  return `${items.map(button).join('')}<div class="places-heading">Outside Slack</div>${outside.map(button).join('')}`;
}

function mainHtml(s: Snapshot, ctx: RenderContext): string {
  if (page.place === SALESFORCE) return salesforceHtml(s.salesforce, page.openTasks);
  if (page.place === APPS) return appsPanelHtml(s.app);
  if (page.place === 'home') {
    const body = s.home
      ? renderBlocks(s.home.blocks, ctx, { surface: 'home' })
      : '<p class="empty">The app has not published a Home for you yet.</p>';
    return `<h2>Home</h2><section class="home" data-view-id="${escapeHtml(s.home?.id ?? '')}">${body}</section>`;
  }
  const c = s.conversations.find((x) => x.id === page.place);
  if (!c) return '<p class="empty">Pick a conversation.</p>';
  const mc: MessageContext = {
    render: ctx,
    author: (id) => {
      const person = s.users.find((u) => u.id === id);
      return person ? { name: person.name, external: person.external } : undefined;
    },
    threads: c.kind === 'channel',
  };
  const items = [
    ...c.messages.map((m) => ({ at: Number(m.ts) * 1000, html: messageHtml(m, mc) })),
    ...c.ephemerals.map((e, index) => ({ at: e.at, html: ephemeralHtml(e, index, ctx) })),
  ].sort((a, b) => a.at - b.at);
  const title = c.kind === 'dm' ? c.name : `# ${c.name}`;
  const note = c.external
    ? '<p class="connect">Slack Connect: people from another organisation are in this channel.</p>'
    : '';
  const internal = !s.users.find((u) => u.id === page.user)?.external;
  return (
    `<h2>${escapeHtml(title)}</h2>${note}${channelAppBar(c, s.app, internal)}<section class="messages" data-conversation="${escapeHtml(c.id)}">` +
    `${items.map((i) => i.html).join('') || '<p class="empty">No messages yet.</p>'}</section>`
  );
}

function render(s: Snapshot): void {
  const ctx = context(s);
  const me = s.users.find((u) => u.id === page.user);
  if (!page.place || (page.place === 'home' && me?.external)) {
    page.place = me?.external ? (s.conversations[0]?.id ?? '') : 'home';
    if (page.place === 'home') void post('/api/home', {});
  }
  const moved = s.clock.advancedBusinessDays;
  const jumps = s.clock.jumps;
  const movedBy = [
    ...(moved ? [`moved ${moved} business day${moved === 1 ? '' : 's'} ahead`] : []),
    ...(jumps ? [`${jumps} move${jumps === 1 ? '' : 's'} to what was next due`] : []),
  ];
  $('#clock').textContent = `${s.clock.local}${movedBy.length ? ` (${movedBy.join('; ')})` : ''}`;
  renderNextDue(s);
  // The App Home has no message box in Slack; Salesforce and Manage apps are not Slack's client.
  $('#composer').hidden = page.place === 'home' || page.place === SALESFORCE || page.place === APPS;
  const here = s.conversations.find((c) => c.id === page.place);
  syncMessageTools(page.user, page.place, here?.kind === 'channel' ? here.name : undefined);
  $('#whoami').textContent = me ? `${me.name}: ${me.title}` : '';
  renderPeople(s, me);
  const main = `${sidebar(s)}\u0000${mainHtml(s, ctx)}`;
  if (main !== page.renderedMain) {
    page.renderedMain = main;
    const pane = $('#pane');
    const atBottom = pane.scrollTop + pane.clientHeight >= pane.scrollHeight - 40;
    const samePlace = pane.dataset.showing === page.place;
    $('#places').innerHTML = sidebar(s);
    // What a person typed in the Salesforce panel's forms and has not saved stays through the redraw.
    const drafts = samePlace ? keepDrafts(pane) : undefined;
    pane.innerHTML = mainHtml(s, ctx);
    if (drafts) restoreDrafts(pane, drafts);
    pane.dataset.showing = page.place;
    // Conversations open at the newest message and follow new ones, unless you scrolled up to read.
    const conversation = page.place !== 'home' && page.place !== SALESFORCE && page.place !== APPS;
    if (conversation && (!samePlace || atBottom)) pane.scrollTop = pane.scrollHeight;
  }
  renderModalLayer(s, ctx);
}

/** Each person's status emoji next to their name in the person picker, and your whole status on its button. */
function renderPeople(s: Snapshot, me: Person | undefined): void {
  for (const option of $<HTMLSelectElement>('#who').options) {
    const person = s.users.find((u) => u.id === option.value);
    if (!person) continue;
    // The emoji only, as Slack shows it after a name (the whole status is on your own status button).
    const label = `${person.name} (${person.role})${person.status ? ` ${statusEmoji(person.status)}` : ''}`;
    if (option.textContent !== label) option.textContent = label;
    option.title = person.status ? statusLine(person.status) : '';
  }
  const button = $<HTMLButtonElement>('#status-button');
  const label = me?.status ? statusLine(me.status) : 'Update your status';
  if (button.textContent !== label) button.textContent = label;
  button.title = me?.status
    ? `Your Slack status${me.status.away ? ' (the app reads it as away)' : ''}: click to change or clear it`
    : 'Set a Slack status, as in Slack: the app reads it to know whether you are away';
}

function renderModalLayer(s: Snapshot, ctx: RenderContext): void {
  const layer = $('#modal-layer');
  const view = s.modal?.view;
  const key = view ? `${view.id}:${view.hash}:${JSON.stringify(page.errors)}` : '';
  if (key === page.renderedModal) return;
  page.renderedModal = key;
  if (!view) {
    layer.hidden = true;
    layer.innerHTML = '';
    return;
  }
  // Like Slack, what the person typed survives errors, updates of the same view (same block and action ids) and
  // a return to it from a pushed view.
  const previous = page.modalCards.get(view.id);
  layer.hidden = false;
  layer.innerHTML = `<div class="modal-card" data-view-id="${escapeHtml(view.id)}">${renderModal(view, ctx, { errors: page.errors })}</div>`;
  if (previous) carryOver(previous, layer);
  page.modalCards.set(view.id, layer.querySelector<HTMLElement>('.modal-card') as HTMLElement);
}

/** Copies the values of input controls from an old rendering of a view into the new one. */
function carryOver(from: HTMLElement, to: HTMLElement): void {
  for (const old of from.querySelectorAll<HTMLElement>('[data-input]')) {
    const selector = `[data-input][data-block-id="${CSS.escape(old.dataset.blockId ?? '')}"][data-action-id="${CSS.escape(old.dataset.actionId ?? '')}"]`;
    const next = to.querySelector<HTMLElement>(selector);
    if (!next) continue;
    if (old instanceof HTMLSelectElement && next instanceof HTMLSelectElement) {
      const chosen = new Set([...old.selectedOptions].map((o) => o.value));
      for (const option of next.options) option.selected = chosen.has(option.value);
    } else if (old instanceof HTMLInputElement || old instanceof HTMLTextAreaElement) {
      (next as HTMLInputElement).value = old.value;
    } else {
      const checked = new Set(
        [...old.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value),
      );
      for (const box of next.querySelectorAll<HTMLInputElement>('input'))
        box.checked = checked.has(box.value);
    }
  }
}

async function refresh(): Promise<void> {
  // One look at a time: an older answer arriving late must not bring back a modal that was just closed.
  if (page.polling) return;
  page.polling = true;
  let s: Snapshot;
  try {
    // Manage apps shows the app's /healthz, read only while it is open.
    const place = page.place === APPS ? `&place=${APPS}` : '';
    const response = await fetch(`/api/state?user=${encodeURIComponent(page.user)}${place}`);
    if (!response.ok) return;
    s = (await response.json()) as Snapshot;
  } finally {
    page.polling = false;
  }
  const modalId = s.modal?.view.id;
  if (modalId !== page.snapshot?.modal?.view.id) page.errors = {};
  page.snapshot = s;
  render(s);
}

// ---------------------------------------------------------------------------------------------------------------
// Reading elements back into Slack's payload shapes

/**
 * An element with an action_id in a list of blocks (accessories, actions, inputs, context). `value` picks the
 * clicked one among those with the same action id: in two blocks without a block_id (Slack gives each its own, so
 * an Edit button per section and a New button below may share an action id), or repeated in one block (which Slack
 * refuses, and the page flags). Without a match by value, the first with the action id.
 */
function findElement(
  blocks: unknown[],
  blockId: string | undefined,
  actionId: string,
  value?: string,
): Json | undefined {
  let first: Json | undefined;
  for (const block of blocks as Json[]) {
    if (blockId !== undefined && block.block_id !== blockId) continue;
    const candidates = [
      block.accessory,
      block.element,
      ...((block.elements as unknown[] | undefined) ?? []),
    ] as (Json | undefined)[];
    for (const element of candidates) {
      if (element?.action_id !== actionId) continue;
      if (value === undefined || element.value === value) return element;
      first ??= element;
    }
  }
  return first;
}

function optionsOf(element: Json | undefined): Json[] {
  if (!element) return [];
  const groups = (element.option_groups as Json[] | undefined) ?? [];
  return [
    ...((element.options as Json[] | undefined) ?? []),
    ...groups.flatMap((g) => (g.options as Json[]) ?? []),
  ];
}

const optionFor = (element: Json | undefined, value: string) => {
  const option = optionsOf(element).find((o) => o.value === value);
  return option
    ? {
        text: option.text,
        value: option.value,
        ...(option.description ? { description: option.description } : {}),
      }
    : null;
};

/**
 * What an element holds, in Slack's shape for its type (`value`, `selected_option`, `selected_user`, ...): the same
 * fields in a view's `state.values` and in the `actions[0]` of a change. Undefined for elements that hold nothing.
 */
function heldValue(el: HTMLElement, type: string, definition: Json | undefined): Json | undefined {
  const field = el as HTMLInputElement & HTMLSelectElement;
  const text = field.value === '' ? null : field.value;
  const selected = () =>
    field instanceof HTMLSelectElement
      ? [...field.selectedOptions].map((o) => o.value).filter((v) => v !== '')
      : [];
  const checked = () => [...el.querySelectorAll<HTMLInputElement>('input:checked')].map((i) => i.value);
  const option = (value: string | null | undefined) => (value ? optionFor(definition, value) : null);
  switch (type) {
    case 'plain_text_input':
    case 'url_text_input':
    case 'email_text_input':
    case 'number_input':
      return { value: text };
    case 'datepicker':
      return { selected_date: text };
    case 'timepicker':
      return { selected_time: text };
    case 'static_select':
    case 'overflow':
      return { selected_option: option(text) };
    case 'multi_static_select':
      return { selected_options: selected().map((v) => optionFor(definition, v)) };
    case 'users_select':
      return { selected_user: text };
    case 'multi_users_select':
      return { selected_users: selected() };
    case 'conversations_select':
      return { selected_conversation: text };
    case 'multi_conversations_select':
      return { selected_conversations: selected() };
    case 'channels_select':
      return { selected_channel: text };
    case 'multi_channels_select':
      return { selected_channels: selected() };
    case 'checkboxes':
      return { selected_options: checked().map((v) => optionFor(definition, v)) };
    case 'radio_buttons':
      return { selected_option: option(checked()[0]) };
    default:
      return undefined;
  }
}

/** The view's `state.values` from the form controls, in Slack's shape per element type. */
function readState(root: HTMLElement, blocks: unknown[]): Record<string, Record<string, Json>> {
  const values: Record<string, Record<string, Json>> = {};
  // Input blocks, and (since 2020, as Slack does) every other element that keeps a value, like a select in a
  // section of the App Home. Buttons and overflow menus keep none.
  const stateful = '[data-input], select[data-action]:not([data-action="overflow"]), input[data-action]';
  for (const el of root.querySelectorAll<HTMLElement>(stateful)) {
    const type = el.dataset.input ?? el.dataset.action ?? '';
    const blockId = el.dataset.blockId ?? '';
    const actionId = el.dataset.actionId ?? '';
    const value = heldValue(el, type, findElement(blocks, blockId, actionId));
    if (value) values[blockId] = { ...(values[blockId] ?? {}), [actionId]: { type, ...value } };
  }
  return values;
}

/** The `actions[0]` of a block_actions payload for a clicked or changed element. */
function actionOf(el: HTMLElement, blocks: unknown[]): Json {
  const type = el.dataset.action ?? '';
  const blockId = el.dataset.blockId;
  const actionId = el.dataset.actionId ?? '';
  const definition = findElement(blocks, blockId, actionId, el.dataset.value) ?? {};
  const base: Json = { type, action_id: actionId, block_id: blockId ?? '' };
  if (type !== 'button') return { ...base, ...heldValue(el, type, definition) };
  return {
    ...base,
    text: definition.text,
    ...(definition.value !== undefined ? { value: definition.value } : {}),
    ...(definition.style ? { style: definition.style } : {}),
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Events

/** Where an element sits: a message (or an ephemeral note), the App Home, or a modal; and that surface's blocks. */
function locate(el: HTMLElement): { where: Json; blocks: unknown[]; form?: HTMLElement } | undefined {
  const s = page.snapshot;
  if (!s) return undefined;
  const card = el.closest<HTMLElement>('.modal-card');
  if (card && s.modal)
    return { where: { kind: 'view', viewId: s.modal.view.id }, blocks: s.modal.view.blocks, form: card };
  const home = el.closest<HTMLElement>('.home');
  if (home && s.home)
    return { where: { kind: 'view', viewId: s.home.id }, blocks: s.home.blocks, form: home };
  const article = el.closest<HTMLElement>('article.message');
  if (!article) return undefined;
  const channel = article.dataset.channel ?? '';
  const ts = article.dataset.ts ?? '';
  const conversation = s.conversations.find(
    (c) => c.id === channel || c.messages.some((m) => m.channel === channel),
  );
  const all = conversation?.messages.flatMap((m) => [m, ...(m.replies ?? [])]) ?? [];
  const message = all.find((m) => m.ts === ts);
  if (article.dataset.ephemeral !== undefined) {
    const note = conversation?.ephemerals[Number(article.dataset.ephemeral)];
    return { where: { kind: 'message', channel, ts: '', ephemeral: true }, blocks: note?.blocks ?? [] };
  }
  return { where: { kind: 'message', channel, ts }, blocks: message?.blocks ?? [] };
}

async function act(el: HTMLElement): Promise<void> {
  const located = locate(el);
  if (!located) return;
  const type = el.dataset.action ?? '';
  // A select put back on its placeholder is not a choice.
  if (type !== 'button' && (el as HTMLSelectElement).value === '') return;
  const action = actionOf(el, located.blocks);
  const definition = findElement(
    located.blocks,
    el.dataset.blockId,
    el.dataset.actionId ?? '',
    el.dataset.value,
  );
  const confirm = definition?.confirm as Json | undefined;
  if (confirm) {
    const title = (confirm.title as Json | undefined)?.text ?? 'Are you sure?';
    const text = (confirm.text as Json | undefined)?.text ?? '';
    if (!window.confirm(`${title}\n\n${text}`)) return;
  }
  const values =
    located.form && located.where.kind === 'view' ? readState(located.form, located.blocks) : undefined;
  await whileBusy(el, () =>
    post('/api/action', { where: located.where, action, ...(values ? { values } : {}) }),
  );
  if (type === 'overflow' && el instanceof HTMLSelectElement) el.value = '';
  await refresh();
}

/** Runs one request to the app with the control disabled, and refuses a second one meanwhile (a double click). */
async function whileBusy<T>(control: HTMLElement | null, send: () => Promise<T>): Promise<T | undefined> {
  if (page.busy) return undefined;
  page.busy = true;
  control?.setAttribute('disabled', '');
  try {
    return await send();
  } finally {
    page.busy = false;
    control?.removeAttribute('disabled');
  }
}

document.addEventListener('click', (event) => {
  const target = event.target as HTMLElement;
  const place = target.closest<HTMLElement>('[data-place]');
  if (place) {
    page.place = place.dataset.place ?? '';
    page.renderedMain = '';
    if (page.place === 'home') void post('/api/home', {}).then(refresh);
    else void refresh();
    return;
  }
  const copy = target.closest<HTMLElement>('button[data-copy]');
  if (copy) {
    void copyText(copy.dataset.copy ?? '');
    return;
  }
  const close = target.closest<HTMLElement>('button[data-close-opportunity]');
  if (close) {
    void closeOpportunity(close);
    return;
  }
  if (messageToolClick(target, hooks)) return;
  if (appControlClick(target, hooks)) return;
  if (salesforceClick(target, hooks)) return;
  const button = target.closest<HTMLElement>('button[data-action]');
  if (button) {
    event.preventDefault();
    if (button.dataset.url) window.open(button.dataset.url, '_blank', 'noopener');
    void act(button);
    return;
  }
  if (target.closest('.bk-close')) {
    const view = page.snapshot?.modal?.view;
    if (view) void post('/api/close', { viewId: view.id }).then(refresh);
  }
});

/** What the controls of appControls.ts and messageActions.ts need of the page. */
const hooks: ToolHooks = {
  post,
  refresh,
  showNotice,
  whileBusy,
  shortcuts: () => page.snapshot?.shortcuts,
  place: () => page.place,
};

/** Close won / Close lost in the Salesforce panel: the sandbox closes it and has the app read it back at once. */
async function closeOpportunity(button: HTMLElement): Promise<void> {
  const answer = await whileBusy(button, () =>
    post('/api/salesforce/close', {
      opportunity: button.dataset.closeOpportunity,
      won: button.dataset.won === 'true',
    }),
  );
  if (answer && typeof answer.message === 'string') showNotice(answer.message, 12_000);
  await refresh();
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    showNotice(`Copied: ${text}`, 3000);
  } catch {
    showNotice('The browser would not copy: select the text and copy it yourself.');
  }
}

// An unfolded Task stays unfolded when the panel is drawn again (toggle does not bubble: caught on the way down).
document.addEventListener(
  'toggle',
  (event) => {
    const details = event.target as HTMLElement;
    if (!(details instanceof HTMLDetailsElement) || !details.dataset.task) return;
    if (details.open) page.openTasks.add(details.dataset.task);
    else page.openTasks.delete(details.dataset.task);
  },
  true,
);

// A change typed in the Salesforce panel's forms is the person's until saved (kept through redraws).
document.addEventListener('input', (event) => markTyped(event.target as HTMLElement));

document.addEventListener('change', (event) => {
  const target = event.target as HTMLElement;
  markTyped(target);
  if (target.matches('select[data-action], input[data-action]')) void act(target);
  else if (target.closest('[data-input][data-dispatch="true"]')) {
    const input = target.closest<HTMLElement>('[data-input]') as HTMLElement;
    const located = locate(input);
    if (!located?.form) return;
    const type = input.dataset.input ?? '';
    const values = readState(located.form, located.blocks);
    const action = {
      type,
      action_id: input.dataset.actionId ?? '',
      block_id: input.dataset.blockId ?? '',
      ...(values[input.dataset.blockId ?? '']?.[input.dataset.actionId ?? ''] ?? {}),
    };
    void post('/api/action', { where: located.where, action, values }).then(refresh);
  }
});

document.addEventListener('submit', (event) => {
  const form = event.target as HTMLElement;
  event.preventDefault();
  if (form.id === 'composer') {
    const input = $<HTMLInputElement>('#command');
    const text = input.value.trim();
    if (!text) return;
    // A plain message is the person's own, in the channel or the thread they reply in (messageActions.ts).
    if (!text.startsWith('/')) {
      void sendTyped(input, hooks);
      return;
    }
    input.value = '';
    // `/invite @Handoff` and `/remove @Handoff` are Slack's, answered with what Slack did.
    void post('/api/command', { channel: page.place, text }).then((answer) => {
      if (typeof answer.message === 'string') showNotice(answer.message, 8000);
      return refresh();
    });
    return;
  }
  if (form.matches('form[data-edit-opportunity]')) {
    void saveOpportunity(form as HTMLFormElement, hooks);
    return;
  }
  const view = page.snapshot?.modal?.view;
  if (!view || !form.classList.contains('bk-modal')) return;
  const values = readState(form, view.blocks);
  void whileBusy(form.querySelector<HTMLElement>('.bk-submit'), () =>
    post('/api/submit', { viewId: view.id, values }),
  ).then(async (answer) => {
    if (!answer) return;
    page.errors = (answer.errors as Record<string, string> | undefined) ?? {};
    page.renderedModal = undefined;
    await refresh();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Your Slack status (not a Slack surface of the app: what a person sets in Slack's own profile menu)

function openStatusPanel(): void {
  const s = page.snapshot;
  const me = s?.users.find((u) => u.id === page.user);
  if (!s || !me) return;
  const form = $<HTMLFormElement>('#status-form');
  $<HTMLSelectElement>('#status-emoji').value = me.status?.emoji ?? '';
  // An emoji the list does not offer (set by a test, say) is kept as an option rather than lost on Save.
  if (me.status?.emoji && $<HTMLSelectElement>('#status-emoji').value !== me.status.emoji) {
    const option = new Option(`${statusEmoji(me.status)} ${me.status.emoji}`, me.status.emoji, true, true);
    $<HTMLSelectElement>('#status-emoji').add(option);
  }
  $<HTMLInputElement>('#status-text').value = me.status?.text ?? '';
  const back = $<HTMLInputElement>('#status-back');
  back.value = me.status?.backOn ?? '';
  // The first day you can be back is tomorrow, in sandbox time.
  const tomorrow = new Date(`${s.clock.today}T12:00:00Z`);
  tomorrow.setUTCDate(tomorrow.getUTCDate() + 1);
  back.min = tomorrow.toISOString().slice(0, 10);
  $('#status-for').textContent =
    `${me.name}, as ${me.name.split(' ')[0]} would set it in Slack. The app reads it (users.profile.get) in the review before a handoff is sent, in the sweep while a handoff waits (at most once an hour per AE), and when it picks someone from a pool.`;
  $('#status-now').textContent = me.status
    ? `Now: ${statusLine(me.status)}. ${me.status.away ? 'The app reads this as away.' : 'The app does not read this as away (no away word or emoji).'}`
    : 'Now: no status.';
  form.hidden = false;
  $('#status-button').setAttribute('aria-expanded', 'true');
  $<HTMLInputElement>('#status-text').focus();
}

function closeStatusPanel(): void {
  $<HTMLFormElement>('#status-form').hidden = true;
  $('#status-button').setAttribute('aria-expanded', 'false');
}

async function saveStatus(change: { text: string; emoji: string; backOn: string }): Promise<void> {
  const answer = await whileBusy($('#status-form .status-save'), () => post('/api/status', change));
  if (!answer || answer.error) return;
  const saved = answer.slackStatus as SlackStatus | null;
  showNotice(
    saved
      ? `Your Slack status: ${statusLine(saved)}${saved.away ? ' (away, for the app)' : ''}.`
      : 'Your Slack status is cleared.',
    4000,
  );
  closeStatusPanel();
  await refresh();
}

$('#status-button').addEventListener('click', () => {
  if ($<HTMLFormElement>('#status-form').hidden) openStatusPanel();
  else closeStatusPanel();
});
$('#status-cancel').addEventListener('click', closeStatusPanel);
$('#status-clear').addEventListener('click', () => void saveStatus({ text: '', emoji: '', backOn: '' }));
for (const preset of document.querySelectorAll<HTMLButtonElement>('[data-status-preset]')) {
  preset.addEventListener('click', () => {
    $<HTMLSelectElement>('#status-emoji').value = preset.dataset.statusPreset ?? '';
    $<HTMLInputElement>('#status-text').value = preset.dataset.statusText ?? '';
    $<HTMLInputElement>('#status-back').focus();
  });
}
$<HTMLFormElement>('#status-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void saveStatus({
    text: $<HTMLInputElement>('#status-text').value,
    emoji: $<HTMLSelectElement>('#status-emoji').value,
    backOn: $<HTMLInputElement>('#status-back').value,
  });
});
document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && !$<HTMLFormElement>('#status-form').hidden) closeStatusPanel();
});

$<HTMLSelectElement>('#who').addEventListener('change', (event) => {
  closeStatusPanel();
  // A notice was for the person you were ("Your Slack status: …"), not for the one you now are.
  clearTimeout(noticeTimer);
  $('#notice').hidden = true;
  page.user = (event.target as HTMLSelectElement).value;
  page.place = '';
  page.renderedMain = '';
  page.renderedModal = undefined;
  history.replaceState(null, '', `?as=${encodeURIComponent(page.user)}`);
  void refresh();
});

const clockButtons = [...document.querySelectorAll<HTMLButtonElement>('[data-advance]')];
/** Whether a move of the clock is under way (its buttons wait for it). */
let clockMoving = false;

/** "Next due" names the moment it moves to, and is off when nothing is due. */
function renderNextDue(s: Snapshot): void {
  const button = $<HTMLButtonElement>('[data-advance="next"]');
  const next = s.clock.nextDue;
  const label = next ? `Next due: ${next.local}` : 'Nothing due';
  if (button.textContent !== label) button.textContent = label;
  button.title = next
    ? 'Moves the clock to the next moment something is due in the app (a reminder, a check-in, an expiry, a step of the escalation policy), and runs it'
    : 'Nothing is due in the app in the next 60 days';
  if (!clockMoving) button.disabled = next === null;
}

for (const button of clockButtons) {
  button.addEventListener('click', () => {
    // A move runs every job due on the way and can take a while: the buttons wait for it, so one click is one move.
    clockMoving = true;
    for (const b of clockButtons) b.disabled = true;
    const move =
      button.dataset.advance === 'next' ? { to: 'next' } : { businessDays: Number(button.dataset.advance) };
    void post('/api/clock', move)
      .then(refresh)
      .finally(() => {
        clockMoving = false;
        for (const b of clockButtons) b.disabled = false;
        if (page.snapshot) renderNextDue(page.snapshot);
      });
  });
}

async function start(): Promise<void> {
  const response = await fetch(`/api/state?user=${encodeURIComponent(page.user)}`);
  const s = (await response.json()) as Snapshot;
  $<HTMLSelectElement>('#who').innerHTML = s.users
    .map(
      (u) =>
        `<option value="${escapeHtml(u.id)}"${u.id === page.user ? ' selected' : ''}>${escapeHtml(u.name)} (${escapeHtml(u.role)})</option>`,
    )
    .join('');
  await refresh();
  setInterval(() => void refresh(), 700);
}

void start();
