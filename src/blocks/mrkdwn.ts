import { DateTime } from 'luxon';
import { isPseudonym } from '../domain/erasure.js';

const ELLIPSIS = '…';

/** Slack's three control characters; escaping them keeps typed <!channel>, <@U…> and links inert. */
function escapeChar(ch: string): string {
  if (ch === '&') return '&amp;';
  if (ch === '<') return '&lt;';
  if (ch === '>') return '&gt;';
  return ch;
}

export function escapeMrkdwn(text: string): string {
  return text.replace(/[&<>]/g, escapeChar);
}

/**
 * User text for a mrkdwn field: escaped, then cut to at most `max` characters with an ellipsis.
 * Cutting happens on whole characters of the original, so an entity like &amp; is never split.
 */
export function userText(text: string, max: number): string {
  if (max < 1) return '';
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = '';
  for (const ch of text) {
    const piece = escapeChar(ch);
    if (out.length + piece.length + ELLIPSIS.length > max) break;
    out += piece;
  }
  return out + ELLIPSIS;
}

/** Plain text (no escaping needed) cut to Slack's limit with an ellipsis. */
export function plain(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length + ELLIPSIS.length > max) break;
    out += ch;
  }
  return out + ELLIPSIS;
}

/** A person, as Slack shows them; one erased on request (domain/erasure.ts) is said so, not linked. */
export const mention = (userId: string) => (isPseudonym(userId) ? '_(erased)_' : `<@${userId}>`);

/** A Slack user group as Slack shows it in a message (its @handle); anything not shaped like an id, escaped. */
export const usergroupMention = (id: string) =>
  /^S[A-Z0-9]{2,}$/.test(id) ? `<!subteam^${id}>` : escapeMrkdwn(id);

/**
 * A person as `reader` reads them: "you" (or `you`, e.g. "You" to start a sentence) when it is the reader, else their
 * mention. A message or Home tab speaks to its reader, never names them.
 */
export const personFor = (userId: string, reader: string | undefined, you = 'you') =>
  userId === reader ? you : mention(userId);

/**
 * Who withdrew a handoff, as " by …" after "withdrawn", for `reader`: nothing for the person who did it (their own
 * messages say "withdrawn"), its owner by default, or the admin who stood in for the owner, named as such.
 */
export function withdrawnBy(
  h: { ownerUserId: string; withdrawnByUserId?: string | null },
  reader: string | undefined,
): string {
  const by = h.withdrawnByUserId ?? h.ownerUserId;
  if (reader === by) return '';
  if (by === h.ownerUserId) return ` by its owner ${mention(h.ownerUserId)}`;
  return ` by ${mention(by)} (an admin, for ${reader === h.ownerUserId ? 'you' : `its owner ${mention(h.ownerUserId)}`})`;
}
export const channelLink = (channelId: string) => `<#${channelId}>`;

/** The English locales whose short zone names are abbreviations people read (CET, IST, AEDT), tried in turn. */
const ZONE_LOCALES = ['en-US', 'en-GB', 'en-IN', 'en-AU'] as const;

/** One short zone-name formatter per locale and zone (building one is the expensive part). */
const zoneFormats = new Map<string, Intl.DateTimeFormat>();

/**
 * A zone's name at `at` as people read it: its abbreviation where an English locale has one (EST,
 * CET, IST, AEDT), else its city ("Tokyo time"), never an offset like "GMT+1". A zone with no city (`Etc/GMT+5`)
 * keeps its offset.
 */
export function zoneName(at: Date, timeZone: string): string {
  let offset = '';
  for (const locale of ZONE_LOCALES) {
    const key = `${locale}|${timeZone}`;
    let format = zoneFormats.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { timeZone, timeZoneName: 'short' });
      zoneFormats.set(key, format);
    }
    const name = format.formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
    if (name && !/^GMT[+-−]/.test(name)) return name;
    offset ||= name;
  }
  const city =
    timeZone.includes('/') && !timeZone.startsWith('Etc/') ? timeZone.split('/').at(-1) : undefined;
  return city ? `${city.replace(/_/g, ' ')} time` : offset || timeZone;
}

/** A date that Slack shows in each reader's own timezone; the fallback is written in `timeZone`. */
/** One formatter per zone (building one is the expensive part), for `ccc d LLL yyyy, HH:mm` in en-US. */
const fallbackFormats = new Map<string, Intl.DateTimeFormat>();

function fallbackDate(at: Date, timeZone: string): string {
  let format = fallbackFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    fallbackFormats.set(timeZone, format);
  }
  const part: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const p of format.formatToParts(at)) part[p.type] = p.value;
  return `${part.weekday} ${part.day} ${part.month} ${part.year}, ${part.hour}:${part.minute} ${zoneName(at, timeZone)}`;
}

export function slackDate(at: Date, timeZone: string): string {
  const fallback = fallbackDate(at, timeZone);
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/**
 * The AE's deadline for someone else (the owner, the author): Slack shows the date token in the reader's own time, so
 * the AE's own clock time is said beside it, "Tue 8 Dec at 09:00 (17:00 CET for the AE)". When
 * the reader's zone is known (`readerTimeZone`) and their clock says the same as the AE's, in a zone of the same name,
 * nothing is added: "Dec 4 at 9:31 AM (09:31 EST for the AE)" would say one time twice.
 */
export function aeDeadline(at: Date, aeTimeZone: string, readerTimeZone?: string): string {
  const clock = (zone: string) =>
    `${DateTime.fromJSDate(at, { zone }).toFormat('HH:mm')} ${zoneName(at, zone)}`;
  const theirs = clock(aeTimeZone);
  const reader = readerTimeZone && clock(readerTimeZone);
  return reader === theirs
    ? slackDate(at, aeTimeZone)
    : `${slackDate(at, aeTimeZone)} (${theirs} for the AE)`;
}

/** The same moment as readable text in one zone, for notification text where date tokens do not render. */
export function dateInZone(at: Date, timeZone: string): string {
  const day = DateTime.fromJSDate(at, { zone: timeZone }).setLocale('en-US').toFormat('ccc d LLL, HH:mm');
  return `${day} ${zoneName(at, timeZone)}`;
}

/** A link whose URL came from a user: validated http(s) elsewhere, and the label escaped here. */
export function safeLink(url: string, label: string): string {
  const cleanUrl = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${cleanUrl}|${escapeMrkdwn(label)}>`;
}

/**
 * The noun for a count, singular for one (English: 0 and 2 take the plural): `nounFor(1, 'answer')` is "answer". The
 * one plural rule of every count the app writes ("1 answers", "of 1 AE windows closed").
 */
export const nounFor = (n: number, one: string, many = `${one}s`): string => (n === 1 ? one : many);

/** A count with its noun, singular for one: `counted(1, 'AE request')` is "1 AE request", 2 gives "2 AE requests". */
export const counted = (n: number, one: string, many = `${one}s`): string => `${n} ${nounFor(n, one, many)}`;
