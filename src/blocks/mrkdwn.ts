import { DateTime } from 'luxon';

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

export const mention = (userId: string) => `<@${userId}>`;
export const channelLink = (channelId: string) => `<#${channelId}>`;

/** A date that Slack shows in each reader's own timezone; the fallback is written in `timeZone`. */
export function slackDate(at: Date, timeZone: string): string {
  const fallback = DateTime.fromJSDate(at, { zone: timeZone })
    .setLocale('en-US')
    .toFormat('ccc d LLL yyyy, HH:mm ZZZZ');
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} at {time}|${fallback}>`;
}

/** The same moment as readable text in one zone, for notification text where date tokens do not render. */
export function dateInZone(at: Date, timeZone: string): string {
  return DateTime.fromJSDate(at, { zone: timeZone }).setLocale('en-US').toFormat('ccc d LLL, HH:mm ZZZZ');
}

/** A link whose URL came from a user: validated http(s) elsewhere, and the label escaped here. */
export function safeLink(url: string, label: string): string {
  const cleanUrl = url.replace(/[<>|\s]/g, encodeURIComponent);
  return `<${cleanUrl}|${escapeMrkdwn(label)}>`;
}
