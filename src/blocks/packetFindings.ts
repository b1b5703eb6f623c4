import type { SectionBlock } from '@slack/types';
import type { AccountFinding, HandoffRow } from '../db/schema.js';
import { describeStatus } from '../domain/lifecycle.js';
import { mention, userText } from './mrkdwn.js';

/** A section's text holds at most this many characters (Slack's limit). */
const SECTION_MAX = 3000;

/** One finding of the conflict and duplicate check, as the AE reads it ("you" when it is theirs). */
function findingLine(f: AccountFinding, reader: string): string {
  if (f.kind === 'reseller') {
    return `• *Registered reseller*: ${userText(f.resellerName, 80)} on ${userText(f.accountName, 80)}`;
  }
  const what = f.kind === 'duplicate' ? '*Duplicate*' : '*Channel conflict*';
  const ae = f.aeUserId === reader ? 'you' : mention(f.aeUserId);
  return `• ${what}: handoff #${f.handoffId} ${userText(f.accountName, 80)} via ${userText(f.partnerOrg, 80)}, ${describeStatus(f.status)} (AE: ${ae})`;
}

const FINDINGS_TITLE = '*Flagged when it was sent* (internal: the partner never sees this)';

/**
 * What the author chose to send anyway, for the AE: what the conflict and duplicate check found on the account when
 * Send was pressed (channel conflicts, registered resellers, duplicates) and the author's reason for sending a
 * duplicate or a packet below the lowest band. Undefined when there was nothing to send past.
 */
export function findingsSection(h: HandoffRow): SectionBlock | undefined {
  const lines = (h.findings ?? []).map((f) => findingLine(f, h.aeUserId));
  if (h.overrideReason) {
    const needs = [
      ...(h.scoreBand === 'keep_building' ? ['the packet is below the lowest band'] : []),
      ...((h.findings ?? []).some((f) => f.kind === 'duplicate') ? ['it duplicates an open handoff'] : []),
    ];
    lines.push(
      `• *Sent anyway* by ${mention(h.authorUserId)}${needs.length > 0 ? ` (${needs.join('; ')})` : ''}: ${userText(h.overrideReason, 1000)}`,
    );
  }
  if (lines.length === 0) return undefined;
  let text = FINDINGS_TITLE;
  for (const [index, line] of lines.entries()) {
    if (text.length + line.length + 1 + 20 > SECTION_MAX) {
      text += `\n…and ${lines.length - index} more`;
      break;
    }
    text += `\n${line}`;
  }
  return { type: 'section', text: { type: 'mrkdwn', verbatim: true, text } };
}
