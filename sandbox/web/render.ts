/**
 * Block Kit to HTML for the local sandbox ("Slack in a web page").
 *
 * Pure functions from Block Kit JSON to HTML strings: no DOM and no dependencies, so esbuild can bundle this file
 * for the browser and vitest can import it in Node. Every text and every attribute value taken from the JSON is
 * HTML-escaped exactly once, and only http(s), mailto and slack URLs ever become links.
 *
 * The page glue finds interactive markup by data attributes:
 * - immediate elements (in `actions` blocks and section accessories) carry `data-action="<element type>"`;
 * - form controls of `input` blocks carry `data-input="<element type>"` (and `data-dispatch="true"` when the
 *   input block has `dispatch_action`);
 * - both carry `data-block-id` and `data-action-id` when the JSON has them.
 * Whatever the sandbox cannot draw is shown, never dropped: `bk-unsupported` for types it does not know,
 * `bk-invalid` for JSON Slack would refuse, each followed by the offending JSON.
 */

import { elementsWithActionId, repeatedActionIds } from './blockRules.js';

/** What the renderer needs to know about the workspace. */
export interface RenderContext {
  /** display name for a user id (fallback: the id) */
  userName(id: string): string;
  /** display name for a channel id (fallback: the id) */
  channelName(id: string): string;
  /** URL the browser can load for an uploaded Slack file id (image blocks with slack_file: {id}) or undefined */
  fileUrl(id: string): string | undefined;
  /** users and channels offered by users_select / conversations_select / channels_select / multi_* variants */
  users: { id: string; name: string }[];
  /**
   * Shared with another organization (Slack Connect) and private: what a conversations select's `filter` reads
   * (`exclude_external_shared_channels`, `include`). Left out: an internal public channel.
   */
  channels: { id: string; name: string; external?: boolean; private?: boolean }[];
  /**
   * The viewer's IANA timezone: `<!date^…>` tokens and rich text dates show in it, as Slack shows every reader a
   * date in their own zone. Without it they show their fallback text.
   */
  timeZone?: string;
  /** Now (ms since the epoch; the sandbox clock), for "today", "tomorrow" and "3 hours ago". Default: Date.now(). */
  now?: number;
}

/** Where blocks are shown. Slack accepts input blocks in modals and the App Home, never in messages. */
export type Surface = 'message' | 'home' | 'modal';

export interface RenderOptions {
  /** Inline errors by block_id, as a view_submission ack with `response_action: 'errors'` returns them. */
  errors?: Record<string, string>;
  /** Tags interactive elements with `data-surface`; `message` also flags input blocks, which Slack refuses there. */
  surface?: Surface;
}

export interface MrkdwnOptions {
  /** Slack's `verbatim`: when false (Slack's default), bare http(s) URLs become links. Defaults to true here. */
  verbatim?: boolean;
}

type Json = Record<string, unknown>;

interface State {
  ctx: RenderContext;
  errors: Record<string, string>;
  surface: Surface | undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// HTML basics

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML content and for quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);
}

type AttrValue = string | boolean | undefined;

/** ` name="value"` pairs, escaped. `undefined` and `false` leave an attribute out; `true` writes it bare. */
function attrs(values: Record<string, AttrValue>): string {
  let out = '';
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined || value === false) continue;
    out += value === true ? ` ${name}` : ` ${name}="${escapeHtml(value)}"`;
  }
  return out;
}

/** A Block Kit type as a CSS class fragment: anything but letters, digits, `_` and `-` becomes `_`. */
function cssName(type: string): string {
  return type.replace(/[^A-Za-z0-9_-]/g, '_');
}

const LINK_SCHEMES = /^(?:https?|mailto|slack):/i;
const IMAGE_SCHEMES = /^https?:/i;

/** The URL, trimmed, when it may become a link (http, https, mailto, slack); otherwise undefined. */
export function safeUrl(url: string): string | undefined {
  const trimmed = url.trim();
  return LINK_SCHEMES.test(trimmed) ? trimmed : undefined;
}

function safeImageUrl(url: string): string | undefined {
  const trimmed = url.trim();
  return IMAGE_SCHEMES.test(trimmed) ? trimmed : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Reading untyped JSON

function isObj(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

/** A number-ish JSON value (Slack sends lengths as numbers, number_input bounds as strings) as text. */
function numberText(value: unknown): string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value))) return value.trim();
  return undefined;
}

function typeOf(value: unknown): string {
  return isObj(value) && typeof value.type === 'string' ? value.type : '(no type)';
}

/** The raw `text` of a text object, unescaped; undefined when it is not one. */
function rawText(value: unknown): string | undefined {
  return isObj(value) ? str(value.text) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Visible problems

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value, null, 2) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A type the sandbox cannot draw: the notice the page styles, then the JSON as Slack received it. */
function unsupported(kind: 'block' | 'element', type: string, value: unknown): string {
  const notice = `<div${attrs({ class: 'bk-unsupported', 'data-unsupported': `${kind}:${type}` })}>Unsupported Block Kit ${kind}: ${escapeHtml(type)}</div>`;
  return `<div class="bk-problem">${notice}<pre class="bk-json">${escapeHtml(jsonText(value))}</pre></div>`;
}

/** JSON Slack would refuse (a missing required part, a bad URL): a short reason, then the JSON. */
function invalid(reason: string, value: unknown): string {
  const notice = `<div${attrs({ class: 'bk-invalid', 'data-invalid': reason })}>Invalid Block Kit: ${escapeHtml(reason)}</div>`;
  return `<div class="bk-problem">${notice}<pre class="bk-json">${escapeHtml(jsonText(value))}</pre></div>`;
}

// ---------------------------------------------------------------------------------------------------------------
// Text: plain_text and mrkdwn

/**
 * plain_text as HTML: escaped, line breaks kept as `<br>`. Emoji codes stay as typed unless `emoji` (the text
 * object's `emoji: true`, as Slack shows it): then a code of the map below becomes its character.
 */
export function plainTextToHtml(text: string, emoji = false): string {
  const shown = emoji ? text.replace(/:[a-z0-9_+-]+:/g, (code) => emojiChar(code) ?? code) : text;
  return escapeHtml(shown).replace(/\r?\n/g, '<br>');
}

const SLACK_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>' };

/** Undoes Slack's own escaping of its three control characters, in one pass (so `&amp;lt;` stays `&lt;`). */
function decodeSlack(text: string): string {
  return text.replace(/&(?:amp|lt|gt);/g, (entity) => SLACK_ENTITIES[entity] ?? entity);
}

/** Common emoji and every one the app uses; other `:codes:` stay as text. */
const EMOJI: Record<string, string> = {
  white_check_mark: '✅',
  heavy_check_mark: '✔️',
  x: '❌',
  warning: '⚠️',
  hourglass: '⌛',
  hourglass_flowing_sand: '⏳',
  double_vertical_bar: '⏸️',
  question: '❓',
  tada: '🎉',
  smile: '😄',
  slightly_smiling_face: '🙂',
  '+1': '👍',
  thumbsup: '👍',
  eyes: '👀',
  rocket: '🚀',
  wave: '👋',
  memo: '📝',
  bell: '🔔',
  bar_chart: '📊',
  chart_with_upwards_trend: '📈',
  arrow_right: '➡️',
  no_entry_sign: '🚫',
  handshake: '🤝',
  information_source: 'ℹ️',
  calendar: '📆',
  white_large_square: '⬜',
  arrows_counterclockwise: '🔄',
  trophy: '🏆',
  rotating_light: '🚨',
  raising_hand: '🙋',
  incoming_envelope: '📨',
  bust_in_silhouette: '👤',
  dart: '🎯',
  bulb: '💡',
  busts_in_silhouette: '👥',
  alarm_clock: '⏰',
  eye: '👁️',
  pencil2: '✏️',
  link: '🔗',
  pause_button: '⏸️',
  no_entry: '⛔',
  mega: '📣',
  speech_balloon: '💬',
  mag: '🔍',
  fast_forward: '⏩',
  leftwards_arrow_with_hook: '↩️',
  // The statuses the app reads as away (AWAY_STATUS_EMOJI's defaults), shown in the review and the owner's notice.
  palm_tree: '🌴',
  airplane: '✈️',
  desert_island: '🏝️',
  beach_with_umbrella: '🏖️',
  face_with_thermometer: '🤒',
  thermometer: '🌡️',
  baby: '👶',
  baby_bottle: '🍼',
  luggage: '🧳',
  spiral_calendar_pad: '🗓️',
};

/** The character of an emoji code (`:palm_tree:` → 🌴) from the map above, or undefined. */
export function emojiChar(code: string): string | undefined {
  const name = /^:([a-z0-9_+-]+):$/.exec(code)?.[1];
  return name !== undefined && Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
}

/** A piece of mrkdwn already turned into HTML, and its text for places where markup is not rendered (code). */
interface Held {
  html: string;
  text: string;
}

// Placeholders keep rendered pieces out of the way of the emphasis rules. The two private-use characters are
// replaced in the input first, so a message cannot forge one.
const HOLD_OPEN = '\uE000';
const HOLD_CLOSE = '\uE001';
const HOLD_CHARS = /[\uE000\uE001]/g;
const HELD = /\uE000(\d+)\uE001/g;

class Holder {
  private readonly pieces: Held[] = [];

  hold(piece: Held): string {
    this.pieces.push(piece);
    return `${HOLD_OPEN}${this.pieces.length - 1}${HOLD_CLOSE}`;
  }

  /** Puts the pieces back into `text`: as HTML, as escaped text (inside code), or as plain text. */
  restore(text: string, as: 'html' | 'escaped' | 'plain'): string {
    return text.replace(HELD, (_match, index: string) => {
      const piece = this.pieces[Number(index)];
      if (!piece) return '';
      if (as === 'html') return piece.html;
      return as === 'escaped' ? escapeHtml(piece.text) : piece.text;
    });
  }
}

const ANGLE_TOKEN = /<([^<>]*)>/g;

/** Maps the text between Slack's `<…>` tokens and the tokens themselves. */
function mapTokens(
  raw: string,
  onText: (text: string) => string,
  onToken: (inner: string) => string,
): string {
  let out = '';
  let pos = 0;
  for (const match of raw.matchAll(ANGLE_TOKEN)) {
    out += onText(raw.slice(pos, match.index)) + onToken(match[1] ?? '');
    pos = match.index + match[0].length;
  }
  return out + onText(raw.slice(pos));
}

function mentionHtml(className: string, dataName: string, id: string, shown: string): string {
  return `<span${attrs({ class: className, [dataName]: id })}>${escapeHtml(shown)}</span>`;
}

/** `<@U123>`: the user's name from the context, else the token's label, else the id. */
function userToken(id: string, label: string | undefined, ctx: RenderContext): Held {
  const name = ctx.userName(id);
  const shown = `@${name === id && label ? label.replace(/^@/, '') : name}`;
  return { html: mentionHtml('bk-mention', 'data-user-id', id, shown), text: shown };
}

/** `<#C123>` or `<#C123|name>`. */
function channelToken(id: string, label: string | undefined, ctx: RenderContext): Held {
  const name = ctx.channelName(id);
  const shown = `#${name === id && label ? label.replace(/^#/, '') : name}`;
  return { html: mentionHtml('bk-mention bk-channel-mention', 'data-channel-id', id, shown), text: shown };
}

// ---------------------------------------------------------------------------------------------------------------
// Dates: `<!date^epoch^format^link|fallback>`, shown in the viewer's timezone

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
/** Slack leaves the year out of {date}, {date_short} and {date_long} within six months of now. */
const SIX_MONTHS_MS = 182 * 86_400_000;

interface ZonedTime {
  year: number;
  month: number;
  day: number;
  weekday: number;
  hour: number;
  minute: number;
  second: number;
  zoneName: string;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/** A moment's calendar fields in a timezone; undefined for a zone the browser does not know. */
function zonedTime(ms: number, timeZone: string): ZonedTime | undefined {
  let format = zoneFormats.get(timeZone);
  if (!format) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone,
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        weekday: 'short',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
        hourCycle: 'h23',
        timeZoneName: 'short',
      });
    } catch {
      return undefined;
    }
    zoneFormats.set(timeZone, format);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of format.formatToParts(new Date(ms))) part[p.type] = p.value;
  return {
    year: Number(part.year),
    month: Number(part.month),
    day: Number(part.day),
    weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(part.weekday ?? ''),
    hour: Number(part.hour),
    minute: Number(part.minute),
    second: Number(part.second),
    zoneName: part.timeZoneName ?? timeZone,
  };
}

function ordinal(n: number): string {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
}

const two = (n: number) => String(n).padStart(2, '0');

/** Slack's 12-hour clock, its default: "6:39 AM". */
function clockTime(t: ZonedTime, seconds: boolean): string {
  const hour = t.hour % 12 === 0 ? 12 : t.hour % 12;
  return `${hour}:${two(t.minute)}${seconds ? `:${two(t.second)}` : ''} ${t.hour < 12 ? 'AM' : 'PM'}`;
}

/** "3 minutes ago", "in 2 days". */
function relative(ms: number, now: number): string {
  const diff = ms - now;
  const abs = Math.abs(diff);
  const units: [number, string][] = [
    [365 * 86_400_000, 'year'],
    [30 * 86_400_000, 'month'],
    [86_400_000, 'day'],
    [3_600_000, 'hour'],
    [60_000, 'minute'],
  ];
  const [size, unit] = units.find(([size]) => abs >= size) ?? [1000, 'second'];
  const count = Math.max(1, Math.floor(abs / size));
  const amount = `${count} ${unit}${count === 1 ? '' : 's'}`;
  return diff < 0 ? `${amount} ago` : `in ${amount}`;
}

/**
 * A date token's text for a reader in `timeZone`, as Slack writes it (https://docs.slack.dev/messaging/formatting-
 * message-text#date-formatting): {date_num} 2014-02-18, {date_slash} 02/18/2014, {date} February 18th, 2014,
 * {date_short} Feb 18, 2014, {date_long} Tuesday, February 18th, 2014 (the year left out within six months; never
 * with the _full variants), the _pretty variants saying today, yesterday or tomorrow when they can, {time} 6:39 AM,
 * {time_secs} 6:39:42 AM and {ago} 3 minutes ago. Undefined when the zone is unknown.
 */
export function formatSlackDate(
  epochSeconds: number,
  format: string,
  timeZone: string,
  now: number,
): string | undefined {
  const ms = epochSeconds * 1000;
  const t = zonedTime(ms, timeZone);
  const today = zonedTime(now, timeZone);
  if (!t || !today) return undefined;
  const dayOf = (z: ZonedTime) => Date.UTC(z.year, z.month - 1, z.day) / 86_400_000;
  const offset = dayOf(t) - dayOf(today);
  const pretty = offset === 0 ? 'today' : offset === -1 ? 'yesterday' : offset === 1 ? 'tomorrow' : undefined;
  const nearYear = Math.abs(ms - now) < SIX_MONTHS_MS;
  const year = (full: boolean) => (full || !nearYear ? `, ${t.year}` : '');
  const month = MONTHS[t.month - 1] ?? '';
  const weekday = WEEKDAYS[t.weekday] ?? '';
  const date = (full: boolean) => `${month} ${ordinal(t.day)}${year(full)}`;
  const short = (full: boolean) => `${month.slice(0, 3)} ${t.day}${year(full)}`;
  const long = (full: boolean) => `${weekday}, ${date(full)}`;
  const tokens: Record<string, () => string> = {
    date_num: () => `${t.year}-${two(t.month)}-${two(t.day)}`,
    date_slash: () => `${two(t.month)}/${two(t.day)}/${t.year}`,
    date: () => date(false),
    date_full: () => date(true),
    date_pretty: () => pretty ?? date(false),
    date_short: () => short(false),
    date_short_full: () => short(true),
    date_short_pretty: () => pretty ?? short(false),
    date_long: () => long(false),
    date_long_full: () => long(true),
    date_long_pretty: () => pretty ?? long(false),
    time: () => clockTime(t, false),
    time_secs: () => clockTime(t, true),
    ago: () => relative(ms, now),
  };
  return format.replace(/\{([a-z_]+)\}/g, (whole, name: string) =>
    Object.hasOwn(tokens, name) ? (tokens[name]?.() ?? whole) : whole,
  );
}

/** A date as the reader sees it: in their zone when the context has one, else the fallback; optionally a link. */
function dateHtml(
  epochSeconds: number,
  format: string,
  link: string | undefined,
  fallback: string,
  ctx: RenderContext | undefined,
  capitalize = false,
): Held {
  const zone = ctx?.timeZone;
  const now = ctx?.now ?? Date.now();
  const valid = Number.isFinite(epochSeconds);
  let shown = (valid && zone && formatSlackDate(epochSeconds, format, zone, now)) || fallback;
  if (capitalize) shown = shown.charAt(0).toUpperCase() + shown.slice(1);
  const full =
    valid && zone ? formatSlackDate(epochSeconds, '{date_long_full} at {time}', zone, now) : undefined;
  const where = valid && zone ? zonedTime(epochSeconds * 1000, zone)?.zoneName : undefined;
  const title = full ? `${full} (${where ?? zone})` : undefined;
  const inner = `<span${attrs({ class: 'bk-date', title, 'data-epoch': full ? String(epochSeconds) : undefined })}>${escapeHtml(shown)}</span>`;
  const href = link ? safeUrl(link) : undefined;
  const html = href
    ? `<a${attrs({ class: 'bk-link', href, target: '_blank', rel: 'noopener noreferrer' })}>${inner}</a>`
    : inner;
  return { html, text: shown };
}

/** `<!here>`, `<!subteam^ID|@handle>`, `<!date^…|fallback>` and the like. */
function specialToken(target: string, label: string | undefined, ctx?: RenderContext): Held {
  const [command = '', id = ''] = target.split('^');
  if (command === 'here' || command === 'channel' || command === 'everyone') {
    const shown = `@${command}`;
    return { html: mentionHtml('bk-mention bk-broadcast', 'data-broadcast', command, shown), text: shown };
  }
  if (command === 'subteam') {
    const shown = label ?? `@${id}`;
    return { html: mentionHtml('bk-mention bk-usergroup', 'data-usergroup-id', id, shown), text: shown };
  }
  if (command === 'date') {
    const [, epoch = '', format = '', link] = target.split('^');
    const fallback = label ?? `<!${target}>`;
    return dateHtml(epoch.trim() === '' ? Number.NaN : Number(epoch), format, link, fallback, ctx);
  }
  const shown = label ?? `<!${target}>`;
  return { html: escapeHtml(shown), text: shown };
}

/** A link token; a scheme other than http(s), mailto or slack shows as text. */
function linkToken(url: string, label: string | undefined): Held {
  const shown = label ?? url.replace(/^mailto:/i, '');
  const href = safeUrl(url);
  if (href === undefined) return { html: escapeHtml(shown), text: shown };
  const anchor = attrs({ class: 'bk-link', href, target: '_blank', rel: 'noopener noreferrer' });
  return { html: `<a${anchor}>${escapeHtml(shown)}</a>`, text: shown };
}

function renderToken(inner: string, ctx: RenderContext): Held {
  const bar = inner.indexOf('|');
  const target = decodeSlack(bar === -1 ? inner : inner.slice(0, bar));
  const label = bar === -1 ? undefined : decodeSlack(inner.slice(bar + 1)) || undefined;
  if (target.startsWith('@')) return userToken(target.slice(1), label, ctx);
  if (target.startsWith('#')) return channelToken(target.slice(1), label, ctx);
  if (target.startsWith('!')) return specialToken(target.slice(1), label, ctx);
  return linkToken(target, label);
}

/** Bare http(s) URLs, for mrkdwn that is not verbatim; trailing punctuation stays outside the link. */
const BARE_URL = /\bhttps?:\/\/[^\s<>\uE000\uE001]+/g;
const TRAILING_PUNCTUATION = /[.,;:!?)\]'"]+$/;

function bareLink(raw: string, holder: Holder): string {
  const trailing = TRAILING_PUNCTUATION.exec(raw)?.[0] ?? '';
  const url = raw.slice(0, raw.length - trailing.length);
  return holder.hold(linkToken(decodeSlack(url), undefined)) + trailing;
}

const CODE_SPAN = /`([^`\n]+)`/g;
const EMOJI_CODE = /:([a-z0-9_+-]+):/g;

/** Bold, italic and strike apply only at word boundaries, as in Slack: `snake_case_name` stays as it is. */
const EMPHASIS: { tag: string; pattern: RegExp }[] = [
  { tag: 'b', pattern: /(?<![\p{L}\p{N}])\*(?=\S)([^*\n]*?[^*\s])\*(?![\p{L}\p{N}])/gu },
  { tag: 'i', pattern: /(?<![\p{L}\p{N}])_(?=\S)([^_\n]*?[^_\s])_(?![\p{L}\p{N}])/gu },
  { tag: 's', pattern: /(?<![\p{L}\p{N}])~(?=\S)([^~\n]*?[^~\s])~(?![\p{L}\p{N}])/gu },
];

interface EmphasisMatch {
  tag: string;
  index: number;
  length: number;
  inner: string;
}

function nextEmphasis(html: string, from: number): EmphasisMatch | undefined {
  let best: EmphasisMatch | undefined;
  for (const { tag, pattern } of EMPHASIS) {
    pattern.lastIndex = from;
    const match = pattern.exec(html);
    if (match && (!best || match.index < best.index)) {
      best = { tag, index: match.index, length: match[0].length, inner: match[1] ?? '' };
    }
  }
  return best;
}

/** Applies emphasis to escaped HTML text, earliest marker first, so tags always nest properly. */
function emphasize(html: string): string {
  let out = '';
  let pos = 0;
  let next = nextEmphasis(html, pos);
  while (next) {
    out += `${html.slice(pos, next.index)}<${next.tag}>${emphasize(next.inner)}</${next.tag}>`;
    pos = next.index + next.length;
    next = nextEmphasis(html, pos);
  }
  return out + html.slice(pos);
}

/** One line of mrkdwn: tokens, then code spans, bare links and emoji, then emphasis on what is left. */
function renderInline(line: string, ctx: RenderContext, autolink: boolean): string {
  const holder = new Holder();
  let text = mapTokens(
    line,
    (plain) => plain,
    (inner) => holder.hold(renderToken(inner, ctx)),
  );
  text = text.replace(CODE_SPAN, (_match, code: string) => {
    const inner = holder.restore(escapeHtml(decodeSlack(code)), 'escaped');
    const text = holder.restore(decodeSlack(code), 'plain');
    return holder.hold({ html: `<code class="bk-code">${inner}</code>`, text });
  });
  if (autolink) text = text.replace(BARE_URL, (url) => bareLink(url, holder));
  text = text.replace(EMOJI_CODE, (code, name: string) => {
    const emoji = Object.hasOwn(EMOJI, name) ? EMOJI[name] : undefined;
    if (emoji === undefined) return code;
    return holder.hold({
      html: `<span${attrs({ class: 'bk-emoji', title: code })}>${emoji}</span>`,
      text: emoji,
    });
  });
  return holder.restore(emphasize(escapeHtml(decodeSlack(text))), 'html');
}

interface LineGroup {
  quote: boolean;
  lines: string[];
}

const QUOTE_LINE = /^(?:>|&gt;) ?/;
const QUOTE_REST = /^(?:>>>|&gt;&gt;&gt;) ?/;

function addLines(groups: LineGroup[], quote: boolean, lines: string[]): void {
  const last = groups.at(-1);
  if (last && last.quote === quote) last.lines.push(...lines);
  else groups.push({ quote, lines });
}

/** Splits text into runs of plain lines and quoted lines (`>` quotes a line, `>>>` everything after it). */
function groupLines(text: string): LineGroup[] {
  const groups: LineGroup[] = [];
  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    const rest = QUOTE_REST.exec(line);
    if (rest) {
      addLines(groups, true, [line.slice(rest[0].length), ...lines.slice(index + 1)]);
      break;
    }
    const quoted = QUOTE_LINE.exec(line);
    addLines(groups, quoted !== null, [quoted ? line.slice(quoted[0].length) : line]);
  }
  return groups;
}

function renderLines(text: string, ctx: RenderContext, autolink: boolean): string {
  if (text === '') return '';
  return groupLines(text)
    .map((group) => {
      const html = group.lines.map((line) => renderInline(line, ctx, autolink)).join('<br>');
      return group.quote ? `<blockquote class="bk-quote">${html}</blockquote>` : html;
    })
    .join('');
}

/** A ```preformatted``` block: no formatting inside, tokens shown as their text. */
function renderPreformatted(raw: string, ctx: RenderContext): string {
  const body = raw.replace(/^\n/, '').replace(/\n$/, '');
  const html = mapTokens(
    body,
    (text) => escapeHtml(decodeSlack(text)),
    (inner) => escapeHtml(renderToken(inner, ctx).text),
  );
  return `<pre class="bk-pre">${html}</pre>`;
}

interface Segment {
  pre: boolean;
  raw: string;
}

function splitPreformatted(text: string): Segment[] {
  const segments: Segment[] = [];
  let pos = 0;
  for (const match of text.matchAll(/```([\s\S]*?)```/g)) {
    segments.push({ pre: false, raw: text.slice(pos, match.index) });
    segments.push({ pre: true, raw: match[1] ?? '' });
    pos = match.index + match[0].length;
  }
  segments.push({ pre: false, raw: text.slice(pos) });
  return segments;
}

/**
 * Slack mrkdwn as HTML. The input is Slack-escaped (`&amp; &lt; &gt;`): it is decoded once and escaped for HTML
 * once. Supports bold, italic, strike, code, preformatted blocks, quotes, line breaks, links, user, channel and
 * broadcast mentions, user groups, dates (in the reader's timezone when the context has one, else their fallback
 * text) and a few common emoji.
 */
export function mrkdwnToHtml(text: string, ctx: RenderContext, opts: MrkdwnOptions = {}): string {
  const autolink = opts.verbatim === false;
  const segments = splitPreformatted(text.replace(HOLD_CHARS, '\uFFFD'));
  return segments
    .map((segment, index) => {
      if (segment.pre) return renderPreformatted(segment.raw, ctx);
      let raw = segment.raw;
      // The line break right next to a preformatted block belongs to the block's own layout.
      if (segments[index - 1]?.pre) raw = raw.replace(/^\n/, '');
      if (segments[index + 1]?.pre) raw = raw.replace(/\n$/, '');
      return renderLines(raw, ctx, autolink);
    })
    .join('');
}

/** A text object (plain_text or mrkdwn) as HTML; undefined when absent. A malformed one is flagged in place. */
function renderTextObject(value: unknown, st: State): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isObj(value)) return invalid('text: not a text object', value);
  const type = str(value.type);
  if (type !== 'plain_text' && type !== 'mrkdwn') return unsupported('element', type ?? '(no type)', value);
  const text = str(value.text);
  if (text === undefined || text === '') return invalid(`${type}: missing text`, value);
  if (type === 'plain_text') return plainTextToHtml(text, value.emoji === true);
  return mrkdwnToHtml(text, st.ctx, { verbatim: value.verbatim === true });
}

/** The escaped text of a plain_text object (button labels, titles); undefined when it is not one. */
function plainTextHtml(value: unknown): string | undefined {
  if (!isObj(value) || value.type !== 'plain_text') return undefined;
  const text = str(value.text);
  return text ? plainTextToHtml(text, value.emoji === true) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Options of selects, overflows, checkboxes and radio buttons

interface Choice {
  value: string;
  label: string;
  url?: string | undefined;
}

interface ChoiceGroup {
  label?: string | undefined;
  choices: Choice[];
}

/** Option objects as choices; the ones missing a text or a value are returned apart, to be flagged. */
function readOptions(options: unknown[]): { choices: Choice[]; bad: unknown[] } {
  const choices: Choice[] = [];
  const bad: unknown[] = [];
  for (const option of options) {
    const label = isObj(option) ? rawText(option.text) : undefined;
    const value = isObj(option) ? str(option.value) : undefined;
    if (label === undefined || value === undefined) bad.push(option);
    else choices.push({ value, label, url: isObj(option) ? str(option.url) : undefined });
  }
  return { choices, bad };
}

/** The values of `initial_option` / `initial_options`. */
function initialValues(element: Json): string[] {
  const one = isObj(element.initial_option) ? str(element.initial_option.value) : undefined;
  const many = list(element.initial_options).map((option) => (isObj(option) ? str(option.value) : undefined));
  return [one, ...many].filter((value): value is string => value !== undefined);
}

/** The choice groups of a static select (options or option_groups), with what is malformed in them. */
function staticChoices(element: Json): { groups: ChoiceGroup[]; bad: unknown[] } {
  if (Array.isArray(element.option_groups)) {
    const groups: ChoiceGroup[] = [];
    const bad: unknown[] = [];
    for (const group of element.option_groups) {
      const read = readOptions(isObj(group) ? list(group.options) : []);
      groups.push({ label: isObj(group) ? rawText(group.label) : undefined, choices: read.choices });
      bad.push(...read.bad);
    }
    return { groups, bad };
  }
  const read = readOptions(list(element.options));
  return { groups: [{ choices: read.choices }], bad: read.bad };
}

function optionTag(choice: Choice, selected: ReadonlySet<string>): string {
  const url = choice.url === undefined ? undefined : safeUrl(choice.url);
  const tag = attrs({ value: choice.value, 'data-url': url, selected: selected.has(choice.value) });
  return `<option${tag}>${escapeHtml(choice.label)}</option>`;
}

interface SelectSpec {
  className: string;
  base: Record<string, AttrValue>;
  groups: ChoiceGroup[];
  selected: ReadonlySet<string>;
  multiple: boolean;
  placeholder: string | undefined;
}

/** A `<select>`; a single select without a selection starts on an empty placeholder option. */
function selectTag(spec: SelectSpec): string {
  const head =
    !spec.multiple && spec.selected.size === 0
      ? `<option value="" selected>${escapeHtml(spec.placeholder ?? '')}</option>`
      : '';
  const body = spec.groups
    .map((group) => {
      const options = group.choices.map((choice) => optionTag(choice, spec.selected)).join('');
      return group.label === undefined
        ? options
        : `<optgroup${attrs({ label: group.label })}>${options}</optgroup>`;
    })
    .join('');
  const tag = attrs({ class: spec.className, ...spec.base, multiple: spec.multiple });
  return `<select${tag}>${head}${body}</select>`;
}

/** Choices from the context's users or channels, plus any preselected id the context does not list. */
function directoryChoices(
  entries: { id: string; name: string }[],
  selected: string[],
  nameOf: (id: string) => string,
): ChoiceGroup[] {
  const choices: Choice[] = entries.map((entry) => ({ value: entry.id, label: entry.name }));
  for (const id of selected) {
    if (!entries.some((entry) => entry.id === id)) choices.push({ value: id, label: nameOf(id) });
  }
  return [{ choices }];
}

const USER_SELECTS = new Set(['users_select', 'multi_users_select']);
const CHANNEL_SELECTS = new Set([
  'conversations_select',
  'multi_conversations_select',
  'channels_select',
  'multi_channels_select',
]);

/** The ids preselected in a users / conversations / channels select, single or multi. */
function initialIds(element: Json): string[] {
  const ids: string[] = [];
  for (const key of ['initial_user', 'initial_conversation', 'initial_channel']) {
    const id = str(element[key]);
    if (id !== undefined) ids.push(id);
  }
  for (const key of ['initial_users', 'initial_conversations', 'initial_channels']) {
    for (const id of list(element[key])) {
      if (typeof id === 'string') ids.push(id);
    }
  }
  return ids;
}

/**
 * The channels a conversations or channels select offers, as Slack lists them: a channels select, public channels
 * only; a conversations select, what its `filter` keeps (`include` of public and private channels; these have no
 * DMs to list; `exclude_external_shared_channels` drops Slack Connect channels). A preselected channel is shown
 * anyway (directoryChoices).
 */
function offeredChannels(element: Json, ctx: RenderContext): RenderContext['channels'] {
  const type = typeOf(element);
  if (type === 'channels_select' || type === 'multi_channels_select')
    return ctx.channels.filter((c) => c.private !== true);
  const filter = isObj(element.filter) ? element.filter : {};
  const include = Array.isArray(filter.include) ? filter.include : undefined;
  return ctx.channels.filter(
    (c) =>
      !(filter.exclude_external_shared_channels === true && c.external === true) &&
      (include === undefined || include.includes(c.private === true ? 'private' : 'public')),
  );
}

/** Any select the sandbox draws (static, users, conversations, channels; single or multi). */
function renderSelect(element: Json, base: Record<string, AttrValue>, st: State): string {
  const type = typeOf(element);
  const multiple = type.startsWith('multi_');
  const placeholder = rawText(element.placeholder);
  const problems: string[] = [];
  let groups: ChoiceGroup[];
  let selected: string[];
  if (USER_SELECTS.has(type)) {
    selected = initialIds(element);
    groups = directoryChoices(st.ctx.users, selected, (id) => st.ctx.userName(id));
  } else if (CHANNEL_SELECTS.has(type)) {
    selected = initialIds(element);
    groups = directoryChoices(offeredChannels(element, st.ctx), selected, (id) => st.ctx.channelName(id));
  } else {
    const read = staticChoices(element);
    groups = read.groups;
    selected = initialValues(element);
    const known = new Set(groups.flatMap((group) => group.choices.map((choice) => choice.value)));
    if (known.size === 0) problems.push(invalid(`${type}: needs options or option_groups`, element));
    if (read.bad.length > 0) problems.push(invalid(`${type}: an option needs text and value`, read.bad));
    const unknown = selected.filter((value) => !known.has(value));
    if (unknown.length > 0) {
      problems.push(invalid(`${type}: initial option is not among the options`, unknown));
    }
  }
  const className = `bk-select${multiple ? ' bk-multi-select' : ''}`;
  const select = selectTag({ className, base, groups, selected: new Set(selected), multiple, placeholder });
  return select + problems.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Immediate elements: actions blocks and section accessories

function immediateBase(element: Json, blockId: string | undefined, st: State): Record<string, AttrValue> {
  return {
    'data-action': typeOf(element),
    'data-block-id': blockId,
    'data-action-id': str(element.action_id),
    'data-surface': st.surface,
  };
}

function renderButton(element: Json, blockId: string | undefined, st: State): string {
  const label = plainTextHtml(element.text);
  if (label === undefined) return invalid('button: missing plain_text text', element);
  const style = str(element.style);
  const classes = ['bk-button'];
  if (style === 'primary') classes.push('bk-primary');
  if (style === 'danger') classes.push('bk-danger');
  const url = str(element.url);
  const href = url === undefined ? undefined : safeUrl(url);
  const tag = attrs({
    class: classes.join(' '),
    type: 'button',
    ...immediateBase(element, blockId, st),
    'data-value': str(element.value),
    'data-url': href,
    'data-confirm': isObj(element.confirm) ? JSON.stringify(element.confirm) : undefined,
    'aria-label': str(element.accessibility_label),
  });
  const button = `<button${tag}>${label}</button>`;
  return url !== undefined && href === undefined
    ? button + invalid('button: url must be http(s)', element)
    : button;
}

function renderOverflow(element: Json, blockId: string | undefined, st: State): string {
  const read = readOptions(list(element.options));
  const select = selectTag({
    className: 'bk-overflow',
    base: immediateBase(element, blockId, st),
    groups: [{ choices: read.choices }],
    selected: new Set(),
    multiple: false,
    placeholder: '⋯',
  });
  if (read.choices.length === 0) return select + invalid('overflow: needs options', element);
  return read.bad.length > 0
    ? select + invalid('overflow: an option needs text and value', read.bad)
    : select;
}

function dateOrTimeInput(element: Json, base: Record<string, AttrValue>): string {
  const isDate = typeOf(element) === 'datepicker';
  const tag = attrs({
    class: isDate ? 'bk-datepicker' : 'bk-timepicker',
    type: isDate ? 'date' : 'time',
    ...base,
    value: str(isDate ? element.initial_date : element.initial_time),
    placeholder: rawText(element.placeholder),
  });
  return `<input${tag}>`;
}

type ImmediateRenderer = (element: Json, blockId: string | undefined, st: State) => string;

const immediateSelect: ImmediateRenderer = (element, blockId, st) =>
  renderSelect(element, immediateBase(element, blockId, st), st);

const immediatePicker: ImmediateRenderer = (element, blockId, st) =>
  dateOrTimeInput(element, immediateBase(element, blockId, st));

/** The elements the sandbox can send block_actions for. Others in actions or accessories show as unsupported. */
const IMMEDIATE: Record<string, ImmediateRenderer> = {
  button: renderButton,
  overflow: renderOverflow,
  static_select: immediateSelect,
  users_select: immediateSelect,
  conversations_select: immediateSelect,
  channels_select: immediateSelect,
  datepicker: immediatePicker,
  timepicker: immediatePicker,
};

/** An element the user clicks or picks, sending block_actions at once. */
function renderImmediate(element: unknown, blockId: string | undefined, st: State): string {
  if (!isObj(element)) return invalid('element: not an object', element);
  const type = typeOf(element);
  const render = Object.hasOwn(IMMEDIATE, type) ? IMMEDIATE[type] : undefined;
  return render ? render(element, blockId, st) : unsupported('element', type, element);
}

// ---------------------------------------------------------------------------------------------------------------
// Images

type ImageSource = { src: string } | { problem: string };

/** Where an image block or element loads from: image_url, or slack_file by id (through the context) or url. */
function imageSource(image: Json, st: State): ImageSource {
  const url = str(image.image_url);
  if (url !== undefined) {
    const src = safeImageUrl(url);
    return src === undefined ? { problem: 'image_url must be http(s)' } : { src };
  }
  const file = image.slack_file;
  if (isObj(file)) {
    const id = str(file.id);
    if (id !== undefined) {
      const src = st.ctx.fileUrl(id);
      return src === undefined ? { problem: `slack_file ${id} is not a known file` } : { src };
    }
    const fileUrl = str(file.url);
    const src = fileUrl === undefined ? undefined : safeImageUrl(fileUrl);
    if (src !== undefined) return { src };
  }
  return { problem: 'image needs image_url or slack_file' };
}

function imageTag(image: Json, className: string, st: State): string {
  const source = imageSource(image, st);
  if ('problem' in source) return invalid(source.problem, image);
  const alt = str(image.alt_text);
  const tag = `<img${attrs({ class: className, src: source.src, alt: alt ?? '', loading: 'lazy' })}>`;
  return alt === undefined ? tag + invalid('image: missing alt_text', image) : tag;
}

// ---------------------------------------------------------------------------------------------------------------
// Input blocks: form controls

interface InputSpec {
  element: Json;
  base: Record<string, AttrValue>;
  st: State;
}

function textInput(spec: InputSpec): string {
  const { element, base } = spec;
  const common = {
    ...base,
    placeholder: rawText(element.placeholder),
    maxlength: numberText(element.max_length),
    minlength: numberText(element.min_length),
  };
  const initial = str(element.initial_value) ?? '';
  if (element.multiline === true) {
    // The parser drops one newline right after <textarea>: this one, never the value's own.
    return `<textarea${attrs({ class: 'bk-textarea', rows: '4', ...common })}>\n${escapeHtml(initial)}</textarea>`;
  }
  return `<input${attrs({ class: 'bk-text-input', type: 'text', ...common, value: initial || undefined })}>`;
}

function typedInput(spec: InputSpec, type: 'url' | 'email'): string {
  const { element, base } = spec;
  const tag = attrs({
    class: 'bk-text-input',
    type,
    ...base,
    placeholder: rawText(element.placeholder),
    value: str(element.initial_value),
  });
  return `<input${tag}>`;
}

function numberInput(spec: InputSpec): string {
  const { element, base } = spec;
  const decimal = element.is_decimal_allowed === true;
  const tag = attrs({
    class: 'bk-number-input',
    type: 'number',
    ...base,
    'data-decimal': decimal ? 'true' : 'false',
    step: decimal ? 'any' : '1',
    min: numberText(element.min_value),
    max: numberText(element.max_value),
    placeholder: rawText(element.placeholder),
    value: numberText(element.initial_value),
  });
  return `<input${tag}>`;
}

/** Checkboxes or radio buttons: a group carrying the data attributes, one native input per option. */
function choiceGroup(spec: InputSpec, kind: 'checkbox' | 'radio'): string {
  const { element, base, st } = spec;
  const options = list(element.options);
  const selected = new Set(initialValues(element));
  const name = `${str(base['data-block-id']) ?? ''}/${str(base['data-action-id']) ?? ''}`;
  const items = options.map((option) => {
    const value = isObj(option) ? str(option.value) : undefined;
    const text = isObj(option) ? renderTextObject(option.text, st) : undefined;
    if (!isObj(option) || value === undefined || text === undefined) {
      return invalid(`${typeOf(element)}: an option needs text and value`, option);
    }
    const description = renderTextObject(option.description, st);
    const input = `<input${attrs({ type: kind, name, value, checked: selected.has(value) })}>`;
    const more = description === undefined ? '' : `<span class="bk-option-description">${description}</span>`;
    return `<label class="bk-option">${input}<span class="bk-option-text">${text}</span>${more}</label>`;
  });
  const { required: _required, ...groupAttrs } = base;
  const role = kind === 'radio' ? 'radiogroup' : 'group';
  const group = `<div${attrs({ class: `bk-${cssName(typeOf(element))}`, role, ...groupAttrs })}>${items.join('')}</div>`;
  return options.length === 0 ? group + invalid(`${typeOf(element)}: needs options`, element) : group;
}

const inputSelect = (spec: InputSpec) => renderSelect(spec.element, spec.base, spec.st);
const inputPicker = (spec: InputSpec) => dateOrTimeInput(spec.element, spec.base);

/** The elements the sandbox can draw in input blocks. Others show as unsupported. */
const INPUTS: Record<string, (spec: InputSpec) => string> = {
  plain_text_input: textInput,
  url_text_input: (spec) => typedInput(spec, 'url'),
  email_text_input: (spec) => typedInput(spec, 'email'),
  number_input: numberInput,
  datepicker: inputPicker,
  timepicker: inputPicker,
  static_select: inputSelect,
  multi_static_select: inputSelect,
  users_select: inputSelect,
  multi_users_select: inputSelect,
  conversations_select: inputSelect,
  multi_conversations_select: inputSelect,
  channels_select: inputSelect,
  multi_channels_select: inputSelect,
  checkboxes: (spec) => choiceGroup(spec, 'checkbox'),
  radio_buttons: (spec) => choiceGroup(spec, 'radio'),
};

function errorFor(blockId: string | undefined, st: State): string | undefined {
  if (blockId === undefined || !Object.hasOwn(st.errors, blockId)) return undefined;
  return st.errors[blockId];
}

function renderInput(block: Json, st: State): string {
  const blockId = str(block.block_id);
  const parts: string[] = [];
  if (st.surface === 'message') parts.push(invalid('input: Slack refuses input blocks in messages', block));
  const labelText = rawText(block.label);
  const label = plainTextHtml(block.label);
  if (label === undefined) parts.push(invalid('input: missing plain_text label', block));
  const optional = block.optional === true ? '<span class="bk-optional"> (optional)</span>' : '';
  parts.push(`<div class="bk-label">${label ?? ''}${optional}</div>`);

  const element = block.element;
  const error = errorFor(blockId, st);
  if (!isObj(element)) {
    parts.push(invalid('input: missing element', block));
  } else {
    const type = typeOf(element);
    const render = Object.hasOwn(INPUTS, type) ? INPUTS[type] : undefined;
    const base: Record<string, AttrValue> = {
      'data-input': type,
      'data-block-id': blockId,
      'data-action-id': str(element.action_id),
      'data-dispatch': block.dispatch_action === true ? 'true' : undefined,
      'data-surface': st.surface,
      'aria-label': labelText,
      'aria-invalid': error === undefined ? undefined : 'true',
      required: block.optional !== true,
    };
    const control = render ? render({ element, base, st }) : unsupported('element', type, element);
    parts.push(`<div class="bk-input-control">${control}</div>`);
  }
  if (error !== undefined) {
    parts.push(
      `<div${attrs({ class: 'bk-error', 'data-error-for': blockId })}>${plainTextToHtml(error)}</div>`,
    );
  }
  const hint = renderTextObject(block.hint, st);
  if (hint !== undefined) parts.push(`<div class="bk-hint">${hint}</div>`);
  return parts.join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Other blocks

function renderSection(block: Json, st: State): string {
  const blockId = str(block.block_id);
  const text = renderTextObject(block.text, st);
  const fields = list(block.fields);
  const main: string[] = [];
  if (text === undefined && fields.length === 0) main.push(invalid('section: needs text or fields', block));
  if (text !== undefined) main.push(`<div class="bk-section-text">${text}</div>`);
  if (fields.length > 0) {
    const cells = fields.map((field) => {
      const html = renderTextObject(field, st) ?? invalid('section: empty field', field);
      return `<div class="bk-field">${html}</div>`;
    });
    main.push(`<div class="bk-fields">${cells.join('')}</div>`);
  }
  let accessory = '';
  if (block.accessory !== undefined) {
    const element = block.accessory;
    const html =
      isObj(element) && element.type === 'image'
        ? imageTag(element, 'bk-accessory-image', st)
        : renderImmediate(element, blockId, st);
    accessory = `<div class="bk-accessory">${html}</div>`;
  }
  return `<div class="bk-section-main">${main.join('')}</div>${accessory}`;
}

function renderHeader(block: Json): string {
  const text = plainTextHtml(block.text);
  if (text === undefined) return invalid('header: missing plain_text text', block);
  return `<h2 class="bk-header-text">${text}</h2>`;
}

function renderContext(block: Json, st: State): string {
  const elements = list(block.elements);
  if (elements.length === 0) return invalid('context: needs elements', block);
  const items = elements.map((element) => {
    const type = typeOf(element);
    if (isObj(element) && type === 'image') return imageTag(element, 'bk-context-image', st);
    if (type === 'plain_text' || type === 'mrkdwn') {
      return `<div class="bk-context-text">${renderTextObject(element, st) ?? ''}</div>`;
    }
    return unsupported('element', type, element);
  });
  return `<div class="bk-context-elements">${items.join('')}</div>`;
}

function renderActions(block: Json, st: State): string {
  const elements = list(block.elements);
  if (elements.length === 0) return invalid('actions: needs elements', block);
  const blockId = str(block.block_id);
  const items = elements.map((element) => renderImmediate(element, blockId, st));
  return `<div class="bk-actions-elements">${items.join('')}</div>`;
}

function renderImageBlock(block: Json, st: State): string {
  const title = plainTextHtml(block.title);
  const head = title === undefined ? '' : `<div class="bk-image-title">${title}</div>`;
  return head + imageTag(block, 'bk-image-img', st);
}

// ---------------------------------------------------------------------------------------------------------------
// Rich text

/** Wraps HTML in the tags of a rich text style: code innermost, then strike, italic, underline, bold. */
function styled(html: string, style: unknown): string {
  if (!isObj(style)) return html;
  let out = html;
  if (style.code === true) out = `<code class="bk-code">${out}</code>`;
  if (style.strike === true) out = `<s>${out}</s>`;
  if (style.italic === true) out = `<i>${out}</i>`;
  if (style.underline === true) out = `<u>${out}</u>`;
  if (style.bold === true) out = `<b>${out}</b>`;
  return out;
}

/** A rich text emoji: its unicode code points when given (`1f44d-1f3fb`), else the small map, else `:name:`. */
function richEmoji(element: Json): string {
  const name = str(element.name) ?? '';
  const unicode = str(element.unicode);
  if (unicode !== undefined && /^[0-9a-f]{1,6}(?:-[0-9a-f]{1,6})*$/i.test(unicode)) {
    const points = unicode.split('-').map((hex) => Number.parseInt(hex, 16));
    if (points.every((point) => point <= 0x10ffff)) return escapeHtml(String.fromCodePoint(...points));
  }
  return escapeHtml(Object.hasOwn(EMOJI, name) ? (EMOJI[name] ?? name) : `:${name}:`);
}

function richLink(element: Json): string {
  const url = str(element.url) ?? '';
  const text = str(element.text) || url;
  const href = safeUrl(url);
  if (href === undefined) return plainTextToHtml(text);
  const anchor = attrs({ class: 'bk-link', href, target: '_blank', rel: 'noopener noreferrer' });
  return `<a${anchor}>${plainTextToHtml(text)}</a>`;
}

/** A rich text date: like a `<!date>` token, its first letter capitalized as Slack does. */
function richDate(element: Json, ctx: RenderContext): string {
  const seconds = typeof element.timestamp === 'number' ? element.timestamp : Number.NaN;
  const fallback =
    str(element.fallback) ?? (Number.isFinite(seconds) ? new Date(seconds * 1000).toISOString() : '');
  return dateHtml(seconds, str(element.format) ?? '', str(element.url), fallback, ctx, true).html;
}

/** One inline element of a rich text section, quote or preformatted block. */
function richInline(element: unknown, st: State): string {
  if (!isObj(element)) return invalid('rich_text: element is not an object', element);
  const type = typeOf(element);
  switch (type) {
    case 'text':
      return styled(plainTextToHtml(str(element.text) ?? ''), element.style);
    case 'link':
      return styled(richLink(element), element.style);
    case 'user':
      return styled(userToken(str(element.user_id) ?? '', undefined, st.ctx).html, element.style);
    case 'channel':
      return styled(channelToken(str(element.channel_id) ?? '', undefined, st.ctx).html, element.style);
    case 'usergroup':
      return styled(
        specialToken(`subteam^${str(element.usergroup_id) ?? ''}`, undefined).html,
        element.style,
      );
    case 'broadcast':
      return styled(specialToken(str(element.range) ?? '', undefined).html, element.style);
    case 'emoji':
      return styled(`<span class="bk-emoji">${richEmoji(element)}</span>`, element.style);
    case 'date':
      return styled(richDate(element, st.ctx), element.style);
    default:
      return unsupported('element', type, element);
  }
}

function richInlines(container: Json, st: State): string {
  return list(container.elements)
    .map((element) => richInline(element, st))
    .join('');
}

function richList(element: Json, st: State): string {
  const ordered = element.style === 'ordered';
  const indent = typeof element.indent === 'number' ? element.indent : 0;
  const offset =
    typeof element.offset === 'number' && element.offset > 0 ? String(element.offset + 1) : undefined;
  const items = list(element.elements).map((item) => {
    const body =
      isObj(item) && item.type === 'rich_text_section' ? richInlines(item, st) : richBlock(item, st);
    return `<li>${body}</li>`;
  });
  const tag = ordered ? 'ol' : 'ul';
  const open = attrs({
    class: 'bk-rt-list',
    'data-indent': String(indent),
    start: ordered ? offset : undefined,
  });
  return `<${tag}${open}>${items.join('')}</${tag}>`;
}

/** One top-level element of a rich_text block. */
function richBlock(element: unknown, st: State): string {
  if (!isObj(element)) return invalid('rich_text: element is not an object', element);
  switch (element.type) {
    case 'rich_text_section':
      return `<div class="bk-rt-section">${richInlines(element, st)}</div>`;
    case 'rich_text_list':
      return richList(element, st);
    case 'rich_text_quote':
      return `<blockquote class="bk-rt-quote">${richInlines(element, st)}</blockquote>`;
    case 'rich_text_preformatted': {
      const body = list(element.elements)
        .map((inline) =>
          isObj(inline) && inline.type === 'text'
            ? escapeHtml(str(inline.text) ?? '')
            : richInline(inline, st),
        )
        .join('');
      return `<pre class="bk-rt-pre">${body}</pre>`;
    }
    default:
      return unsupported('element', typeOf(element), element);
  }
}

function renderRichText(block: Json, st: State): string {
  const elements = list(block.elements);
  if (elements.length === 0) return invalid('rich_text: needs elements', block);
  return elements.map((element) => richBlock(element, st)).join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Blocks, messages, Home and modals

const BLOCKS: Record<string, (block: Json, st: State) => string> = {
  section: renderSection,
  header: renderHeader,
  divider: () => '<hr class="bk-divider-line">',
  context: renderContext,
  actions: renderActions,
  input: renderInput,
  image: renderImageBlock,
  rich_text: renderRichText,
};

/** A red box for each action id that more than one element of the block uses (Slack refuses such a block). */
const repeatedIdsFlagged = (block: Json) =>
  repeatedActionIds(block)
    .map((id) =>
      invalid(
        `${typeOf(block)}: action_id ${id} is used by more than one element`,
        elementsWithActionId(block, id),
      ),
    )
    .join('');

function renderBlock(block: unknown, st: State): string {
  if (!isObj(block)) {
    return `<div class="bk-block bk-invalid-block">${invalid('block: not an object', block)}</div>`;
  }
  const type = typeOf(block);
  const render = Object.hasOwn(BLOCKS, type) ? BLOCKS[type] : undefined;
  const body = (render ? render(block, st) : unsupported('block', type, block)) + repeatedIdsFlagged(block);
  const wrapper = attrs({ class: `bk-block bk-${cssName(type)}`, 'data-block-id': str(block.block_id) });
  return `<div${wrapper}>${body}</div>`;
}

/** Errors whose block_id names no input block: Slack would refuse the ack, so they are flagged, not lost. */
function strayErrors(blocks: unknown[], st: State): string {
  const inputIds = new Set<string | undefined>();
  for (const block of blocks) {
    if (isObj(block) && block.type === 'input') inputIds.add(str(block.block_id));
  }
  return Object.entries(st.errors)
    .filter(([blockId]) => !inputIds.has(blockId))
    .map(([blockId, message]) =>
      invalid(`errors: no input block has block_id ${blockId}`, { [blockId]: message }),
    )
    .join('');
}

function renderBlockList(blocks: unknown, st: State): string {
  if (!Array.isArray(blocks)) return invalid('blocks: not an array', blocks ?? null);
  return blocks.map((block) => renderBlock(block, st)).join('') + strayErrors(blocks, st);
}

function stateOf(ctx: RenderContext, opts: RenderOptions, surface: Surface | undefined): State {
  return { ctx, errors: opts.errors ?? {}, surface };
}

/**
 * The blocks of a message or of the App Home, in order, each in `<div class="bk-block bk-<type>">`.
 * Immediate elements carry `data-action`, input controls `data-input`; errors show under their input block.
 */
export function renderBlocks(blocks: unknown[], ctx: RenderContext, opts: RenderOptions = {}): string {
  return renderBlockList(blocks, stateOf(ctx, opts, opts.surface));
}

/** The view fields a modal's notices may show: everything but private_metadata, which users never see. */
function withoutMetadata(view: Record<string, unknown>): Json {
  const { private_metadata: _hidden, blocks: _blocks, ...rest } = view;
  return rest;
}

/**
 * A modal view as a `<form class="bk-modal">`: title, blocks (inputs with their initial values, errors under
 * their block), then the close button and, when the view has one, the submit button. private_metadata is not shown.
 */
export function renderModal(
  view: Record<string, unknown>,
  ctx: RenderContext,
  opts: { errors?: Record<string, string> } = {},
): string {
  const st = stateOf(ctx, opts, 'modal');
  const problems: string[] = [];
  if (view.type !== 'modal') problems.push(invalid('view: type must be modal', withoutMetadata(view)));
  const title = plainTextHtml(view.title);
  if (title === undefined) problems.push(invalid('modal: missing plain_text title', withoutMetadata(view)));
  const submit = plainTextHtml(view.submit);
  const hasInputs = list(view.blocks).some((block) => isObj(block) && block.type === 'input');
  if (hasInputs && submit === undefined) {
    problems.push(invalid('modal: input blocks need a submit button', withoutMetadata(view)));
  }
  const close = plainTextHtml(view.close) ?? 'Cancel';
  const form = attrs({
    class: 'bk-modal',
    'data-callback-id': str(view.callback_id),
    'data-external-id': str(view.external_id),
    'data-notify-on-close': view.notify_on_close === true ? 'true' : undefined,
  });
  const submitButton =
    submit === undefined ? '' : `<button type="submit" class="bk-submit">${submit}</button>`;
  return (
    `<form${form}>` +
    `<header class="bk-modal-title">${title ?? ''}</header>` +
    `<div class="bk-modal-body">${problems.join('')}${renderBlockList(view.blocks, st)}</div>` +
    `<footer class="bk-modal-footer"><button type="button" class="bk-close">${close}</button>${submitButton}</footer>` +
    '</form>'
  );
}
