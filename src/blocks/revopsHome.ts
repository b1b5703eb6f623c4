import type { KnownBlock, PlainTextOption } from '@slack/types';
import type { ProgramMetrics, WeekStats } from '../domain/metrics.js';
import type { MoneyFigures } from '../domain/moneyFigures.js';
import { PERIODS, type PeriodKey } from '../domain/periods.js';
import { ACTION_ID } from './ids.js';
import { afterAcceptSection, groupSection, headline, trendTable } from './metrics.js';
import { moneyBlocks } from './money.js';
import { counted, plain, slackDate } from './mrkdwn.js';
import { context, pt, section } from './parts.js';
import { scoreCheckButton } from './scoreCheck.js';

/** The App Home's RevOps section: the period picked, its figures, the trend, and the period in money. */
export interface RevopsHome {
  period: PeriodKey;
  /** Null while the period's first computation runs (the tab is published again when it is done). */
  metrics: ProgramMetrics | null;
  /**
   * The last `trendWeeks` weeks, oldest first, shown as figures (a table), not as the chart: an image block in a Home
   * tab may only name a file its viewer can see, and a Home tab has no channel to share one into.
   */
  trend: WeekStats[];
  trendWeeks: number;
  /** Set when the figures come from an earlier computation: its time, and whether a newer one is running. */
  asOf?: { at: Date; timeZone: string; updating: boolean };
  /** The period in money, when a CRM is connected. */
  money?: { figures: MoneyFigures; timeZone: string };
}

/** The RevOps section's blocks: the period's picker and export, then its figures once computed. */
export function revopsBlocks(r: RevopsHome): KnownBlock[] {
  const option = (key: PeriodKey): PlainTextOption => ({ text: pt(PERIODS[key].label), value: key });
  const asOf = r.asOf
    ? `\n_Figures as of ${slackDate(r.asOf.at, r.asOf.timeZone)}${r.asOf.updating ? ': newer ones are on their way, this tab updates by itself._' : '._'}`
    : '';
  const blocks: KnownBlock[] = [
    section(`*Program metrics* (RevOps): what sales does with the handoffs partner marketing sends.${asOf}`),
    {
      type: 'actions',
      block_id: 'home_revops',
      elements: [
        {
          type: 'static_select',
          action_id: ACTION_ID.homePeriod,
          options: (Object.keys(PERIODS) as PeriodKey[]).map(option),
          initial_option: option(r.period),
        },
        {
          type: 'button',
          action_id: ACTION_ID.homeExport,
          text: pt('Export touch log (CSV)'),
          value: r.period,
          accessibility_label: plain(
            `Export the touch log, ${PERIODS[r.period].label.toLowerCase()}, as CSV`,
            75,
          ),
        },
        scoreCheckButton(),
      ],
    },
  ];
  if (!r.metrics) {
    blocks.push(
      section(
        `:hourglass_flowing_sand: Computing the figures for the ${PERIODS[r.period].label.toLowerCase()}: this tab updates by itself when they are ready.`,
      ),
    );
    return blocks;
  }
  blocks.push(headline(r.metrics.overall), afterAcceptSection(r.metrics.overall));
  blocks.push(
    ...trendTable(
      r.trend,
      `*The last ${counted(r.trendWeeks, 'week')}*, week by week (from Monday): handoffs sent, AE windows closed by how they ended, and the acceptance of that week's answers.`,
    ),
  );
  blocks.push(
    groupSection('By partner', r.metrics.byPartner, 'partner'),
    groupSection('By AE', r.metrics.byAe, 'user'),
    groupSection('By author', r.metrics.byAuthor, 'user'),
    context(
      'A window is one AE’s turn to answer one handoff: it ends accepted, declined or expired (silence). Partners are counted by their directory record, merged names as one.',
    ),
  );
  if (r.money) blocks.push(...moneyBlocks(r.money.figures, r.money.timeZone));
  return blocks;
}
