import type { KnownBlock, ModalView } from '@slack/types';
import type { HelpRequestRow } from '../db/schema.js';
import { ACTION_ID, CALLBACK_ID, HELP_BLOCK_ID, HELP_LIMITS } from './ids.js';
import { mention, plain, userText } from './mrkdwn.js';
import { button, context, pt, section } from './parts.js';

/** The AE's request for partner help on an account: which account, which partner if any, what help. */
export function helpRequestModal(opts: { accountName?: string } = {}): ModalView {
  const input = (
    blockId: string,
    label: string,
    max: number,
    extra: { optional?: boolean; multiline?: boolean; initial?: string; placeholder: string },
  ): KnownBlock => ({
    type: 'input',
    block_id: blockId,
    ...(extra.optional ? { optional: true } : {}),
    label: pt(label),
    element: {
      type: 'plain_text_input',
      action_id: ACTION_ID.value,
      max_length: max,
      ...(extra.multiline ? { multiline: true } : {}),
      ...(extra.initial ? { initial_value: plain(extra.initial, max) } : {}),
      placeholder: pt(extra.placeholder),
    },
  });
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.helpRequest,
    title: pt('Ask for partner help'),
    submit: pt('Send request'),
    close: pt('Cancel'),
    blocks: [
      context(
        'Partner marketing gets this in their channel and finds you a partner with a way in. Nothing here is shown to partners.',
      ),
      input(HELP_BLOCK_ID.account, 'Account', HELP_LIMITS.account, {
        ...(opts.accountName ? { initial: opts.accountName } : {}),
        placeholder: 'The customer account, e.g. Northwind Logistics',
      }),
      input(HELP_BLOCK_ID.ask, 'What help do you need?', HELP_LIMITS.ask, {
        multiline: true,
        placeholder: 'An intro to the CIO, a joint proof of concept, a partner who knows their stack…',
      }),
      input(HELP_BLOCK_ID.partner, 'A partner you have in mind', HELP_LIMITS.partner, {
        optional: true,
        placeholder: 'Leave empty if any partner will do',
      }),
    ],
  };
}

/** The request as posted in the partner-marketing channel, with a button to take it (or who took it). */
export function helpRequestPost(request: HelpRequestRow): { text: string; blocks: KnownBlock[] } {
  const account = userText(request.accountName, HELP_LIMITS.account + 20);
  const blocks: KnownBlock[] = [
    section(`:raising_hand: ${mention(request.requestedByUserId)} asks for partner help on *${account}*`),
    section(`>${userText(request.ask, HELP_LIMITS.ask + 100).replace(/\n/g, '\n>')}`),
  ];
  if (request.partnerOrg)
    blocks.push(context(`Partner in mind: ${userText(request.partnerOrg, HELP_LIMITS.partner + 20)}`));
  if (request.status === 'claimed' && request.claimedByUserId) {
    blocks.push(
      context(`:white_check_mark: Taken by ${mention(request.claimedByUserId)}. Request #${request.id}.`),
    );
  } else {
    blocks.push({
      type: 'actions',
      block_id: `help_request_${request.id}`,
      elements: [
        button(
          {
            text: "I'll take it",
            actionId: ACTION_ID.helpClaim,
            value: String(request.id),
            style: 'primary',
          },
          { ...request, noun: 'partner help request' },
        ),
      ],
    });
  }
  return { text: `Partner help request #${request.id}: ${userText(request.accountName, 150)}`, blocks };
}

export const helpReplies = {
  notConfigured: () =>
    'Partner-help requests are not set up yet: ask whoever runs this app to choose a channel for them.',
  sent: (request: HelpRequestRow, channelId: string) =>
    `Your request for partner help on *${userText(request.accountName, 170)}* went to <#${channelId}>. I will tell you when someone takes it.`,
  claimed: (request: HelpRequestRow) =>
    `${mention(request.claimedByUserId ?? '')} from partner marketing took your request for partner help on *${userText(request.accountName, 170)}*.`,
  alreadyClaimed: (request: HelpRequestRow) =>
    `${mention(request.claimedByUserId ?? '')} already took this request.`,
  notFound: () => 'I could not find that request.',
};
