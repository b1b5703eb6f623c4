import { DateTime } from 'luxon';
import type { HandoffRow } from '../db/schema.js';
import { isoDateIn } from '../domain/businessDays.js';
import { cutText } from './cut.js';
import type { CrmNewRecord } from './types.js';

/** A new record's close date is this many days after the accept (its first step's date when that is later). */
export const CLOSE_AFTER_DAYS = 90;

/** Salesforce's Opportunity Name holds at most 120 characters (HubSpot's dealname more): one length for both. */
const NAME_MAX = 120;

/**
 * The close date both CRMs require of a new record (YYYY-MM-DD): CLOSE_AFTER_DAYS after the accept's day in the AE's
 * calendar, or the first step's date when that is later (a step cannot come after the close). The AE moves it in the
 * CRM as the deal takes shape; it is the CRM's expected close, not a promise.
 */
export function closeDateOf(acceptDay: string, stepDue: string | null): string {
  const later =
    DateTime.fromISO(acceptDay, { zone: 'utc' }).plus({ days: CLOSE_AFTER_DAYS }).toISODate() ?? acceptDay;
  return stepDue !== null && stepDue > later ? stepDue : later;
}

/**
 * The opportunity (deal) the AE asked for at the accept: "<Account> – co-sell with <Partner>", closing per
 * `closeDateOf`, at the AE's estimate when they gave one, on the CRM account the look-up matched (`accountId`), its
 * description the facts and the marker. Internal: a CRM is read by the company only.
 */
export function newRecordFor(
  h: Pick<
    HandoffRow,
    | 'id'
    | 'accountName'
    | 'aeName'
    | 'aeTimeZone'
    | 'decidedAt'
    | 'firstStep'
    | 'firstStepDue'
    | 'estimatedValue'
  >,
  partnerName: string,
  opts: { accountId: string | null; marker: string; now: Date },
): CrmNewRecord {
  const acceptDay = isoDateIn(h.decidedAt ?? opts.now, h.aeTimeZone);
  const { marker } = opts;
  const lines = [
    `Created at the accept of co-sell handoff #${h.id} by the co-sell handoff app in Slack.`,
    `Partner: ${partnerName}`,
    `Account executive: ${h.aeName}`,
    ...(h.firstStep && h.firstStepDue ? [`First step: ${h.firstStep}, by ${h.firstStepDue}`] : []),
    `ref ${marker}`,
  ];
  return {
    name: cutText(`${h.accountName} – co-sell with ${partnerName}`, NAME_MAX),
    closeDate: closeDateOf(acceptDay, h.firstStepDue),
    amount: h.estimatedValue,
    accountId: opts.accountId,
    description: lines.join('\n'),
    marker,
  };
}

/** Whether a record's description carries this marker (as `newRecordFor` writes it: its own line). */
export const carriesMarker = (description: string | null | undefined, marker: string): boolean =>
  (description ?? '').split(/\r?\n/).includes(`ref ${marker}`);
