import { DateTime } from 'luxon';

const day = (at: Date, timeZone: string) => DateTime.fromJSDate(at, { zone: timeZone }).toISODate() ?? '';

export const exportReplies = {
  started: (range: { since: Date; until: Date; timeZone: string }) =>
    `Preparing the touch log for handoffs sent from ${day(range.since, range.timeZone)} to ${day(new Date(range.until.getTime() - 1), range.timeZone)}. The CSV will arrive in your DM with me.`,
  comment: (rows: number, range: { since: Date; until: Date; timeZone: string }) =>
    `The touch log: ${rows} handoff${rows === 1 ? '' : 's'} sent from ${day(range.since, range.timeZone)} to ${day(new Date(range.until.getTime() - 1), range.timeZone)}, one row each. Internal: do not share with partners.`,
  failed: () =>
    'I could not upload the touch log to Slack just now. Please try the export again in a few minutes.',
  forbidden: () => 'The touch log export is for RevOps (REVOPS_USER_IDS) and admins.',
};
