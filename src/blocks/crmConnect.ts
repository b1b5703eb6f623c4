import type { KnownBlock, ModalView } from '@slack/types';
import { CRM_CREDENTIALS } from '../domain/crmCredentials.js';
import { CRM_SYSTEMS, CRMS, type CrmSystem } from '../domain/crmFacts.js';
import { CALLBACK_ID, crmCredentialBlockId } from './ids.js';
import { mention, slackDate } from './mrkdwn.js';

/**
 * A workspace's own CRM: the form its admins connect it with, what `/handoff crm` says is connected, and
 * the answers to a connect or a disconnect. Never a credential: those go into the form and are not shown again.
 */

/** One CRM connected by the workspace itself. */
export interface OwnCrmLine {
  system: CrmSystem;
  connectedBy: string;
  connectedAt: Date;
}

const usageLine = () =>
  `${CRM_SYSTEMS.map((s) => `\`/handoff crm ${s}\``).join(' or ')} connects your company's own; \`/handoff crm off <crm>\` disconnects it.`;

export const crmReplies = {
  /** What serves this workspace now. */
  status(own: readonly OwnCrmLine[], deployment: readonly CrmSystem[], timeZone: string): string {
    if (own.length > 0)
      return [
        ...own.map(
          (c) =>
            `*${CRMS[c.system].label}* is this workspace's CRM, connected by ${mention(c.connectedBy)} on ${slackDate(c.connectedAt, timeZone)}.`,
        ),
        usageLine(),
      ].join('\n');
    if (deployment.length > 0)
      return `*${deployment.map((s) => CRMS[s].label).join(' and ')}* from this deployment's settings serve${deployment.length === 1 ? 's' : ''} this workspace. ${usageLine()}`;
    return `*No CRM is connected for this workspace:* handoffs are classified from the packet alone. ${usageLine()}`;
  },
  /** A token deployment: one company's, whose CRM is in its settings. */
  fromSettings:
    "This deployment's CRM is set in its settings (`SALESFORCE_*`, `HUBSPOT_ACCESS_TOKEN`; docs/crm.md). A workspace connects its own CRM from Slack when the app is installed by OAuth.",
  disconnected: (system: CrmSystem) =>
    `${CRMS[system].label} is disconnected: handoffs accepted from now on are not written to it. Its credentials are deleted.`,
  notConnected: (system: CrmSystem) =>
    `${CRMS[system].label} was not connected for this workspace. Nothing was changed.`,
};

/** The form: one input per credential of this CRM. */
export function crmConnectModal(system: CrmSystem): ModalView {
  const { label } = CRMS[system];
  const blocks: KnownBlock[] = [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `Connect your company's ${label} for this workspace. Handoffs accepted here are then written to their ${CRMS[system].records}, and packets are prefilled from its accounts. ${label} checks the credentials first; they are stored encrypted and never shown again.`,
      },
    },
    ...CRM_CREDENTIALS[system].map(
      (field): KnownBlock => ({
        type: 'input',
        block_id: crmCredentialBlockId(field.key),
        label: { type: 'plain_text', text: field.label },
        hint: { type: 'plain_text', text: field.hint },
        element: {
          type: 'plain_text_input',
          action_id: 'value',
          placeholder: { type: 'plain_text', text: field.placeholder },
        },
      }),
    ),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.crmConnect,
    private_metadata: JSON.stringify({ system }),
    title: { type: 'plain_text', text: `Connect ${label}` },
    submit: { type: 'plain_text', text: 'Connect' },
    close: { type: 'plain_text', text: 'Cancel' },
    blocks,
  };
}

/** The form once connected: what happens now. */
export function crmConnectedView(system: CrmSystem): ModalView {
  const { label } = CRMS[system];
  return {
    type: 'modal',
    title: { type: 'plain_text', text: `${label} connected` },
    close: { type: 'plain_text', text: 'Done' },
    blocks: [
      {
        type: 'section',
        text: {
          type: 'mrkdwn',
          text: `:white_check_mark: *${label} is connected for this workspace.* Handoffs accepted from now on are written to their ${CRMS[system].records}. \`/handoff crm\` shows it; \`/handoff crm off ${system}\` disconnects it.`,
        },
      },
    ],
  };
}
