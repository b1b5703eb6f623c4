import { DateTime } from 'luxon';
import { CRMS, isCrmSystem } from '../domain/crmFacts.js';
import { roleNames } from './commandReplies.js';
import { counted } from './mrkdwn.js';

const day = (at: Date, timeZone: string) => DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? '';

interface RangeRead {
  since: Date;
  until: Date;
  timeZone: string;
  defaultDays?: number;
}

/** "from 2026-08-25 to 2026-11-22" (the reader's dates), and "the last 90 days" when no start date was given. */
const span = (range: RangeRead) =>
  `from ${day(range.since, range.timeZone)} to ${day(new Date(range.until.getTime() - 1), range.timeZone)}${range.defaultDays ? `, the last ${counted(range.defaultDays, 'day')}` : ''}`;

export const exportReplies = {
  started: (range: RangeRead) =>
    `Preparing the touch log for handoffs sent ${span(range)}${range.defaultDays ? ' (no dates given; for another range give its first and last day: `/handoff export 2026-01-01 2026-03-31`)' : ''}. The CSV will arrive in your DM with me.`,
  comment: (rows: number, range: RangeRead) =>
    `The touch log: ${counted(rows, 'handoff')} sent ${span(range)}, one row each. Internal: do not share with partners.`,
  /** The line under the App Home's Export button while the CSV is built, and once it is in the DM (or not). */
  homePreparing: (periodLabel: string) =>
    `:hourglass_flowing_sand: Preparing the touch log (${periodLabel.toLowerCase()}): it will arrive in your DM with me.`,
  homeSent: (rows: number, at: string) =>
    `:white_check_mark: Export sent to your DM with me at ${at} (${counted(rows, 'row')}, one per handoff sent).`,
  homeFailed: () =>
    ':warning: The export could not be uploaded to Slack just now. Please click Export again in a few minutes.',
  failed: () =>
    'I could not upload the touch log to Slack just now. Please try the export again in a few minutes.',
  forbidden: () => `The touch log export is for ${roleNames('export', 'all')}.`,
  tooLarge: (rows: number, max: number) =>
    `That range holds ${rows.toLocaleString('en-US')} handoffs, more than the ${max.toLocaleString('en-US')} an export from Slack carries. Pick a shorter range (its first and last day: \`/handoff export 2026-01-01 2026-01-31\`), or ask whoever runs the app for \`npm run export\` on the server, which has no limit.`,
};

/** "Salesforce opportunity", by the system a channel key names (`crm:<system>:<record>`); undefined for another. */
const recordOf = (key: string): string | undefined => {
  const system = key.split(':')[1];
  return isCrmSystem(system) ? `${CRMS[system].label} ${CRMS[system].record}` : undefined;
};

/** Where a parked row was going, in words, by its method (a Slack post or edit when the method is not listed). */
const WHERE: Record<string, (channelKey: string) => string> = {
  response_url: () => 'an ephemeral reply',
  'crm.activity': (key) => `the ${recordOf(key) ?? 'CRM record'} ${key.split(':')[2] ?? ''}`,
  'crm.create': (key) => `a new ${recordOf(key) ?? 'CRM record'} (asked for at the accept)`,
  'surfaces.refresh': () => 'the messages showing the handoff (brought up to date)',
  'handoff.change': () => 'the messages a change of the handoff owes (queued from it)',
};
const where = (row: { channelKey: string; method: string }) =>
  WHERE[row.method]?.(row.channelKey) ??
  (/^[UW]/.test(row.channelKey) ? `a DM to <@${row.channelKey}>` : `<#${row.channelKey}>`);

export const parkedReplies = {
  list: (
    rows: readonly {
      id: number;
      method: string;
      channelKey: string;
      handoffId: number | null;
      attempts: number;
      lastError: string | null;
    }[],
    total: number,
  ) =>
    rows.length === 0
      ? 'No message is parked: everything the app owed Slack (and the CRM) was delivered.'
      : [
          `*${counted(total, 'parked message')}* (Slack or the CRM refused them for good; fix the cause, e.g. invite the app or give the CRM's integration user access, then retry):`,
          ...rows.map(
            (r) =>
              `• #${r.id}: ${r.method === 'crm.activity' ? 'activity' : r.method} to ${where(r)}${r.handoffId ? ` (handoff #${r.handoffId})` : ''}, ${counted(r.attempts, 'attempt')}, last error \`${(r.lastError ?? 'unknown').replace(/[`<>&]/g, '')}\``,
          ),
          total > rows.length ? `…and ${total - rows.length} older.` : '',
          `Retry one by its number (\`/handoff outbox retry ${rows[0]?.id ?? 1}\`), or all with \`/handoff outbox retry all\`.`,
        ]
          .filter(Boolean)
          .join('\n'),
  requeued: (n: number) =>
    n === 0 ? 'Nothing to retry: no such parked message.' : `Queued ${counted(n, 'parked message')} again.`,
  forbidden: (permission: 'outbox' | 'outboxRetry' = 'outbox') =>
    `Only ${roleNames(permission)} can see and retry parked messages. Nothing was changed.`,
};
