import type { KnownBlock } from '@slack/types';
import type { AuthorStats, GroupStats, OutcomeCounts, Stats } from '../domain/metrics.js';
import { mention, plain, userText } from './mrkdwn.js';
import { context, section } from './parts.js';

/** Program metrics as Block Kit, for RevOps' App Home and the weekly digest. Internal surfaces only. */

export const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)}%`);
export const hours = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)} h`);
const score = (value: number | null) => (value === null ? '–' : `${value.toFixed(1)}/18`);
const outcomeText = (o: OutcomeCounts) =>
  `${o.meeting_held} meetings, ${o.opportunity_created} opportunities, ${o.won} won, ${o.lost} lost`;

/** The headline numbers: ten fields, Slack's maximum for one section. */
export function headline(stats: Stats): KnownBlock {
  const field = (label: string, value: string) => ({ type: 'mrkdwn' as const, text: `*${label}*\n${value}` });
  return {
    type: 'section',
    fields: [
      field('Sent', String(stats.sent)),
      field('Answered', `${stats.answered} (${stats.accepted} accepted, ${stats.declined} declined)`),
      field('Acceptance rate', percent(stats.acceptanceRate)),
      field(
        'Silence rate (expired)',
        `${percent(stats.silenceRate)} · declined ${percent(stats.declineRate)}`,
      ),
      field('Time to decision', `median ${hours(stats.medianHours)} · p90 ${hours(stats.p90Hours)}`),
      field(
        'Repeat use',
        `${stats.repeatAes} of ${stats.acceptingAes} accepting AEs (${percent(stats.repeatRate)})`,
      ),
      field('AE requests for partner help', String(stats.helpRequests)),
      field('Average packet score', score(stats.averageScore)),
      field('Outcomes, partner-sourced', outcomeText(stats.outcomes.sourced)),
      field('Outcomes, partner-influenced', outcomeText(stats.outcomes.influenced)),
    ],
  };
}

const groupLine = (label: string, g: Stats) =>
  `• ${label}: ${g.sent} sent · ${percent(g.acceptanceRate)} accepted · ${percent(g.silenceRate)} silent · median ${hours(g.medianHours)} · repeat ${g.repeatAes}/${g.acceptingAes} · help asks ${g.helpRequests}`;

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

/** A chart uploaded to Slack, shown by file id (no public image hosting needed). */
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
