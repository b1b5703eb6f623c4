/**
 * Where the app keeps data about people: every table of the schema, with the columns that hold a person's
 * Slack id, name or words, and how long its rows are kept. The privacy statement (`npm run doctor -- --privacy`,
 * docs/privacy.md) is printed from it; `test/unit/db/personalData.test.ts` fails when a table of either engine's
 * schema is missing here, or a column named here is not in it. A new table is a new entry.
 *
 * The kinds of keeping, as the statement words them from the live settings (doctor/privacy.ts):
 * - `kept`: kept as long as the database is (no setting deletes it);
 * - `outbox`: a delivered or cancelled message is deleted OUTBOX_RETENTION_DAYS after it was queued;
 * - `exports`: a CSV export shared in Slack, deleted there and here RETAIN_EXPORTS_DAYS after it was shared;
 * - `current`: the row is the present state, replaced or deleted when that changes (a cover, a lease);
 * - `none`: holds nothing about a person.
 *
 * A table's `ageing` columns are the words data retention removes while the row stays (retention/ageOut.ts):
 * `packetText` RETAIN_PACKET_TEXT_DAYS after the handoff closed, `touchDetail` RETAIN_TOUCH_DETAIL_DAYS after.
 */

import { PACKET_WORD_FIELDS } from '../domain/packetFields.js';

export type Keeping = 'kept' | 'outbox' | 'exports' | 'current' | 'none';

export type Ageing = 'packetText' | 'touchDetail';

export interface TableData {
  /** What a row is, in a few words. */
  what: string;
  /** The columns that hold a person's Slack id, name, contact details or words (free text that may name someone). */
  personal: readonly string[];
  keeping: Keeping;
  /** The personal columns data retention removes (the row stays), and by which setting. */
  ageing?: { by: Ageing; columns: readonly string[] };
  /**
   * What erasing a person does to a row that names them (erasure/): by default it is rewritten without them (their id
   * a pseudonym, their name and words erased); `delete`: the row goes (a present state about them: a follow, a cover).
   */
  erase?: 'delete';
}

/** A packet field's column: its name in snake_case (`sellerNextMove` in `seller_next_move`). */
export const columnOfField = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/**
 * The packet's words and contact details, as retention removes them (db/repositories/retention.ts): the packet fields
 * that hold words (domain/packetFields.ts `words`), and the words a handoff gathers after it is sent.
 */
export const HANDOFF_WORDS = [
  ...PACKET_WORD_FIELDS.map((f) => columnOfField(f.name)),
  'partner_next_move_confirmed',
  'override_reason',
  'first_step',
  'source_url',
  'routing_reason',
];

const packetText = (...columns: string[]) => ({ by: 'packetText' as const, columns });

export const PERSONAL_DATA: Readonly<Record<string, TableData>> = {
  handoffs: {
    what: 'the handoff packets',
    personal: [
      'author_user_id',
      'owner_user_id',
      'ae_user_id',
      'ae_name',
      'ae_time_zone',
      'withdrawn_by_user_id',
      'scorecard',
      ...HANDOFF_WORDS,
    ],
    keeping: 'kept',
    ageing: packetText(...HANDOFF_WORDS),
  },
  handoff_scorecards: { what: "each packet's scored components", personal: ['components'], keeping: 'kept' },
  drafts: {
    what: 'packets saved before they were sent',
    personal: ['author_user_id', 'content'],
    keeping: 'kept',
    // The whole unsent packet is deleted, by when it was last saved.
    ageing: packetText('author_user_id', 'content'),
  },
  decisions: {
    what: "the AEs' accepts and declines",
    personal: ['decided_by_user_id', 'note'],
    keeping: 'kept',
    ageing: packetText('note'),
  },
  outcomes: {
    what: "each deal's outcome steps",
    personal: ['recorded_by_user_id', 'note'],
    keeping: 'kept',
    ageing: packetText('note'),
  },
  outcome_reports: {
    what: 'outcomes reported for confirmation',
    personal: ['reported_by_user_id', 'answered_by_user_id', 'note'],
    keeping: 'kept',
    ageing: packetText('note'),
  },
  questions: {
    what: "an AE's questions before deciding, and the answers",
    personal: ['asked_by_user_id', 'answered_by_user_id', 'text', 'answer'],
    keeping: 'kept',
    ageing: packetText('text', 'answer'),
  },
  attribution_reviews: {
    what: 'attribution reviews',
    personal: ['decided_by', 'note'],
    keeping: 'kept',
    ageing: packetText('note'),
  },
  classification_corrections: {
    what: 'classifications corrected by RevOps',
    personal: ['corrected_by_user_id', 'reason'],
    keeping: 'kept',
    ageing: packetText('reason'),
  },
  help_requests: {
    what: 'requests for a partner’s help',
    personal: ['requested_by_user_id', 'claimed_by_user_id', 'ask'],
    keeping: 'kept',
    // By when it was asked (a request is not a handoff).
    ageing: packetText('ask'),
  },
  handoff_followers: {
    what: 'who follows a handoff',
    personal: ['user_id'],
    keeping: 'current',
    erase: 'delete',
  },
  handoff_events: {
    what: 'the touch log: every change of every handoff',
    personal: ['actor_user_id', 'ae_user_id', 'detail'],
    keeping: 'kept',
    // The packet's words in it (a first step) go with the packet's text; the rest but its facts by this.
    ageing: { by: 'touchDetail', columns: ['detail'] },
  },
  metric_facts: {
    what: "the metrics' counts and durations",
    personal: ['ae_user_id', 'author_user_id'],
    keeping: 'kept',
  },
  first_accepts: {
    what: "each AE's first accepts, for a metric",
    // The author scope's key is the author's Slack id.
    personal: ['ae_user_id', 'scope_key'],
    keeping: 'kept',
  },
  export_files: {
    what: 'CSV exports shared into a person’s DM',
    personal: ['user_id'],
    keeping: 'exports',
  },
  outbox: {
    what: 'messages to Slack, as rendered, queued and delivered',
    personal: ['payload', 'channel_key', 'last_error'],
    keeping: 'outbox',
  },
  surfaces: {
    what: 'the messages and App Homes the app keeps up to date',
    // A DM's channel key is the person's Slack id.
    personal: ['viewer_user_id', 'channel_key', 'params'],
    keeping: 'kept',
  },
  posted_messages: {
    what: "where the app's messages were posted (channel and timestamp)",
    personal: [],
    keeping: 'kept',
  },
  channel_access_notices: {
    what: 'notices that a channel cannot be read',
    personal: ['reader_user_id'],
    keeping: 'current',
    erase: 'delete',
  },
  home_views: {
    what: "each person's App Home, as last shown",
    personal: ['user_id'],
    keeping: 'current',
    erase: 'delete',
  },
  covers: {
    what: "AEs' days away and who covers them",
    personal: ['ae_user_id', 'cover_user_id', 'until', 'away_from'],
    keeping: 'current',
    erase: 'delete',
  },
  program_log: {
    what: "the program's history: pools, policies, people's days, partner managers",
    personal: ['actor', 'body', 'note'],
    keeping: 'kept',
  },
  partners: { what: 'partner organisations', personal: [], keeping: 'none' },
  partner_aliases: { what: "partners' other names", personal: [], keeping: 'none' },
  partner_channels: {
    what: "partners' Slack Connect channels",
    personal: ['bound_by_user_id'],
    keeping: 'kept',
  },
  partner_workspaces: { what: "partners' Slack workspaces", personal: ['bound_by_user_id'], keeping: 'kept' },
  registered_resellers: {
    what: 'registered resellers of accounts',
    personal: ['added_by_user_id'],
    keeping: 'kept',
  },
  crm_connections: {
    what: "a workspace's own CRM connection",
    personal: ['connected_by'],
    keeping: 'current',
  },
  crm_money: {
    what: "a linked deal's amount and stage, as the CRM said",
    personal: ['owner'],
    keeping: 'current',
  },
  crm_money_history: {
    what: "a linked deal's earlier amounts and stages",
    personal: ['owner'],
    keeping: 'kept',
  },
  crm_currencies: { what: "the CRM's currency rates", personal: [], keeping: 'none' },
  installations: {
    what: 'the workspaces the app is installed in',
    personal: ['installer_user_id'],
    keeping: 'kept',
  },
  internal_channel_sharing: { what: 'whether an internal channel is shared', personal: [], keeping: 'none' },
  removed_channels: { what: 'channels the app was removed from', personal: [], keeping: 'none' },
  slack_revocations: { what: 'tokens Slack revoked (their hashes)', personal: [], keeping: 'none' },
  chart_files: { what: 'chart images uploaded to Slack', personal: [], keeping: 'none' },
  job_claims: { what: 'scheduled jobs claimed by a process', personal: [], keeping: 'none' },
  outbox_leases: {
    what: 'conversations a process delivers in',
    // A DM's conversation key is the person's Slack id; a lease lasts a minute unless renewed.
    personal: ['channel_key'],
    keeping: 'current',
    erase: 'delete',
  },
  erasures: {
    what: 'erasures of a person on request, without the erased data',
    personal: ['requested_by'],
    keeping: 'kept',
  },
  health_probe: { what: "the health check's write", personal: [], keeping: 'none' },
};
