import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { userText } from './mrkdwn.js';

/** Small Block Kit pieces every renderer uses. mrkdwn is verbatim: typed URLs and #names never become links. */

export const pt = (text: string) => ({ type: 'plain_text' as const, text, emoji: true });

export const section = (text: string): KnownBlock => ({
  type: 'section',
  text: { type: 'mrkdwn', verbatim: true, text },
});

export const context = (text: string): KnownBlock => ({
  type: 'context',
  elements: [{ type: 'mrkdwn', verbatim: true, text }],
});

/** `#12 *Northwind Logistics* (via Meridian)`, escaped and cut, as notices name a handoff. */
export const handoffTitle = (h: HandoffRow) =>
  `#${h.id} *${userText(h.accountName, 150)}* (via ${userText(h.partnerOrg, 150)})`;
