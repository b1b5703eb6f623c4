import type { KnownBlock } from '@slack/types';
import { CLASSIFICATION_LABEL, type Classification } from '../domain/attribution.js';
import { CRMS } from '../domain/crmFacts.js';
import { sumWords } from '../domain/money.js';
import type { ByClass, Durations, MoneyFigures, WinFigures } from '../domain/moneyFigures.js';
import { BAND_LABEL } from '../domain/scoringModel.js';
import { dateInZone, userText } from './mrkdwn.js';
import { context, section } from './parts.js';

/**
 * RevOps in money, for the App Home and the digest: internal surfaces only. Every figure says where it comes
 * from and as of when; a figure the CRM could not give says so, never 0.
 */

/** A section's text holds at most this many characters (Slack's limit). */
const SECTION_MAX = 3_000;
/** Partners listed by name; the rest are in the totals. */
export const MONEY_PARTNERS_SHOWN = 10;

/** The CRM's figures; then, only when there are some, the deals without a CRM deal, labelled as the AE's estimates. */
function byClass(f: ByClass, reporting: string): string {
  const crm = `pipeline: ${sumWords(f.pipeline, reporting)} · closed won: ${sumWords(f.won, reporting)}`;
  if (f.pipelineEstimated.read === 0 && f.wonInSlack.read === 0) return crm;
  const estimated = [
    ...(f.pipelineEstimated.read > 0
      ? [`estimated pipeline ${sumWords(f.pipelineEstimated, reporting, 'estimate')}`]
      : []),
    ...(f.wonInSlack.read > 0 ? [`won in Slack ${sumWords(f.wonInSlack, reporting, 'estimate')}`] : []),
  ];
  return `${crm}; without a CRM deal, at the AE's estimate: ${estimated.join(' · ')}`;
}

function wins(w: WinFigures): string {
  const closed = w.won + w.lost;
  if (closed === 0) return 'none closed';
  const rate = `${w.won} won of ${closed} (${Math.round((w.won / closed) * 100)}%)`;
  return w.medianDaysToClose === null ? rate : `${rate}, ${w.medianDaysToClose} days to close (median)`;
}

const days = (d: Durations, what: string) =>
  d.medianDays === null
    ? `none recorded to ${what}`
    : `${d.medianDays.toFixed(1)} days to ${what} (median of ${d.count})`;

/** When a CRM was read for the figures: its newest read, after its oldest when they differ. */
function readWhen(s: MoneyFigures['sources'][number], timeZone: string): string {
  const newest = s.asOf ? dateInZone(s.asOf, timeZone) : '';
  const oldest = s.oldest ? dateInZone(s.oldest, timeZone) : newest;
  return oldest === newest ? newest : `${oldest} to ${newest}`;
}

/** Where the figures come from, and as of when, in the reader's zone. */
function sources(f: MoneyFigures, timeZone: string): string {
  const read = f.sources.map((s) =>
    s.asOf
      ? `${CRMS[s.system].label}, read ${readWhen(s, timeZone)}${s.rates ? '' : ' (its rates not read: amounts in other currencies are not converted)'}`
      : `${CRMS[s.system].label}: no linked deal read yet`,
  );
  return `Source: ${read.join('; ')}. Amounts in ${f.reporting}, converted with the CRM's own rates.`;
}

/** The money section: by class, by partner, by score band, deals closed with and without a partner, after the accept. */
export function moneyBlocks(f: MoneyFigures, timeZone: string): KnownBlock[] {
  const classes = (Object.keys(CLASSIFICATION_LABEL) as Classification[]).map(
    (c) => `*${CLASSIFICATION_LABEL[c]}*: ${byClass(f.overall[c], f.reporting)}`,
  );
  const partners = f.byPartner
    .slice(0, MONEY_PARTNERS_SHOWN)
    .map(
      (p) =>
        `• *${userText(p.partner, 80)}*: sourced ${byClass(p.figures.partner_sourced, f.reporting)}; influenced ${byClass(p.figures.partner_influenced, f.reporting)}`,
    );
  const more =
    f.byPartner.length > MONEY_PARTNERS_SHOWN
      ? [`_and ${f.byPartner.length - MONEY_PARTNERS_SHOWN} more partners: in the export_`]
      : [];
  const bands = f.byBand.map((b) => `• ${BAND_LABEL[b.band]}: ${byClass(b.figures, f.reporting)}`);
  const closed = f.closedDeals
    ? `With a partner: ${wins(f.closedDeals.withPartner)}. Without: ${wins(f.closedDeals.withoutPartner)}.${f.closedDeals.limited ? ' _The CRM closed more deals than the app reads; the latest are counted._' : ''}`
    : 'The CRM could not be asked for its closed deals just now: no win rate is shown.';
  // Three blocks whatever the number of partners (the App Home has 100 at most); a section holds 3,000 characters.
  const groups = [
    `*By partner*\n${[...partners, ...more].join('\n') || '_No linked deal in the period._'}`,
    `*By score band* (the packet's band when sent)\n${bands.join('\n')}`,
  ].join('\n');
  return [
    section(
      `*Money* (RevOps, from the CRM): pipeline is the open deals of handoffs sent in the period; closed won, the deals won with a close date in it. Accepted deals with no CRM deal are apart, at the AE's estimate: open ones sent in the period, and those won in Slack in it.\n${classes.join('\n')}\n*Deals closed in the period*, all the CRM holds: ${closed}\n*From the accept* (touch log): ${days(f.afterAccept.toMeeting, 'the first meeting')}; ${days(f.afterAccept.toOpportunity, 'the opportunity')}.`,
    ),
    section(
      groups.length <= SECTION_MAX
        ? groups
        : `${groups.slice(0, SECTION_MAX - 40).replace(/\n[^\n]*$/, '')}\n_…and more: in the export_`,
    ),
    context(sources(f, timeZone)),
  ];
}
