import type { CrmSystem } from '../../domain/crmFacts.js';
import type { insertSurface, SurfaceSpec } from './surfaces.js';

// How each message becomes its outbox row: types and a pure mapping, no query (the queries are in outbox.ts, which
// re-exports OutboxMessage). Split from outbox.ts to keep each file short.

export type OutboxMessage =
  | {
      method: 'chat.postMessage';
      dedupeKey: string;
      channel: string;
      payload: Record<string, unknown>;
      /** Remember where it landed, to update it later. */
      recordAs?: string;
      /** Link to this earlier message: its permalink replaces PERMALINK_TOKEN in the payload at delivery. */
      permalinkOf?: string;
      /** Reply in the thread of this earlier message. */
      threadOf?: string;
      audience?: 'internal' | 'partner';
      handoffId?: number;
      /**
       * A view of the handoff, rendered from its state when it is delivered (and again after every change) instead of
       * `payload`: recorded as a surface under `recordAs` (or the dedupe key).
       */
      surface?: SurfaceSpec;
      /** Not sent before this time (epoch ms): an outcome's undo window (repositories/outcomeHolds.ts). */
      holdUntil?: number;
      /**
       * Sent by the app on its own (the sweep, a policy) to a person (`channel` is their user id) or an internal
       * channel: it waits until its reader may be reached (escalation/reach.ts), in a conversation of its own
       * (`reachKey`) so that it holds back nothing else.
       */
      reach?: boolean;
    }
  | {
      method: 'chat.update';
      dedupeKey: string;
      /** The channel key of the original post (for a DM, the user id it was posted to). */
      channel: string;
      targetMessageKey: string;
      payload: Record<string, unknown>;
      audience?: 'internal' | 'partner';
      handoffId?: number;
    }
  | {
      method: 'response_url';
      dedupeKey: string;
      responseUrl: string;
      payload: Record<string, unknown>;
      handoffId?: number;
    }
  | {
      /** An activity on the handoff's CRM record for one touch-log event, rendered from it at delivery. */
      method: 'crm.activity';
      dedupeKey: string;
      system: CrmSystem;
      recordId: string;
      handoffId: number;
      eventId: number;
      /** Not sent before this time (epoch ms): an outcome's undo window. */
      holdUntil?: number;
    }
  | {
      /** The opportunity (deal) the AE asked for at the accept, created after the accept (crm/creation.ts). */
      method: 'crm.create';
      dedupeKey: string;
      system: CrmSystem;
      handoffId: number;
      /** The AE who asked: told of the record, or of the refusal. */
      aeUserId: string;
      /** What the record carries, so a create whose answer was lost is found (domain/crmLink.ts `creationMarker`). */
      marker: string;
    };

/** The columns a message sets beyond the common ones; what it leaves out is null ('internal' for the audience). */
interface RowFields {
  channelKey: string;
  payload: Record<string, unknown>;
  recordAs?: string | null;
  targetMessageKey?: string | null;
  threadOf?: string | null;
  audience?: 'internal' | 'partner';
  surfaceKey?: string | null;
  /** A view of the handoff to record beside the row (only when the row is new). */
  surface?: Omit<Parameters<typeof insertSurface>[1], 'now'>;
}

const REACH_PREFIX = 'reach:';

/** The outbox conversation of what the app sends a reader on its own: apart from the conversation's other messages. */
export const reachKey = (conversation: string): string => `${REACH_PREFIX}${conversation}`;

/** The reader (a person's id, or a channel's) a row of `reachKey` waits to reach; undefined for any other row. */
export const reachedReader = (channelKey: string): string | undefined =>
  channelKey.startsWith(REACH_PREFIX) ? channelKey.slice(REACH_PREFIX.length) : undefined;

/** The Slack conversation a row posts in: its reader's for a row of `reachKey`, else its channel key. */
export const conversationOf = (channelKey: string): string => reachedReader(channelKey) ?? channelKey;

type Method = OutboxMessage['method'];
type MessageOf = { [M in Method]: Extract<OutboxMessage, { method: M }> };

/**
 * How each kind of message becomes an outbox row: one entry per `method` of OutboxMessage, so a new kind is one entry
 * here and a missing one does not compile. (The delivery side has its own table, outbox/kinds/table.ts.)
 */
const ROWS: { [M in Method]: (message: MessageOf[M]) => RowFields } = {
  'chat.postMessage': (m) => {
    const audience = m.audience ?? 'internal';
    const shared = {
      // A message that waits for its reader is a conversation of its own; its surface (below) keeps the DM's key, so
      // neither the DM's other messages nor the surface's later updates wait with it.
      channelKey: m.reach ? reachKey(m.channel) : m.channel,
      targetMessageKey: m.permalinkOf ?? null,
      threadOf: m.threadOf ?? null,
      audience,
    };
    if (!m.surface)
      return { ...shared, payload: { ...m.payload, channel: m.channel }, recordAs: m.recordAs ?? null };
    const key = m.recordAs ?? m.dedupeKey;
    if (m.handoffId === undefined) throw new Error(`surface ${key} names no handoff`);
    return {
      ...shared,
      payload: { channel: m.channel },
      recordAs: key,
      surfaceKey: key,
      surface: { key, handoffId: m.handoffId, spec: m.surface, channelKey: m.channel, audience },
    };
  },
  'chat.update': (m) => ({
    channelKey: m.channel,
    payload: m.payload,
    targetMessageKey: m.targetMessageKey,
    audience: m.audience ?? 'internal',
  }),
  response_url: (m) => ({
    channelKey: `response_url:${m.dedupeKey}`,
    payload: { ...m.payload, response_url: m.responseUrl },
  }),
  // One record's activities are written one at a time, in order (its own "conversation").
  'crm.activity': (m) => ({
    channelKey: `crm:${m.system}:${m.recordId}`,
    payload: { system: m.system, recordId: m.recordId, eventId: m.eventId },
  }),
  // Under the CRM's rate limit (`crm:<system>`), in a conversation of its own.
  'crm.create': (m) => ({
    channelKey: `crm:${m.system}:new:${m.handoffId}`,
    payload: { system: m.system, aeUserId: m.aeUserId, marker: m.marker },
  }),
};

export function rowOf<M extends Method>(method: M, message: MessageOf[M]): RowFields {
  return ROWS[method](message);
}
