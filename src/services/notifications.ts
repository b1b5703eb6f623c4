import { partnerUpdate } from '../blocks/partnerUpdate.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { SurfaceSpec } from '../db/repositories/surfaces.js';
import type { DecisionRow, HandoffRow, OutcomeRow, SurfaceKind } from '../db/schema.js';
import type { DeclineReason } from '../domain/decline.js';
import type { Target } from '../domain/escalation.js';
import type { LostReason, Outcome } from '../domain/outcomes.js';
import { partnerSafeUpdate } from '../domain/partnerSafe.js';

/**
 * What each change owes, as outbox rows: surfaces (messages that show the handoff, rendered from its state when they
 * are delivered and brought up to date after every later change; see services/surfaces.ts) and history (a partner
 * thread reply, sent as written). Nothing is rendered here but the short partner reply: the request path stays
 * short. Dedupe keys name the handoff, its assignment (which AE) and, for window events, its cycle (which window), so
 * each event is queued once whatever retries or races occur.
 */
const scope = (h: HandoffRow) =>
  h.assignment === 1 ? `handoff:${h.id}` : `handoff:${h.id}:a${h.assignment}`;

/** Keys under which the app's own messages are remembered, to update them in place later. */
export const messageKey = {
  aeDm: (h: Pick<HandoffRow, 'id' | 'assignment'>) =>
    h.assignment === 1 ? `handoff:${h.id}:ae_dm` : `handoff:${h.id}:a${h.assignment}:ae_dm`,
  /** One thread per handoff in the partner channel, whoever the AE is. */
  partnerParent: (h: Pick<HandoffRow, 'id'>) => `handoff:${h.id}:partner_parent`,
};

/** Whether the handoff's partner thread was already started (its parent message queued). */
export interface PartnerThread {
  started: boolean;
}

/** Where the handoff stood when a surface was queued: a surface whose stamp differs says what is true now. */
export const stampOf = (h: Pick<HandoffRow, 'status' | 'cycle' | 'outcome' | 'assignment'>) =>
  `${h.status}:${h.assignment}:${h.cycle}:${h.outcome ?? ''}`;

/**
 * A surface of `h`, about the state `h` is in now (its AE, due time and window are kept with it). A DM records whom
 * it is written to (`to`), so it can say "you" to its reader and name everyone else.
 */
function surface(
  h: HandoffRow,
  kind: SurfaceKind,
  viewer: string | null,
  extra: Record<string, unknown> = {},
): SurfaceSpec {
  return { kind, viewer, params: surfaceParams(h, viewer ? { to: viewer, ...extra } : extra) };
}

/** What a surface of `h` queued now records: where the handoff stood (stamp), its AE, due time and window. */
export function surfaceParams(h: HandoffRow, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    stamp: stampOf(h),
    ae: h.aeUserId,
    due: h.dueAt.getTime(),
    assignment: h.assignment,
    cycle: h.cycle,
    ...extra,
  };
}

function post(
  h: HandoffRow,
  event: string,
  channel: string,
  spec: SurfaceSpec,
  opts: { recordAs?: string; permalinkOf?: string } = {},
): OutboxMessage {
  return {
    method: 'chat.postMessage',
    dedupeKey: `${scope(h)}:${event}`,
    channel,
    handoffId: h.id,
    payload: {},
    surface: spec,
    ...(opts.recordAs ? { recordAs: opts.recordAs } : {}),
    ...(opts.permalinkOf ? { permalinkOf: opts.permalinkOf } : {}),
  };
}

/** A DM surface for `user`. */
const dm = (h: HandoffRow, event: string, user: string, kind: SurfaceKind, extra?: Record<string, unknown>) =>
  post(h, event, user, surface(h, kind, user, extra));

/**
 * A partner-facing event: the first one starts the handoff's thread (its parent, a surface showing the deal's
 * partner-safe status); later ones reply in that thread (history: sent as written). The parent follows the handoff
 * like every surface.
 */
function toPartner(
  h: HandoffRow,
  event: string,
  reply: () => ReturnType<typeof partnerUpdate>,
  thread: PartnerThread,
): OutboxMessage[] {
  // No partner channel (a partner not on Slack Connect): the partner hears nothing in Slack.
  const channel = h.partnerChannelId;
  if (!channel) return [];
  if (!thread.started) {
    return [
      {
        method: 'chat.postMessage',
        dedupeKey: `${scope(h)}:${event}:partner`,
        channel,
        handoffId: h.id,
        audience: 'partner',
        payload: {},
        surface: { kind: 'partner_parent', viewer: null, params: {} },
        recordAs: messageKey.partnerParent(h),
      },
    ];
  }
  const message = reply();
  return [
    {
      method: 'chat.postMessage',
      dedupeKey: `${scope(h)}:${event}:partner`,
      channel,
      handoffId: h.id,
      audience: 'partner',
      payload: { text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false },
      threadOf: messageKey.partnerParent(h),
    },
  ];
}

/** The owner, and the author too when someone else owns it. */
function ownerAndAuthor(
  h: HandoffRow,
  event: string,
  kind: SurfaceKind,
  extra?: Record<string, unknown>,
): OutboxMessage[] {
  const messages = [dm(h, `${event}:owner`, h.ownerUserId, kind, extra)];
  if (h.authorUserId !== h.ownerUserId) messages.push(dm(h, `${event}:author`, h.authorUserId, kind, extra));
  return messages;
}

/** A newly sent (or newly reassigned) handoff's packet for its AE. */
const aePacket = (h: HandoffRow) =>
  post(h, 'sent:ae_dm', h.aeUserId, surface(h, 'ae_packet', h.aeUserId), { recordAs: messageKey.aeDm(h) });

/** A newly sent handoff: the AE's DM, the author's confirmation, the owner's notice. */
export function sentMessages(h: HandoffRow): OutboxMessage[] {
  const messages = [aePacket(h), dm(h, 'sent:author', h.authorUserId, 'sent_confirmation')];
  if (h.ownerUserId !== h.authorUserId) messages.push(dm(h, 'sent:owner', h.ownerUserId, 'owner_assigned'));
  return messages;
}

/** A decision: owner and author told, the partner channel posted (the AE's packet follows as a surface). */
export function decisionMessages(
  h: HandoffRow,
  decision: DecisionRow,
  thread: PartnerThread,
): OutboxMessage[] {
  return [
    dm(h, 'decided:owner', h.ownerUserId, 'decision_notice'),
    ...(h.authorUserId === h.ownerUserId ? [] : [dm(h, 'decided:author', h.authorUserId, 'decision_notice')]),
    ...toPartner(
      h,
      'decided',
      () =>
        partnerUpdate(partnerSafeUpdate(h, decision.decision, decision.reasonCode as DeclineReason | null)),
      thread,
    ),
  ];
}

/** One reminder (the `index`-th point of the current window), linking to the AE's packet message. */
export function reminderMessages(h: HandoffRow, index: number, now: Date): OutboxMessage[] {
  return [
    post(
      h,
      `c${h.cycle}:reminder:${index}`,
      h.aeUserId,
      surface(h, 'reminder', h.aeUserId, { at: now.getTime() }),
      {
        permalinkOf: messageKey.aeDm(h),
      },
    ),
  ];
}

export interface EscalationTargets {
  channelId: string | undefined;
  managers: Record<string, string>;
}

/** What showed, at an expiry, that the AE was away in the window: the Slack status seen, or the cover they named. */
export interface AwayAtExpiry {
  status?: string;
  cover?: string;
}

/** The expiry surfaces' params for an absence (none when the AE was not known to be away). */
const awayParams = (away: AwayAtExpiry | undefined): Record<string, unknown> => ({
  ...(away?.status ? { expiredAway: away.status } : {}),
  ...(away?.cover ? { expiredCover: away.cover } : {}),
});

/** Expiry: the owner gets the recovery buttons, escalation goes where configured. */
export function expiryMessages(
  h: HandoffRow,
  escalation: EscalationTargets,
  /** What showed the AE was away in this window (their status, a cover), if anything did. */
  away?: AwayAtExpiry,
): OutboxMessage[] {
  const event = `c${h.cycle}:expired`;
  const extra = awayParams(away);
  const messages = [dm(h, `${event}:owner`, h.ownerUserId, 'expired_owner', extra)];
  // Never into the handoff's own partner channel, even if misconfigured that way: escalations are internal.
  if (escalation.channelId && escalation.channelId !== h.partnerChannelId) {
    messages.push(
      post(h, `${event}:escalation`, escalation.channelId, surface(h, 'escalation', null, extra)),
    );
  }
  const manager = escalation.managers[h.aeUserId];
  if (manager) messages.push(dm(h, `${event}:manager`, manager, 'escalation', extra));
  return messages;
}

/** Who a policy level's targets are, for one handoff (pools resolved to their members by the caller). */
export interface ResolvedTargets {
  channels: string[];
  /** People told by DM: the AE, the owner, the AE's manager, members of a pool, as the level names them. */
  people: string[];
}

/** Resolves a level's targets for this handoff: the manager from ESCALATION_MANAGERS, pools from `poolMembers`. */
export function resolveTargets(
  h: HandoffRow,
  targets: readonly Target[],
  managers: Record<string, string>,
  poolMembers: Record<string, string[]>,
  /** The AE's cover now, if they named one. */
  cover?: string,
): ResolvedTargets {
  const channels: string[] = [];
  const people: string[] = [];
  for (const t of targets) {
    if (t.kind === 'channel') channels.push(t.id);
    else if (t.kind === 'ae') people.push(h.aeUserId);
    else if (t.kind === 'owner') people.push(h.ownerUserId);
    else if (t.kind === 'cover') {
      if (cover) people.push(cover);
    } else if (t.kind === 'manager') {
      const manager = managers[h.aeUserId];
      if (manager) people.push(manager);
    } else people.push(...(poolMembers[t.name] ?? []));
  }
  return { channels: [...new Set(channels)], people: [...new Set(people)] };
}

/**
 * A policy level's notification (`escalation` surfaces: in a channel, or a DM to each person), keyed by window,
 * level and repeat so it is queued once. Never into the handoff's own partner channel: escalations are internal.
 */
export function policyNoticeMessages(
  h: HandoffRow,
  step: { level: number; repeat: number },
  targets: ResolvedTargets,
): OutboxMessage[] {
  const event = `c${h.cycle}:level${step.level}:${step.repeat}`;
  const extra = { level: step.level + 1, waiting: h.status === 'sent' };
  return [
    ...targets.channels
      .filter((channel) => channel !== h.partnerChannelId)
      .map((channel) => post(h, `${event}:${channel}`, channel, surface(h, 'escalation', null, extra))),
    ...targets.people.map((user) => dm(h, `${event}:${user}`, user, 'escalation', extra)),
  ];
}

/**
 * The AE went away during the window: the owner is told once per window (an `escalation` surface with the owner's
 * buttons while it is current), with the cover the AE named, if any.
 */
export function awayNoticeMessages(
  h: HandoffRow,
  away: { status: string; until: number | null; cover: string | undefined },
): OutboxMessage[] {
  const extra = {
    waiting: true,
    away: away.status,
    ...(away.until !== null ? { back: away.until } : {}),
    ...(away.cover ? { cover: away.cover } : {}),
  };
  return [dm(h, `c${h.cycle}:away:owner`, h.ownerUserId, 'escalation', extra)];
}

/** Expiry under a policy of the file: the owner's notice, and the expiry levels' targets (as the default does). */
export function policyExpiryMessages(
  h: HandoffRow,
  targets: ResolvedTargets,
  away?: AwayAtExpiry,
): OutboxMessage[] {
  const event = `c${h.cycle}:expired`;
  const extra = awayParams(away);
  return [
    dm(h, `${event}:owner`, h.ownerUserId, 'expired_owner', extra),
    ...targets.channels
      .filter((channel) => channel !== h.partnerChannelId)
      .map((channel) =>
        post(h, `${event}:escalation:${channel}`, channel, surface(h, 'escalation', null, extra)),
      ),
    ...targets.people
      .filter((user) => user !== h.ownerUserId)
      .map((user) => dm(h, `${event}:to:${user}`, user, 'escalation', extra)),
  ];
}

/** Reassignment: the new AE gets the packet, the owner and the partner hear (the old AE's packet follows). */
export function reassignMessages(
  before: HandoffRow,
  after: HandoffRow,
  thread: PartnerThread,
): OutboxMessage[] {
  return [
    aePacket(after),
    ...ownerAndAuthor(after, 'reassigned', 'reassigned_notice', { previousAe: before.aeUserId }),
    ...toPartner(after, 'reassigned', () => partnerUpdate(partnerSafeUpdate(after, 'reassigned')), thread),
  ];
}

/**
 * Extension: AE and owner told (the AE's packet shows the new deadline, and its buttons again after an expiry).
 * `by`: who extended it (the owner or an admin), named to the AE.
 */
export function extendMessages(after: HandoffRow, by?: string): OutboxMessage[] {
  const event = `c${after.cycle}:extended`;
  const extra = by ? { by } : {};
  return [
    dm(after, `${event}:ae`, after.aeUserId, 'extended_ae', extra),
    ...ownerAndAuthor(after, event, 'extended_owner', extra),
  ];
}

/** What the partner channel hears of a withdrawal (recorded with the owner's notice, which says so). */
export type WithdrawalForPartner = 'told' | 'unheard' | 'no_channel';

/**
 * The partner channel is told of a withdrawal only when it has heard of the handoff, that is when the handoff's
 * partner thread was started: its parent posted, or queued to be (a decision or a reassignment starts it). A handoff
 * withdrawn before anything about it was posted there was never news to the partner, and neither is its end. A parent
 * Slack refused for good does not count (`partnerThread`): the partner never read it.
 */
export function partnerHearsOfWithdrawal(h: HandoffRow, thread: PartnerThread): WithdrawalForPartner {
  if (!h.partnerChannelId) return 'no_channel';
  return thread.started ? 'told' : 'unheard';
}

/**
 * Withdrawal: the owner (and author) told, the partner thread too if the partner heard of the handoff (the AE's
 * buttons go with the refresh). `by`: who withdrew it (the owner or an admin).
 */
export function withdrawMessages(h: HandoffRow, thread: PartnerThread, by?: string): OutboxMessage[] {
  const partner = partnerHearsOfWithdrawal(h, thread);
  return [
    ...ownerAndAuthor(h, 'withdrawn', 'withdrawn_notice', { partner, ...(by ? { by } : {}) }),
    ...(partner === 'told'
      ? toPartner(h, 'withdrawn', () => partnerUpdate(partnerSafeUpdate(h, 'withdrawn')), thread)
      : []),
  ];
}

/** An outcome step: owner and author told (internal), the partner thread hears of it. */
export function outcomeMessages(h: HandoffRow, step: OutcomeRow, thread: PartnerThread): OutboxMessage[] {
  const event = `outcome:${step.outcome}`;
  const lost = step.outcome === 'lost' ? (step.reasonCode as LostReason | null) : null;
  return [
    ...ownerAndAuthor(h, event, 'outcome_notice', { outcome: step.outcome }),
    ...toPartner(
      h,
      event,
      () => partnerUpdate(partnerSafeUpdate(h, step.outcome as Outcome, null, lost)),
      thread,
    ),
  ];
}

/**
 * An outcome the CRM reported (the read-back): as any outcome, and the AE is told too, since nobody clicked in
 * Slack and the AE may not know the app saw it.
 */
export function crmOutcomeMessages(h: HandoffRow, step: OutcomeRow, thread: PartnerThread): OutboxMessage[] {
  const messages = outcomeMessages(h, step, thread);
  if (h.aeUserId !== h.ownerUserId && h.aeUserId !== h.authorUserId)
    messages.push(
      dm(h, `outcome:${step.outcome}:ae`, h.aeUserId, 'outcome_notice', { outcome: step.outcome }),
    );
  return messages;
}

/** A stalled deal's nudge to its AE, once per period (the period's time is in the key). */
export function stallMessages(h: HandoffRow, dueAt: Date): OutboxMessage[] {
  const since = h.lastActivityAt ?? h.decidedAt ?? h.sentAt;
  return [dm(h, `stall:${dueAt.getTime()}`, h.aeUserId, 'stall_nudge', { since: since.getTime() })];
}
