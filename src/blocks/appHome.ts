import type { HomeView, KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { describeStatus } from '../domain/lifecycle.js';
import { mention, slackDate } from './mrkdwn.js';
import { outcomeButtons, outcomeLine } from './outcomes.js';
import { ownerActionButtons } from './ownerActions.js';
import { context, handoffTitle, section } from './parts.js';

export const HOME_LIMITS = { owned: 15, awaiting: 10, deals: 10 } as const;

/** The App Home: what waits for this person's answer, and the handoffs they own with their recovery buttons. */
export function appHomeView(opts: {
  awaiting: HandoffRow[];
  owned: HandoffRow[];
  deals: HandoffRow[];
}): HomeView {
  const blocks: KnownBlock[] = [{ type: 'header', text: { type: 'plain_text', text: 'Co-sell handoffs' } }];

  blocks.push(section('*Waiting for your answer*'));
  if (opts.awaiting.length === 0) blocks.push(context('Nothing is waiting for you.'));
  for (const h of opts.awaiting.slice(0, HOME_LIMITS.awaiting)) {
    blocks.push(
      section(
        `${handoffTitle(h)} from ${mention(h.authorUserId)}: answer by *${slackDate(h.dueAt, h.aeTimeZone)}* in the DM I sent you.`,
      ),
    );
  }

  blocks.push({ type: 'divider' }, section('*Deals in progress* (accepted, not yet won or lost)'));
  if (opts.deals.length === 0) blocks.push(context('No accepted deal is waiting for an outcome.'));
  for (const h of opts.deals.slice(0, HOME_LIMITS.deals)) {
    blocks.push(section(`${handoffTitle(h)} with ${mention(h.aeUserId)}. ${outcomeLine(h)}`));
    const buttons = outcomeButtons(h);
    if (buttons) blocks.push(buttons);
  }

  blocks.push({ type: 'divider' }, section('*Handoffs you own*'));
  if (opts.owned.length === 0)
    blocks.push(context('You own no open or expired handoffs. Type `/handoff` to send one.'));
  for (const h of opts.owned.slice(0, HOME_LIMITS.owned)) {
    const state =
      h.status === 'sent'
        ? `with ${mention(h.aeUserId)}, due *${slackDate(h.dueAt, h.aeTimeZone)}*`
        : `${describeStatus(h.status)} (was with ${mention(h.aeUserId)})`;
    blocks.push(section(`${handoffTitle(h)}: ${state}`));
    const actions = ownerActionButtons(h);
    if (actions) blocks.push(actions);
  }
  if (opts.owned.length > HOME_LIMITS.owned) {
    blocks.push(context(`Showing the ${HOME_LIMITS.owned} most recent; the oldest are not listed.`));
  }
  return { type: 'home', blocks };
}
