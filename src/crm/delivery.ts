import { findEvent } from '../db/repositories/crm.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { findPartner } from '../db/repositories/partners.js';
import type { HandoffEventRow, HandoffRow, OutboxRow } from '../db/schema.js';
import { isoDateIn } from '../domain/businessDays.js';
import type { CrmSystem } from '../domain/crmFacts.js';
import { DECLINE_REASONS, isDeclineReason } from '../domain/decline.js';
import { isLostReason, LOST_REASONS } from '../domain/outcomes.js';
import { type CreationDeps, createRecord } from './creation.js';
import type { CrmFieldMap } from './index.js';
import { type CrmActivity, CrmError, type CrmFields } from './types.js';

const CLASSIFICATION_LABEL = {
  partner_sourced: 'Partner-sourced',
  partner_influenced: 'Partner-influenced',
} as const;

/** "2026-11-23 14:05 UTC": a CRM is read by people in many time zones. */
function utc(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * Who the event's AE was: the handoff's AE by name; an earlier one (after a reassignment) by the name its event kept
 * (a take-back, which moves the deal on in the same transaction: issue 51), else by Slack id.
 */
function aeOf(h: HandoffRow, event: Pick<HandoffEventRow, 'aeUserId' | 'detail'>): string {
  if (event.aeUserId === h.aeUserId) return h.aeName;
  const kept = event.detail?.aeName;
  return typeof kept === 'string' && kept !== '' ? kept : `Slack user ${event.aeUserId}`;
}

/** What happened, in a few words after "Co-sell handoff #12". */
function what(event: HandoffEventRow, h: HandoffRow): string {
  const ae = aeOf(h, event);
  switch (event.type) {
    case 'sent':
      return `sent to ${ae}`;
    case 'accepted':
      return `accepted by ${ae}`;
    case 'declined':
      return `declined by ${ae}`;
    case 'expired':
      // As Slack, the metrics and the CSV say it: while the AE was known to be away, it was not their silence.
      return typeof event.detail?.away === 'string'
        ? `expired while ${ae} was away (not counted as silence)`
        : `expired: ${ae} did not answer in time`;
    case 'reassigned':
      return `reassigned to ${ae}`;
    case 'extended':
      return `response window extended for ${ae}`;
    case 'more_time_granted':
      return `more time given to ${ae}`;
    case 'withdrawn':
      return 'withdrawn';
    case 'handed_back':
      return `handed back to the owner by ${ae}`;
    case 'taken_back':
      // Internal words: the CRM is read by the company only (the partner never hears of a take-back).
      return `taken back from ${ae}: no news of the first step${typeof event.detail?.due === 'string' ? ` due ${event.detail.due}` : ''}`;
    case 'step_named':
      return typeof event.detail?.due === 'string'
        ? `first step named, by ${event.detail.due}`
        : 'first step named';
    case 'step_new_date':
      return typeof event.detail?.to === 'string'
        ? `first step moved to ${event.detail.to}`
        : 'first step moved';
    case 'meeting_held':
      return 'meeting held';
    case 'opportunity_created':
      return 'opportunity created';
    case 'won':
      return 'closed won';
    case 'lost':
      return 'closed lost';
    case 'message_added':
      return 'Slack message added';
    default:
      return event.type.replaceAll('_', ' ');
  }
}

/** A Slack message added to the handoff: who added it, its excerpt and its link. */
function messageLines(event: HandoffEventRow, h: HandoffRow): string[] {
  const { byName, excerpt, permalink } = event.detail ?? {};
  const by =
    typeof byName === 'string' && byName !== ''
      ? byName
      : event.actorUserId === h.aeUserId
        ? h.aeName
        : `Slack user ${event.actorUserId ?? 'unknown'}`;
  return [
    `Added by: ${by}`,
    ...(typeof excerpt === 'string' && excerpt !== '' ? [`Message: “${excerpt}”`] : []),
    ...(typeof permalink === 'string' ? [`Link: ${permalink}`] : []),
  ];
}

/**
 * The activity for one touch-log event of a handoff: the partner, sourced or influenced, the AE, the status and its
 * time, the evidence link, and the reason of a decline or a loss. Internal: a CRM is read by the company only.
 */
export function activityFor(event: HandoffEventRow, h: HandoffRow, partnerName: string): CrmActivity {
  const detail = event.detail ?? {};
  const reason = detail.reasonCode;
  const lines = [
    `Partner: ${partnerName}`,
    h.classification
      ? `Attribution: ${CLASSIFICATION_LABEL[h.classification]}${h.classificationReason ? ` (${h.classificationReason})` : ''}`
      : 'Attribution: not classified',
    `Account executive: ${aeOf(h, event)}`,
    `Status: ${what(event, h)}, ${utc(event.at)}`,
  ];
  if (event.type === 'declined' && isDeclineReason(reason))
    lines.push(`Reason: ${DECLINE_REASONS[reason].label}`);
  if (event.type === 'lost' && isLostReason(reason)) lines.push(`Reason: ${LOST_REASONS[reason].label}`);
  if ((event.type === 'extended' || event.type === 'more_time_granted') && typeof detail.days === 'number')
    lines.push(`Extended by ${detail.days} business days`);
  // The first step the AE committed to when accepting, from the touch log; the value from the handoff.
  if (
    event.type === 'accepted' &&
    typeof detail.firstStep === 'string' &&
    typeof detail.firstStepDue === 'string'
  ) {
    lines.push(`First step: ${detail.firstStep}, by ${detail.firstStepDue}`);
    if (h.estimatedValue !== null) lines.push(`Estimated value: ${h.estimatedValue.toLocaleString('en-US')}`);
  }
  if (event.type === 'message_added') lines.push(...messageLines(event, h));
  if (typeof detail.source === 'string') lines.push(`Recorded from the CRM: ${detail.source}`);
  lines.push(`Account: ${h.accountName}`);
  if (h.evidenceUrl) lines.push(`Evidence: ${h.evidenceUrl}`);
  lines.push(`Handoff #${h.id}, recorded by the co-sell handoff app in Slack.`);
  return {
    subject: `Co-sell handoff #${h.id} ${what(event, h)}`,
    lines,
    at: event.at,
    day: isoDateIn(event.at, h.aeTimeZone),
    marker: `cosell${h.id}e${event.id}`,
  };
}

/** The mapped fields (off unless the admin named them). */
function mappedFields(map: CrmFieldMap, h: HandoffRow, partnerName: string): CrmFields {
  const fields: CrmFields = {};
  if (map.classification && h.classification)
    fields[map.classification] = CLASSIFICATION_LABEL[h.classification];
  if (map.partner) fields[map.partner] = partnerName;
  return fields;
}

export interface CrmDelivery {
  /** Writes one `crm.activity` row; `lookFirst`: an earlier attempt may have written it (look before writing). */
  write(row: OutboxRow, opts: { lookFirst: boolean }): Promise<void>;
  /** Creates the record of one `crm.create` row (crm/creation.ts); `lookFirst` alike. */
  create(row: OutboxRow, opts: { lookFirst: boolean }): Promise<void>;
}

/** Delivers the outbox's CRM rows: renders the activity from the touch log, looks for a lost one, writes it. */
export function createCrmDelivery(deps: CreationDeps): CrmDelivery {
  const { db, crm, logger } = deps;
  return {
    create: (row, opts) => createRecord(deps, row, opts),
    async write(row, { lookFirst }) {
      const { system, recordId, eventId } = row.payload as {
        system: CrmSystem;
        recordId: string;
        eventId: number;
      };
      const connector = crm.connector(system);
      if (!connector)
        throw new CrmError(`${system} is not connected (its settings are not set)`, { transient: false });
      const event = await findEvent(db, eventId);
      const h = row.handoffId === null ? undefined : await findHandoff(db, row.handoffId);
      if (!event || !h)
        throw new CrmError(`touch-log event ${eventId} or its handoff is missing`, { transient: false });
      const partnerName =
        (h.partnerId !== null ? (await findPartner(db, h.partnerId))?.name : undefined) ?? h.partnerOrg;
      const activity = activityFor(event, h, partnerName);
      // A failed look (rate limited, refused) leaves the row as uncertain as it was: the earlier write may be there.
      // A look that failed without the CRM's answer (the connector could not even ask: a bug, not an outage) will
      // fail the same way next time: retried a few times, then parked for an admin instead of looping for ever.
      const found = lookFirst
        ? await connector.findActivity(recordId, activity).catch((error: unknown) => {
            throw error instanceof CrmError
              ? new CrmError(error.message, { ...error.opts, uncertain: true })
              : new CrmError(`looking for an earlier write failed: ${String(error)}`, {
                  transient: false,
                  uncertain: true,
                });
          })
        : undefined;
      const activityId = found ?? (await connector.writeActivity(recordId, activity));
      // The mapped fields come after the activity and do not fail the row: they are written again with every later
      // event (the same values), so a miss now is caught up then. A refusal by the account's own rules (a HubSpot
      // validation rule) does: the row is parked for a person to fix, and its retry finds the activity by its marker
      // (the attempt's mark stays on a parked row) instead of writing it twice.
      const fields = mappedFields(crm.fieldMap[system], h, partnerName);
      if (Object.keys(fields).length > 0) {
        await connector.writeFields(recordId, fields).catch((error: unknown) => {
          if (error instanceof CrmError && error.opts.validation) throw error;
          logger.error(
            {
              system,
              recordId,
              handoffId: h.id,
              fields: Object.keys(fields),
              err: error instanceof Error ? error.message : error,
            },
            `${connector.label} refused the mapped fields; the activity was written (check the field names in the settings)`,
          );
        });
      }
      logger.info(
        { system, recordId, handoffId: h.id, eventId, activityId, ...(found ? { foundEarlier: true } : {}) },
        found
          ? `${connector.label} already had this activity (an earlier answer was lost); not written twice`
          : `${connector.label} activity written`,
      );
    },
  };
}
