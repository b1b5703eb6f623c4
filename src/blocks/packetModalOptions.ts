import type { KnownBlock } from '@slack/types';
import type { PoolChoice } from '../domain/escalation.js';
import type { PacketField, PacketInput } from '../domain/packet.js';
import type { PacketSuggestions } from '../domain/packetSuggestions.js';
import { plain } from './mrkdwn.js';

/** How the packet modal (packetModal.ts) is drawn: what it prefills, says and carries. */
export interface PacketModalOptions {
  authorUserId: string;
  /** `/handoff <account name>` prefills the account. */
  accountName?: string;
  /** The partner channel to preselect (`/handoff` typed in a Slack Connect channel the app can post in). */
  partnerChannelId?: string;
  /** Every field prefilled, e.g. from a stored handoff being edited (wins over `accountName` and `partnerChannelId`). */
  prefill?: Partial<PacketInput>;
  /**
   * Editing a handoff already sent: its number is in the title, and it and the packet version the form was opened
   * on are in private_metadata (`{ editOf, editCount }`), so a save from an older form is refused.
   */
  edit?: { handoffId: number; editCount?: number };
  /** Escalation pools (ESCALATION_POLICY_FILE): a new packet may go to the next AE of one, round robin. */
  pools?: readonly PoolChoice[];
  /** The longest response window the program allows (SCORE_MAX_WINDOW_DAYS); RESPONSE_WINDOW.max without it. */
  maxWindowDays?: number;
  /** Where each prefilled value came from ("From Dana Reyes's message."): shown first in the field's hint. */
  sources?: Partial<Record<PacketField, string>>;
  /** Lines (mrkdwn, escaped by the caller) shown under the intro: what the prefill read and found. */
  notes?: readonly string[];
  /** The permalink of the message a new packet was started from: kept in private_metadata, stored as its source. */
  source?: string;
  /** The author's last packet for the partner, offered as one-click suggestions (packetSuggestions.ts). */
  suggestions?: PacketSuggestions;
}

/** What a new packet's modal carries in private_metadata: the message it was started from, if any. */
export interface NewPacketMetadata {
  source?: string;
}

/** What the packet modal carries in private_metadata when it edits a handoff. */
export interface PacketModalMetadata {
  editOf: number;
  /** The version of the packet the form was opened on. */
  editCount?: number;
}

/** Slack's limit on a hint's text. */
const HINT_MAX = 2000;

/** A hint with where its prefilled value came from first ("From Salesforce: …"), when the prefill says. */
export function sourcedHint(
  sources: PacketModalOptions['sources'],
  field: PacketField,
  hint: string | undefined,
): string | undefined {
  const source = sources?.[field];
  if (!source) return hint;
  return plain(hint ? `${source} ${hint}` : source, HINT_MAX);
}

/** The prefill's notes, under the intro: one context block each (at most five). */
export function noteBlocks(notes: readonly string[] | undefined): KnownBlock[] {
  return (notes ?? []).slice(0, 5).map((text) => ({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: text.slice(0, 3000) }],
  }));
}

/** The packet form's first line. */
export const INTRO: KnownBlock = {
  type: 'context',
  elements: [
    {
      type: 'mrkdwn',
      verbatim: true,
      text: 'One packet, one account executive: write it so the AE can act without a clarifying call. Fields marked :eye: are posted to the partner, word for word; the review shows that post before anything is sent.',
    },
  ],
};
