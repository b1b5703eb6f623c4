import { asc } from 'drizzle-orm';
import { expect } from 'vitest';
import { ACTION_ID, CALLBACK_ID, HELP_BLOCK_ID } from '../../src/blocks/ids.js';
import { conversationOf as conversationOfKey } from '../../src/db/repositories/outboxRows.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { deliveryId, OUTBOX_EVENT_TYPE } from '../../src/outbox/kinds/earlierPost.js';
import { acceptValues, type StepTyped } from './acceptFlow.js';
import type { FakeSlack, RecordedCall, StoredMessage } from './fakeSlack.js';
import { type Harness, waitFor } from './harness.js';
import type { OpenedModal } from './ownerFlow.js';
import {
  blockAction,
  type PacketValues,
  packetSubmission,
  reviewSubmission,
  viewSubmission,
} from './payloads.js';
import { people, TEAM } from './people.js';

/**
 * Helpers for the outage drill and the race tests: a clock that runs in real time, and audits of what reached the
 * fake Slack against the outbox (exactly once, in order, paced, Retry-After honoured).
 */

export type SlackUser = { id: string; team_id?: string };

/** A third AE, so a batch of handoffs spreads over three DMs. */
export const thirdAe = {
  id: 'U0AE3',
  team_id: TEAM,
  name: 'kim',
  real_name: 'Kim Dealer',
  tz: 'America/New_York',
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes the harness clock follow real time (the worker schedules retries, backoff and Retry-After on it), so an
 * outage plays out as it would in production. `jump` moves it further on at once. Stop it before the harness.
 */
export function realTimeClock(h: Harness) {
  const start = h.clock.now().getTime();
  const t0 = performance.now();
  let jumped = 0;
  const tick = () => h.clock.set(new Date(start + jumped + Math.floor(performance.now() - t0)));
  const timer = setInterval(tick, 5);
  timer.unref();
  return {
    jump(ms: number) {
      jumped += ms;
      tick();
      h.app.outbox.kick();
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Submits a packet as `user` and sends it from the review; expects the modals to close. */
export async function sendAs(h: Harness, user: SlackUser, values: PacketValues, viewId?: string) {
  const submitted = await h.interact(packetSubmission({ user, values, ...(viewId ? { viewId } : {}) }));
  expect(submitted.status).toBe(200);
  const pushed = (await submitted.json()) as {
    response_action?: string;
    view?: { private_metadata: string };
  };
  expect(pushed.response_action).toBe('push');
  const { draftId } = JSON.parse(pushed.view?.private_metadata ?? '{}') as { draftId: number };
  const sent = await h.interact(reviewSubmission({ draftId, user }));
  expect(await sent.json()).toEqual({ response_action: 'clear' });
  return draftId;
}

const input = (value: string | null) => ({ [ACTION_ID.value]: { type: 'plain_text_input', value } });

/** The partner-help request modal submitted as Slack sends it. */
export function helpSubmission(opts: { user: SlackUser; account?: string; ask?: string; viewId?: string }) {
  return viewSubmission({
    callbackId: CALLBACK_ID.helpRequest,
    user: opts.user,
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: {
      [HELP_BLOCK_ID.account]: input(opts.account ?? 'Northwind Logistics'),
      [HELP_BLOCK_ID.ask]: input(opts.ask ?? 'An intro to their CIO, please.'),
      [HELP_BLOCK_ID.partner]: input(null),
    },
  });
}

/** Every outbox row, in id order. */
export async function outboxRows(h: Pick<Harness, 'database' | 'tables'>): Promise<OutboxRow[]> {
  const { outbox } = h.tables;
  return h.database.db.select().from(outbox).orderBy(asc(outbox.id));
}

/** The conversation a channel key lands in: a user id means the DM with the app (`reach:` marks what waits for it). */
export const conversationOf = (h: Harness, channelKey: string) => {
  const conversation = conversationOfKey(channelKey);
  return /^[UW]/.test(conversation) ? h.slack.dmChannelFor(conversation) : conversation;
};

/** The delivery id an outbox post carries in its metadata (undefined for anything else). */
export function deliveryOf(message: StoredMessage): string | undefined {
  const metadata = message.metadata as
    | { event_type?: unknown; event_payload?: { delivery?: unknown } }
    | undefined;
  if (metadata?.event_type !== OUTBOX_EVENT_TYPE) return undefined;
  const id = metadata.event_payload?.delivery;
  return typeof id === 'string' ? id : undefined;
}

/** Every conversation of the cast (DMs with each person, the channels) plus `extra`. */
export function everyConversation(h: Harness, extra: string[] = []): string[] {
  const users = [...Object.values(people).map((p) => p.id), thirdAe.id];
  return [
    ...new Set([
      ...users.map((id) => h.slack.dmChannelFor(id)),
      'C0PARTNER',
      'C0INTERNAL',
      'C0NOTJOINED',
      'C0RIVAL',
      ...extra,
    ]),
  ];
}

/**
 * Asserts that every delivered outbox post is in the fake Slack exactly once (counted by the delivery id in its
 * metadata), that nothing else was posted, that each conversation received its posts in outbox id order, and that
 * every remembered message (posted_messages) points at that single copy. Returns the delivery counts.
 */
export async function auditExactlyOnce(h: Harness, conversations = everyConversation(h)) {
  const rows = await outboxRows(h);
  const posts = rows.filter((r) => r.method === 'chat.postMessage');
  const delivered = posts.filter((r) => r.status === 'delivered');
  const byDelivery = new Map<string, StoredMessage[]>();
  const untagged: StoredMessage[] = [];
  for (const conversation of conversations) {
    for (const message of h.slack.messages(conversation)) {
      const id = deliveryOf(message);
      if (!id) untagged.push(message);
      else byDelivery.set(id, [...(byDelivery.get(id) ?? []), message]);
    }
  }
  expect(untagged, 'messages that did not come from the outbox').toEqual([]);
  const copies = Object.fromEntries([...byDelivery].map(([id, list]) => [id, list.length]));
  const duplicated = Object.entries(copies).filter(([, n]) => n !== 1);
  expect(duplicated, 'delivery ids posted more than once').toEqual([]);
  const expected = new Set(delivered.map((r) => deliveryId(r, h.slack.token)));
  expect(new Set(byDelivery.keys())).toEqual(expected);
  expect(expected.size).toBe(delivered.length);

  // Per conversation, in the order Slack stored them: the outbox id order of that channel key.
  const keys = new Set(delivered.map((r) => r.channelKey));
  for (const key of keys) {
    const want = delivered
      .filter((r) => r.channelKey === key)
      .sort((a, b) => a.id - b.id)
      .map((r) => deliveryId(r, h.slack.token));
    const got = h.slack
      .messages(conversationOf(h, key))
      .map(deliveryOf)
      .filter((id): id is string => id !== undefined);
    expect(got, `post order in ${key}`).toEqual(want);
  }

  // What the app remembers (to edit later) is the one copy in Slack.
  const remembered = new Map(
    (await h.database.db.select().from(h.tables.postedMessages)).map((p) => [p.messageKey, p]),
  );
  for (const row of delivered.filter((r) => r.recordAs)) {
    const [message] = byDelivery.get(deliveryId(row, h.slack.token)) ?? [];
    expect(remembered.get(row.recordAs ?? ''), `posted_messages for ${row.recordAs}`).toMatchObject({
      channelId: message?.channel,
      ts: message?.ts,
    });
  }
  return { delivered, byDelivery };
}

/** The gaps (ms) between successive successful chat.postMessage calls to the same channel, per channel. */
export function postGaps(calls: readonly RecordedCall[]): Map<string, number[]> {
  const byChannel = new Map<string, number[]>();
  for (const call of calls) {
    if (call.method !== 'chat.postMessage' || !call.ok) continue;
    const channel = String(call.args.channel);
    byChannel.set(channel, [...(byChannel.get(channel) ?? []), call.at]);
  }
  const gaps = new Map<string, number[]>();
  for (const [channel, times] of byChannel) {
    const sorted = [...times].sort((a, b) => a - b);
    gaps.set(
      channel,
      sorted.slice(1).map((t, i) => t - (sorted[i] as number)),
    );
  }
  return gaps;
}

/**
 * Calls of a method that reached Slack while that method was rate limited: after a 429 with Retry-After, no call of
 * the method may arrive before the wait is over. Calls already in flight when the 429 was answered (arriving within
 * `inFlightMs` of it, from the same batch) cannot have known and are not counted; `toleranceMs` absorbs timer
 * granularity.
 */
export function retryAfterViolations(
  calls: readonly RecordedCall[],
  method: string,
  retryAfterMs: number,
  opts: { inFlightMs?: number; toleranceMs?: number } = {},
): { limitedAt: number; callAt: number; gap: number }[] {
  const inFlight = opts.inFlightMs ?? 100;
  const tolerance = opts.toleranceMs ?? 30;
  const ofMethod = calls.filter((c) => c.method === method);
  const violations: { limitedAt: number; callAt: number; gap: number }[] = [];
  for (const limited of ofMethod.filter((c) => c.status === 429)) {
    for (const call of ofMethod) {
      const gap = call.at - limited.at;
      if (gap > inFlight && gap < retryAfterMs - tolerance)
        violations.push({ limitedAt: limited.at, callAt: call.at, gap });
    }
  }
  return violations;
}

/** A request to a real app process as Slack sends it (signed HTTP): `postInteraction`, or a balancer over replicas. */
export type PostInteraction = (payload: unknown) => Promise<Response>;

/** How long a trigger id lives (the fake Slack's default, as Slack's). */
const TRIGGER_TTL_MS = 3000;

/** What a click on Accept sent to a real app came to. */
export interface AcceptClicked {
  /** The click's HTTP status, and how long its answer took (ms). */
  status: number;
  ms: number;
  /** The accept modal the app opened with the click's trigger id (issue 51: Accept opens it); undefined: none. */
  modal?: OpenedModal;
  /** The id Slack gave that modal: its submission carries it. */
  viewId?: string;
  /** How long after the click was sent the app opened the modal (ms). */
  openedMs?: number;
}

/**
 * Clicks Accept on a real app (a fresh trigger id) and waits for the accept modal the app opens with it, after its
 * answer, while the trigger is fresh. No modal: the click was not answered 200, the app told the clicker why not (at
 * `responseUrl`), Slack refused the trigger, or nothing came before the trigger expired (the app died meanwhile).
 */
export async function clickAcceptOver(
  slack: FakeSlack,
  post: PostInteraction,
  click: { handoffId: number; user: SlackUser; responseUrl?: string; channelId?: string; messageTs?: string },
): Promise<AcceptClicked> {
  const triggerId = slack.issueTriggerId();
  const started = Date.now();
  const response = await post(
    blockAction({
      actionId: ACTION_ID.accept,
      value: String(click.handoffId),
      user: click.user,
      triggerId,
      ...(click.responseUrl ? { responseUrl: click.responseUrl } : {}),
      ...(click.channelId ? { channelId: click.channelId } : {}),
      ...(click.messageTs ? { messageTs: click.messageTs } : {}),
    }),
  );
  await response.arrayBuffer();
  const answered = { status: response.status, ms: Date.now() - started };
  if (response.status !== 200) return answered;
  const { call } = await waitFor(
    () => {
      const opened = slack
        .callsTo('views.open')
        .find((c) => c.args.trigger_id === triggerId && c.status !== 0);
      if (opened) return { call: opened };
      if (click.responseUrl && slack.responses.some((r) => r.url === click.responseUrl))
        return { call: undefined };
      if (Date.now() - started > TRIGGER_TTL_MS + 1000) return { call: undefined };
      return undefined;
    },
    TRIGGER_TTL_MS + 5000,
    'the accept modal',
  );
  if (!call?.ok) return answered;
  const modal = call.args.view as OpenedModal;
  expect(modal.callback_id).toBe(CALLBACK_ID.accept);
  const viewId = (call.response as { view?: { id?: string } } | undefined)?.view?.id;
  return { ...answered, modal, ...(viewId ? { viewId } : {}), openedMs: call.at - started };
}

/** The accept modal's submission as Slack sends it: its defaults, then what the AE typed (`typed`). */
export function acceptSubmission(
  modal: OpenedModal,
  user: SlackUser,
  opts: { viewId?: string; typed?: StepTyped } = {},
) {
  return viewSubmission({
    user,
    callbackId: CALLBACK_ID.accept,
    privateMetadata: modal.private_metadata,
    values: acceptValues(modal, opts.typed),
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
  });
}
