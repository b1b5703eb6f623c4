import type { KnownBlock } from '@slack/types';
import type { HandoffRow } from '../db/schema.js';
import { userText } from './mrkdwn.js';
import { context } from './parts.js';

/**
 * Where an internal packet came from, for the AE and the owner: why this AE, when the CRM decided ("Lena
 * Ortiz owns Northwind Logistics in Salesforce"), and the Slack message it was started from. Never in partner views.
 */
export function originBlocks(
  h: Pick<HandoffRow, 'routingReason' | 'sourceUrl' | 'evidenceUrl'>,
): KnownBlock[] {
  const parts = [
    h.routingReason ? `:dart: Why this AE: ${userText(h.routingReason, 300)}.` : undefined,
    // The message is the evidence too (the shortcut's default): one link, the evidence's, not two to one place.
    h.sourceUrl && h.sourceUrl !== h.evidenceUrl && /^https:\/\/[^\s|<>]+$/.test(h.sourceUrl)
      ? `:speech_balloon: Started from <${h.sourceUrl}|a message in Slack>.`
      : undefined,
  ].filter((p): p is string => p !== undefined);
  return parts.length > 0 ? [context(parts.join(' '))] : [];
}
