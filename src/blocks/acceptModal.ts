import type { InputBlock, ModalView } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { CRMS, type CrmSystem } from '../domain/crmFacts.js';
import { defaultFirstStep, ESTIMATED_VALUE_MAX, FIRST_STEP_MAX } from '../domain/firstStep.js';
import { type DeclineMetadata, decisionMetadata } from './declineModal.js';
import { ACCEPT_BLOCK_ID, ACTION_ID, CALLBACK_ID } from './ids.js';
import { plain, userText } from './mrkdwn.js';

/** What the accept modal carries: the handoff, where it was opened, and the packet version the AE read. */
export type AcceptMetadata = DeclineMetadata;

/**
 * Accept with a commitment: one small modal, its defaults ready so that accepting is one more
 * click: the first step (the partner reads it word for word), its date (`due`: FIRST_STEP_BUSINESS_DAYS business days
 * in the AE's calendar), and an optional estimated value that stays internal. With a CRM connected (`crms`) and no
 * opportunity linked yet, the AE may link one, or have one created after the accept: RevOps then
 * counts its money from the CRM.
 */
export function acceptModal(
  h: HandoffRow,
  due: string,
  opts: { fromHome?: boolean; crms?: readonly CrmSystem[] } = {},
): ModalView {
  const crms = h.crmRecordId ? [] : (opts.crms ?? []);
  const metadata: AcceptMetadata = decisionMetadata(h, opts);
  const step = defaultFirstStep(h);
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.accept,
    private_metadata: JSON.stringify(metadata),
    title: { type: 'plain_text', text: 'Accept handoff' },
    submit: { type: 'plain_text', text: 'Accept' },
    close: { type: 'plain_text', text: 'Back' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          verbatim: true,
          text: `Accepting *${userText(h.accountName, 150)}* (via ${userText(h.partnerOrg, 150)}). The partner reads your first step and its date word for word with your acceptance, and so do the owner and the author. The estimated value stays internal.`,
        },
      },
      {
        type: 'input',
        block_id: ACCEPT_BLOCK_ID.step,
        label: { type: 'plain_text', text: 'First step (the partner reads it)' },
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          max_length: FIRST_STEP_MAX,
          initial_value: plain(step, FIRST_STEP_MAX),
          placeholder: { type: 'plain_text', text: 'Intro call with Dana and their CFO' },
        },
        // Said where the step came from: the packet's seller next move was written for the AE, not the partner.
        ...(step === h.sellerNextMove.replace(/\s+/g, ' ').trim().replace(/\.$/, '')
          ? {
              hint: {
                type: 'plain_text' as const,
                text: "The packet's seller next move. The partner reads it word for word: change it to what they may read.",
              },
            }
          : {}),
      },
      {
        type: 'input',
        block_id: ACCEPT_BLOCK_ID.due,
        label: { type: 'plain_text', text: 'By' },
        element: { type: 'datepicker', action_id: ACTION_ID.value, initial_date: due },
      },
      {
        type: 'input',
        block_id: ACCEPT_BLOCK_ID.value,
        optional: true,
        label: { type: 'plain_text', text: 'Estimated value (internal)' },
        hint: { type: 'plain_text', text: 'Whole units of your currency. Never shown to the partner.' },
        element: {
          type: 'number_input',
          action_id: ACTION_ID.value,
          is_decimal_allowed: false,
          min_value: '0',
          max_value: String(ESTIMATED_VALUE_MAX),
        },
      },
      ...(crms.length > 0 ? [opportunityInput(crms), createInput(h, crms)] : []),
    ],
  };
}

/**
 * The record the AE may have created after the accept, one box per connected CRM (optional, internal; issue 77 item
 * 13). Slack cuts an option's text at 75 characters: the account's name is cut to fit.
 */
function createInput(h: HandoffRow, crms: readonly CrmSystem[]): InputBlock {
  return {
    type: 'input',
    block_id: ACCEPT_BLOCK_ID.crmCreate,
    optional: true,
    label: { type: 'plain_text', text: 'Or create it (internal)' },
    hint: {
      type: 'plain_text',
      text: 'Created right after your accept, at your estimate, and linked here; you get its link in your DM. Never shown to the partner.',
    },
    element: {
      type: 'checkboxes',
      action_id: ACTION_ID.value,
      options: crms.map((system) => ({
        text: {
          type: 'plain_text' as const,
          text: plain(`Create a ${CRMS[system].label} ${CRMS[system].record} for ${h.accountName}`, 75),
        },
        value: system,
      })),
    },
  };
}

/** The CRM opportunity the AE may link at the accept (optional, internal). */
function opportunityInput(crms: readonly CrmSystem[]): InputBlock {
  const crm = crms.map((system) => CRMS[system].label).join(' or ');
  return {
    type: 'input',
    block_id: ACCEPT_BLOCK_ID.crmOpportunity,
    optional: true,
    label: { type: 'plain_text', text: `${plain(crm, 40)} opportunity (internal)` },
    hint: {
      type: 'plain_text',
      text: `Its link or id, if the deal has one: RevOps then counts its money from ${plain(crm, 40)}, not from your estimate. Never shown to the partner.`,
    },
    element: {
      type: 'plain_text_input',
      action_id: ACTION_ID.value,
      max_length: 300,
      placeholder: { type: 'plain_text', text: 'Paste the opportunity or deal link' },
    },
  };
}
