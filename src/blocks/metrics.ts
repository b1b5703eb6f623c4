import type { KnownBlock } from '@slack/types';
import type {
  AfterAcceptStats,
  AuthorStats,
  GroupStats,
  OutcomeCounts,
  Stats,
  WeekStats,
} from '../domain/metrics.js';
import { counted, mention, nounFor, plain, userText } from './mrkdwn.js';
import { context, section } from './parts.js';

/** Program metrics as Block Kit, for RevOps' App Home and the weekly digest. Internal surfaces only. */

export const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);
export const hours = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} h`);
const score = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)}/18`);
const outcomeText = (o: OutcomeCounts) =>
  `${counted(o.meeting_held, 'meeting')}, ${counted(o.opportunity_created, 'opportunity', 'opportunities')}, ${o.won} won, ${o.lost} lost`;

/** "3 of 5 (60%)": a rate with the counts it comes from, so every figure can be checked against the others. */
export const ofWhole = (part: number, whole: number) =>
  whole === 0 ? `${part} of ${whole}` : `${part} of ${whole} (${percent(part / whole)})`;

/**
 * The headline numbers: ten fields, Slack's maximum for one section. Each says in its last line how it is counted,
 * and each can be worked out from the others: windows closed = accepted + declined + expired, answers = accepted +
 * declined, the rates are counts shown next to them.
 */
export function headline(stats: Stats): KnownBlock {
  const field = (label: string, value: string, how: string) => ({
    type: 'mrkdwn' as const,
    text: `*${label}*\n${value}\n_${how}_`,
  });
  const answers = stats.accepted + stats.declined;
  return {
    type: 'section',
    fields: [
      field('Handoffs sent', String(stats.sent), 'new handoffs sent in the period'),
      field(
        'AE requests',
        String(stats.requests),
        'answer windows opened: sends + reassignments to a new AE',
      ),
      field(
        'AE windows closed',
        `${stats.windowsClosed} = ${stats.accepted} accepted + ${stats.declined} declined + ${stats.expired} expired`,
        'windows that ended in the period; one reopened after expiring counts again',
      ),
      field(
        'Acceptance rate',
        `${ofWhole(stats.accepted, answers)} ${nounFor(answers, 'answer')}`,
        'accepted of accepted + declined; an expiry is not an answer',
      ),
      field(
        'Silence rate',
        `${ofWhole(stats.expired, stats.windowsClosed)} ${nounFor(stats.windowsClosed, 'window')}`,
        stats.expiredAway > 0
          ? `windows that expired without an answer; ${stats.expiredAway} more expired while the AE was away (their status, or days away they gave) and ${stats.expiredAway === 1 ? 'is' : 'are'} not counted`
          : 'windows that expired without an answer; one that expires while the AE is away is not counted',
      ),
      field(
        'Time to decision',
        `median ${hours(stats.medianHours)} · p90 ${hours(stats.p90Hours)}`,
        `business hours from request to accept or decline (${counted(answers, 'answer')})`,
      ),
      field(
        'Repeat use',
        `${ofWhole(stats.repeatAes, stats.acceptingAes)} accepting ${nounFor(stats.acceptingAes, 'AE')}`,
        'AEs who accepted and had accepted a handoff before',
      ),
      field(
        'AE requests for partner help',
        String(stats.helpRequests),
        'asks for partner help AEs made in the period',
      ),
      field('Average packet score', score(stats.averageScore), 'over the handoffs sent in the period'),
      field(
        'Outcomes recorded',
        `Partner-sourced: ${outcomeText(stats.outcomes.sourced)}\nPartner-influenced: ${outcomeText(stats.outcomes.influenced)}`,
        'steps recorded in the period, by classification now',
      ),
    ],
  };
}

/**
 * After the Accept, under the headline: the first steps AEs committed to when accepting. Four fields, each
 * with how it is counted, as the headline's: kept on time = on time of (done + idle), handed back apart.
 */
export function afterAcceptSection(stats: Stats): KnownBlock {
  const a = stats.afterAccept;
  const field = (label: string, value: string, how: string) => ({
    type: 'mrkdwn' as const,
    text: `*${label}*\n${value}\n_${how}_`,
  });
  return {
    type: 'section',
    text: { type: 'mrkdwn', text: '*After the Accept*: the first step each AE gave when accepting.' },
    fields: [
      field(
        'First steps kept on time',
        `${ofWhole(a.onTime, a.commitmentsEnded)} ${nounFor(a.commitmentsEnded, 'commitment')}${a.onTimeMoved > 0 ? ` (${a.onTimeMoved} after a new date)` : ''}`,
        'done by the step’s date (its latest, a new date counts), of first steps done + deals taken back idle',
      ),
      field(
        'Time to first step',
        `median ${hours(a.medianHours)} · p90 ${hours(a.p90Hours)}`,
        `business hours from the accept to the first outcome step (${counted(a.stepsDone, 'first step')} done)`,
      ),
      field(
        'Accepted, then idle',
        String(a.idle),
        'deals the escalation policy took back after their first step went quiet',
      ),
      field(
        'Handed back',
        String(a.handedBack),
        'deals their AE gave back to the owner: not idle, not in the commitments',
      ),
    ],
  };
}

/** A group's figures after the Accept, only once it has any: "first steps kept 2/3 · to first step 6.0 h · …". */
const afterAcceptPart = (a: AfterAcceptStats) =>
  a.commitmentsEnded + a.handedBack === 0
    ? ''
    : ` · first steps kept ${a.onTime}/${a.commitmentsEnded} · to first step ${hours(a.medianHours)} · idle ${a.idle} · handed back ${a.handedBack}`;

const groupLine = (label: string, g: Stats) =>
  `• ${label}: ${g.sent} sent · ${counted(g.requests, 'AE request')} · ${counted(g.windowsClosed, 'window')} closed (${g.accepted} accepted, ${g.declined} declined, ${g.expired} expired${g.expiredAway > 0 ? `; ${g.expiredAway} more while away, not counted` : ''}) · acceptance ${percent(g.acceptanceRate)} of answers · silence ${percent(g.silenceRate)} of windows · median ${hours(g.medianHours)} · repeat ${g.repeatAes}/${g.acceptingAes} · help asks ${g.helpRequests}${afterAcceptPart(g.afterAccept)}`;

/** The busiest groups of one kind, one line each, with a note when more exist. */
export function groupSection(
  title: string,
  groups: readonly (GroupStats | AuthorStats)[],
  kind: 'partner' | 'user',
  limit = 5,
): KnownBlock {
  if (groups.length === 0) return section(`*${title}*\nNothing in this period.`);
  const lines = groups.slice(0, limit).map((g) => {
    const label = kind === 'partner' ? `*${userText(g.label, 80)}*` : mention(g.key);
    const scores =
      'lastScores' in g && g.lastScores.length > 0
        ? ` · avg score ${score(g.averageScore)} · last three ${g.lastScores.join(', ')}`
        : '';
    return plain(groupLine(label, g) + scores, 500);
  });
  const more = groups.length > limit ? `\n_…and ${groups.length - limit} more in the CSV export._` : '';
  return section(`*${title}*\n${lines.join('\n')}${more}`);
}

const SECTION_TEXT_MAX = 3000;
const TREND_COLUMNS = ['Week of', 'Sent', 'Accepted', 'Declined', 'Expired', 'Acceptance'] as const;

/**
 * The trend as figures: one line per week (its Monday), the handoffs sent and the AE windows closed by how they
 * ended, with the acceptance of that week's answers, as a fixed-width table in a code block. The App Home shows it
 * instead of the chart: an image block there may only name a file its viewer can see, and a Home tab has no channel
 * to share a file into. In as many sections as the lines need (3000 characters each; 52 weeks of large numbers take
 * two), each starting with the column names.
 */
export function trendTable(weeks: readonly WeekStats[], title: string): KnownBlock[] {
  if (weeks.length === 0) return [section(`${title}\nNo weeks to show yet.`)];
  const rows = weeks.map((w) => [
    w.weekStart,
    String(w.sent),
    String(w.accepted),
    String(w.declined),
    String(w.expired),
    percent(w.acceptanceRate),
  ]);
  const widths = TREND_COLUMNS.map((name, i) =>
    Math.max(name.length, ...rows.map((r) => (r[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0)))
      .join('  ');
  const header = line(TREND_COLUMNS);
  const text = (lead: string, lines: string[]) => `${lead}\`\`\`\n${[header, ...lines].join('\n')}\n\`\`\``;
  const blocks: KnownBlock[] = [];
  let lead = `${title}\n`;
  let lines: string[] = [];
  for (const row of rows) {
    const next = line(row);
    if (lines.length > 0 && text(lead, [...lines, next]).length > SECTION_TEXT_MAX) {
      blocks.push(section(text(lead, lines)));
      lead = '';
      lines = [];
    }
    lines.push(next);
  }
  blocks.push(section(text(lead, lines)));
  return blocks;
}

/** A chart shared into the channel of the message that shows it, by file id (no public image hosting needed). */
export function chartImage(fileId: string, altText: string, title: string): KnownBlock {
  return {
    type: 'image',
    slack_file: { id: fileId },
    alt_text: plain(altText, 2000),
    title: { type: 'plain_text', text: plain(title, 2000) },
  };
}

export const chartMissing = () =>
  context('_The trend chart could not be prepared in Slack just now; it will be back on the next refresh._');
