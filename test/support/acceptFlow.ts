import { DateTime } from 'luxon';
import { expect } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import { isBusinessDay } from '../../src/domain/businessDays.js';
import { holidayCalendar } from '../../src/domain/holidays.js';
import { type Harness, waitFor } from './harness.js';
import type { OpenedModal, SlackUser } from './ownerFlow.js';
import { blockAction, viewSubmission } from './payloads.js';
import { people, TEAM } from './people.js';

/**
 * Accept with a commitment (issue 51 item 1), as the AE does it: Accept opens a modal with the first step, its date
 * and an estimated value, its defaults ready; submitting it records the accept.
 */

/** What the AE changes in the accept modal before submitting (each left out keeps the modal's default). */
export interface StepTyped {
  text?: string;
  /** YYYY-MM-DD (the datepicker's value); null: none picked. */
  due?: string | null;
  /** As typed in the number input ('' or absent: none). */
  estimatedValue?: string;
  /** The CRM opportunity's link or id, typed where the modal asks it (a CRM connected, none linked). */
  crmOpportunity?: string;
  /** Ticks "Create a … in <CRM>" for these CRMs (the modal offers it when a CRM is connected and none is linked). */
  crmCreate?: string[];
}

/**
 * The first day on or after `date` (YYYY-MM-DD) that an AE in `timeZone` works with the deployment's defaults (Monday
 * to Friday, their country's public holidays, no closure day): a first step may be dated on no other. Past `latest`
 * (the furthest date allowed), the last such day before `date` instead.
 */
export function workingDayFrom(date: string, timeZone: string, latest?: string): string {
  const calendar = { timeZone, dayStart: '09:00', dayEnd: '17:00', isHoliday: BY_ZONE };
  const walk = (step: number) => {
    let day = DateTime.fromISO(date, { zone: timeZone });
    for (let looked = 0; looked < 30 && !isBusinessDay(day, calendar); looked += 1)
      day = day.plus({ days: step });
    return day.toISODate() ?? date;
  };
  const later = walk(1);
  return latest !== undefined && later > latest ? walk(-1) : later;
}
const BY_ZONE = holidayCalendar('by_zone', []);

/** The accept modal's inputs as Slack sends them on submit: the modal's defaults, then what the AE typed. */
export function acceptValues(modal: OpenedModal, typed: StepTyped = {}): Record<string, unknown> {
  const element = (block: string) => modal.blocks.find((b) => b.block_id === block)?.element ?? {};
  const text = typed.text ?? String(element(ACCEPT_BLOCK_ID.step).initial_value ?? '');
  const due = typed.due === undefined ? String(element(ACCEPT_BLOCK_ID.due).initial_date ?? '') : typed.due;
  return {
    [ACCEPT_BLOCK_ID.step]: { [ACTION_ID.value]: { type: 'plain_text_input', value: text } },
    [ACCEPT_BLOCK_ID.due]: { [ACTION_ID.value]: { type: 'datepicker', selected_date: due } },
    [ACCEPT_BLOCK_ID.value]: {
      [ACTION_ID.value]: { type: 'number_input', value: typed.estimatedValue ? typed.estimatedValue : null },
    },
    ...(modal.blocks.some((b) => b.block_id === ACCEPT_BLOCK_ID.crmOpportunity)
      ? {
          [ACCEPT_BLOCK_ID.crmOpportunity]: {
            [ACTION_ID.value]: { type: 'plain_text_input', value: typed.crmOpportunity ?? null },
          },
        }
      : {}),
    ...(modal.blocks.some((b) => b.block_id === ACCEPT_BLOCK_ID.crmCreate)
      ? {
          [ACCEPT_BLOCK_ID.crmCreate]: {
            [ACTION_ID.value]: {
              type: 'checkboxes',
              selected_options: (typed.crmCreate ?? []).map((value) => ({
                text: { type: 'plain_text', text: value },
                value,
              })),
            },
          },
        }
      : {}),
  };
}

export interface AcceptClick {
  handoffId: number;
  user?: SlackUser;
  channelId?: string;
  messageTs?: string;
  responseUrl?: string;
  teamId?: string;
}

/** Clicks Accept (a fresh trigger) and returns the accept modal it opened. */
export async function openAcceptModal(h: Harness, click: AcceptClick): Promise<OpenedModal> {
  const before = h.slack.callsTo('views.open').length;
  const response = await h.interact(
    blockAction({
      actionId: ACTION_ID.accept,
      value: String(click.handoffId),
      user: click.user ?? { id: people.ae.id, team_id: TEAM },
      triggerId: h.slack.issueTriggerId(),
      ...(click.channelId
        ? { channelId: click.channelId }
        : { channelId: h.slack.dmChannelFor(click.user?.id ?? people.ae.id) }),
      ...(click.messageTs ? { messageTs: click.messageTs } : {}),
      ...(click.responseUrl ? { responseUrl: click.responseUrl } : {}),
      ...(click.teamId ? { teamId: click.teamId } : {}),
    }),
  );
  expect(response.status).toBe(200);
  const calls = await waitFor(
    () => h.slack.callsTo('views.open').length > before && h.slack.callsTo('views.open'),
    4000,
    'the accept modal',
  );
  const view = calls[calls.length - 1]?.args.view as OpenedModal;
  expect(view.callback_id).toBe(CALLBACK_ID.accept);
  return view;
}

/** Clicks Accept on the AE's packet DM `dm` of `handoff` and returns the accept modal it opened. */
export const openAcceptOn = (h: Harness, handoff: { id: number }, dm: { channel?: string; ts: string }) =>
  openAcceptModal(h, {
    handoffId: handoff.id,
    ...(dm.channel ? { channelId: dm.channel } : {}),
    messageTs: dm.ts,
  });

/** Submits an opened accept modal; returns Slack's answer (errors inline, or nothing when recorded). */
export async function submitAccept(
  h: Harness,
  modal: OpenedModal,
  opts: { user?: SlackUser; typed?: StepTyped; teamId?: string } = {},
): Promise<{ response_action?: string; errors?: Record<string, string> }> {
  const response = await h.interact(
    viewSubmission({
      user: opts.user ?? { id: people.ae.id, team_id: TEAM },
      callbackId: CALLBACK_ID.accept,
      privateMetadata: modal.private_metadata,
      values: acceptValues(modal, opts.typed),
      ...(opts.teamId ? { teamId: opts.teamId } : {}),
    }),
  );
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === ''
    ? {}
    : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
}

/**
 * Accepts as the AE: Accept, then the modal submitted with its defaults (or what `typed` says). Returns the
 * submission's answer: `{}` when the accept was recorded.
 */
export async function acceptHandoff(
  h: Harness,
  click: AcceptClick & { typed?: StepTyped },
): Promise<{ response_action?: string; errors?: Record<string, string> }> {
  const modal = await openAcceptModal(h, click);
  return submitAccept(h, modal, {
    ...(click.user ? { user: click.user } : {}),
    ...(click.typed ? { typed: click.typed } : {}),
    ...(click.teamId ? { teamId: click.teamId } : {}),
  });
}
