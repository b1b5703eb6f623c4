import { partnerUpdate } from '../blocks/partnerUpdate.js';
import type { TakenBack } from '../blocks/stepChecks.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import type { SurfaceSpec } from '../db/repositories/surfaces.js';
import type { DecisionRow, HandoffRow, OutcomeRow, SurfaceKind } from '../db/schema.js';
import type { HeldBackAsk } from '../domain/heldBack.js';
import type { MoveFacts } from '../domain/moves.js';
import type { PartnerSafeUpdate } from '../domain/partnerSafe.js';
import { type PartnerFact, partnerNews, partnerView } from '../domain/partnerView.js';

/**
 * What each change owes, as outbox rows: surfaces (messages that show the handoff, rendered from its state when they
 * are delivered and brought up to date after every later change; see core/surfaces.ts) and history (a partner
 * thread reply, sent as written). Nothing is rendered here but the short partner reply: the request path stays
 * short. Dedupe keys name the handoff, its assignment (which AE) and, for window events, its cycle (which window), so
 * each event is queued once whatever retries or races occur.
 */
const scopeOf = (handoffId: number, assignment: number) =>
  assignment === 1 ? `handoff:${handoffId}` : `handoff:${handoffId}:a${assignment}`;
const scope = (h: HandoffRow) => scopeOf(h.id, h.assignment);

/** The key of the partner thread's reply about an event of one assignment (`decided`: its AE's answer). */
export const partnerReplyKey = (handoffId: number, assignment: number, event: string) =>
  `${scopeOf(handoffId, assignment)}:${event}:partner`;

/** Keys under which the app's own messages are remembered, to update them in place later. */
export const messageKey = {
  aeDm: (h: Pick<HandoffRow, 'id' | 'assignment'>) =>
    h.assignment === 1 ? `handoff:${h.id}:ae_dm` : `handoff:${h.id}:a${h.assignment}:ae_dm`,
  /** One thread per handoff in the partner channel, whoever the AE is. */
  partnerParent: (h: Pick<HandoffRow, 'id'>) => `handoff:${h.id}:partner_parent`,
};

/**
 * The handoff's partner thread before the change's message: whether it was started (its parent message queued), and
 * the history the partner's view is derived from (core/partnerThread.ts reads both).
 */
export interface PartnerThread {
  started: boolean;
  facts: readonly PartnerFact[];
}

/** Where the handoff stood when a surface was queued: a surface whose stamp differs says what is true now. */
export const stampOf = (h: Pick<HandoffRow, 'status' | 'cycle' | 'outcome' | 'assignment'>) =>
  `${h.status}:${h.assignment}:${h.cycle}:${h.outcome ?? ''}`;

/**
 * A surface of `h`, about the state `h` is in now (its AE, due time and window are kept with it). A DM records whom
 * it is written to (`to`), so it can say "you" to its reader and name everyone else.
 */
export function surface(
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

export function post(
  h: HandoffRow,
  event: string,
  channel: string,
  spec: SurfaceSpec,
  opts: { recordAs?: string; permalinkOf?: string; threadOf?: string } = {},
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
    ...(opts.threadOf ? { threadOf: opts.threadOf } : {}),
  };
}

/** A DM surface for `user`. */
export const dm = (
  h: HandoffRow,
  event: string,
  user: string,
  kind: SurfaceKind,
  extra?: Record<string, unknown>,
) => post(h, event, user, surface(h, kind, user, extra));

/** Whether two facts are the same one (a decision or an outcome step by its id). */
const sameFact = (a: PartnerFact, b: PartnerFact) =>
  a.kind === b.kind && (a.kind === 'withdrawn' || ('id' in b && a.id === b.id));

/**
 * What the partner hears of `fact`, just recorded: the partner's view after it, when its stage differs from the view
 * before it (domain/partnerView.ts); null when it is nothing they may know of, or nothing new to them.
 */
export function partnerNewsOf(
  h: HandoffRow,
  thread: PartnerThread,
  fact: PartnerFact,
): PartnerSafeUpdate | null {
  const without = thread.facts.filter((f) => !sameFact(f, fact));
  const history = { handoff: h, threadStarted: thread.started };
  return partnerNews(
    partnerView({ ...history, facts: without }),
    partnerView({ ...history, facts: [...without, fact] }),
  );
}

/**
 * What the partner channel is owed for an event the partner may know of (`news`, from their view): one reply in the
 * handoff's thread. The first one also starts the thread, its parent (a surface showing the partner's view now), so
 * every thread reads the same way: the parent shows where the deal stands, and each event is one reply under it. A
 * reply about a decision (`decision`) names our AE and their step, which stop being true (a passed date, a take-back):
 * it is a surface too. One about an outcome or a withdrawal reports a closed fact: sent as written.
 */
function toPartner(
  h: HandoffRow,
  event: string,
  news: PartnerSafeUpdate | null,
  thread: PartnerThread,
  decision?: number,
): OutboxMessage[] {
  // No partner channel (a partner not on Slack Connect): the partner hears nothing in Slack.
  const channel = h.partnerChannelId;
  if (!channel || !news) return [];
  const message = partnerUpdate(news);
  const reply: OutboxMessage = {
    method: 'chat.postMessage',
    dedupeKey: partnerReplyKey(h.id, h.assignment, event),
    channel,
    handoffId: h.id,
    audience: 'partner',
    ...(decision === undefined
      ? { payload: { text: message.text, blocks: message.blocks, unfurl_links: false, unfurl_media: false } }
      : { payload: {}, surface: { kind: 'partner_reply', viewer: null, params: { decision } } }),
    threadOf: messageKey.partnerParent(h),
  };
  if (thread.started) return [reply];
  const parent: OutboxMessage = {
    method: 'chat.postMessage',
    dedupeKey: `${scope(h)}:${event}:partner_parent`,
    channel,
    handoffId: h.id,
    audience: 'partner',
    payload: {},
    surface: { kind: 'partner_parent', viewer: null, params: {} },
    recordAs: messageKey.partnerParent(h),
  };
  // The parent first: the reply waits for it in the channel's queue, and threads under it.
  return [parent, reply];
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
const aePacket = (h: HandoffRow, extra?: Record<string, unknown>) =>
  post(h, 'sent:ae_dm', h.aeUserId, surface(h, 'ae_packet', h.aeUserId, extra), {
    recordAs: messageKey.aeDm(h),
  });

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
  const news = partnerNewsOf(h, thread, {
    kind: 'decision',
    id: decision.id,
    assignment: decision.assignment,
    decision: decision.decision,
    reasonCode: decision.reasonCode,
  });
  const toThePartner = toPartner(h, 'decided', news, thread, decision.id);
  // The notices say whether the partner reads of this answer: fixed now, so they say it the same way whenever rendered.
  const partner = !h.partnerChannelId ? 'no_channel' : toThePartner.length > 0 ? 'told' : 'unheard';
  return [
    dm(h, 'decided:owner', h.ownerUserId, 'decision_notice', { partner }),
    ...(h.authorUserId === h.ownerUserId
      ? []
      : [dm(h, 'decided:author', h.authorUserId, 'decision_notice', { partner })]),
    ...toThePartner,
  ];
}

/**
 * Reassignment: the new AE gets the packet, the owner hears (the old AE's packet follows). The partner hears nothing:
 * a reassignment is routing, and the new AE is named to them only once they accept (domain/partnerView.ts).
 */
export function reassignMessages(
  before: HandoffRow,
  after: HandoffRow,
  _thread: PartnerThread,
  /** Who or what moved it, why, and what the partner had been told (escalation/moves.ts): told to the new AE and the owner. */
  move?: MoveFacts,
): OutboxMessage[] {
  const why = move ? { move } : {};
  return [
    aePacket(after, why),
    ...ownerAndAuthor(after, 'reassigned', 'reassigned_notice', { previousAe: before.aeUserId, ...why }),
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
 * partner thread was started: its parent posted, or queued to be (a decision starts it: a withdrawable handoff was
 * heard of only if an earlier AE declined it). A handoff withdrawn before anything about it was posted there was never
 * news to the partner, and neither is its end. A parent Slack refused for good does not count (`partnerThread`): the
 * partner never read it.
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
      ? toPartner(h, 'withdrawn', partnerNewsOf(h, thread, { kind: 'withdrawn' }), thread)
      : []),
  ];
}

/** Who recorded an outcome step, and until when it can be undone (its partner and CRM messages wait till then). */
export interface OutcomeRecording {
  /** The AE, an admin, or the CRM's read-back (`crm:<system>`). */
  recorder: string;
  /** Epoch ms: the end of the undo window; absent: no window (the CRM's word, or OUTCOME_UNDO_SECONDS=0). */
  holdUntil?: number;
  /**
   * The owner or author whose report the AE confirmed: their report's message, updated in place, says it was
   * confirmed, so they get no second DM of the one confirmation.
   */
  reportedBy?: string;
}

/** Held for the undo window: not sent before it ends (repositories/outcomeHolds.ts). */
const held = (messages: OutboxMessage[], holdUntil: number | undefined): OutboxMessage[] =>
  holdUntil === undefined
    ? messages
    : messages.map((m) =>
        m.method === 'chat.postMessage' || m.method === 'crm.activity' ? { ...m, holdUntil } : m,
      );

/** The key of the partner thread's reply about an outcome step (cancelled by an undo while it waits). */
export const outcomeReplyKey = (
  h: Pick<HandoffRow, 'id' | 'assignment'>,
  step: Pick<OutcomeRow, 'outcome'>,
) => partnerReplyKey(h.id, h.assignment, `outcome:${step.outcome}`);

/**
 * An outcome step: owner and author told (internal), the partner thread hears of it once the undo window ends. The AE
 * is told whenever someone else recorded it (an admin, the CRM); the recorder reads the Undo on their own notice.
 */
export function outcomeMessages(
  h: HandoffRow,
  step: OutcomeRow,
  thread: PartnerThread,
  recording: OutcomeRecording = { recorder: step.recordedByUserId },
): OutboxMessage[] {
  const event = `outcome:${step.outcome}`;
  const fact: PartnerFact = {
    kind: 'outcome',
    id: step.id,
    outcome: step.outcome,
    reasonCode: step.reasonCode,
    at: step.recordedAt.getTime(),
  };
  const notice = { outcome: step.outcome, step: step.id, by: recording.recorder };
  const told = new Set([h.ownerUserId, h.authorUserId]);
  const messages = ownerAndAuthor(h, event, 'outcome_notice', notice).filter(
    (m) => !('channel' in m) || m.channel !== recording.reportedBy,
  );
  const undoable = recording.holdUntil !== undefined;
  if (!told.has(h.aeUserId) && (recording.recorder !== h.aeUserId || undoable)) {
    messages.push(dm(h, `${event}:ae`, h.aeUserId, 'outcome_notice', notice));
    told.add(h.aeUserId);
  }
  if (undoable && !told.has(recording.recorder))
    messages.push(dm(h, `${event}:recorder`, recording.recorder, 'outcome_notice', notice));
  return [
    ...messages,
    ...held(toPartner(h, event, partnerNewsOf(h, thread, fact), thread), recording.holdUntil),
  ];
}

/**
 * An outcome the CRM reported (the read-back): as any outcome, and the AE is told too, since nobody clicked in
 * Slack and the AE may not know the app saw it. The CRM's word is a fact: no undo window.
 */
export function crmOutcomeMessages(h: HandoffRow, step: OutcomeRow, thread: PartnerThread): OutboxMessage[] {
  return outcomeMessages(h, step, thread, { recorder: step.recordedByUserId });
}

/**
 * An owner's or author's report of an outcome: the AE asked to confirm it (Confirm, Not right), the reporter shown it
 * waiting for the AE. Nothing goes to the partner.
 */
export function reportMessages(h: HandoffRow, reportId: number, reporter: string): OutboxMessage[] {
  const event = `report:${reportId}`;
  const messages = [dm(h, `${event}:ae`, h.aeUserId, 'outcome_report', { report: reportId })];
  if (reporter !== h.aeUserId)
    messages.push(dm(h, `${event}:reporter`, reporter, 'outcome_report', { report: reportId }));
  return messages;
}

/** A stalled deal's nudge to its AE, once per period (the period's time is in the key). */
export function stallMessages(h: HandoffRow, dueAt: Date): OutboxMessage[] {
  const since = h.lastActivityAt ?? h.decidedAt ?? h.sentAt;
  return [dm(h, `stall:${dueAt.getTime()}`, h.aeUserId, 'stall_nudge', { since: since.getTime() })];
}

/** What the author is asked about (domain/heldBack.ts, where the notice's renderer reads it). */
export type { HeldBackAsk } from '../domain/heldBack.js';

/** What a held-back notice is about, whatever the assignment: the hold reason (and step) and the text version. */
export const heldBackEvent = (ask: Pick<HeldBackAsk, 'reason' | 'version' | 'step'>) =>
  `heldback:${ask.reason}${ask.step ? `.${ask.step}` : ''}:${ask.version}:author`;

/** The author is asked to confirm or edit the partner's next move, held back from the partner (core/heldBack.ts). */
export function heldBackMessages(h: HandoffRow, ask: HeldBackAsk): OutboxMessage[] {
  return [
    dm(h, heldBackEvent(ask), h.authorUserId, 'held_back_notice', {
      heldBack: ask,
    }),
  ];
}

/**
 * A deal taken back after the Accept: the owner (and the author) told, with the owner's Reassign and
 * Withdraw; the AE it left too, when the policy took it (an AE who handed it back sees it on their own messages).
 * Nothing to the partner: they hear of the next AE when that AE accepts.
 */
export function takenBackMessages(
  h: HandoffRow,
  takenBack: TakenBack,
  to: { owner: boolean; ae: boolean },
): OutboxMessage[] {
  const event = `c${h.cycle}:taken_back`;
  return [
    ...(to.owner ? ownerAndAuthor(h, event, 'taken_back_notice', { takenBack }) : []),
    ...(to.ae && (h.aeUserId !== h.ownerUserId || !to.owner)
      ? [dm(h, `${event}:ae`, h.aeUserId, 'taken_back_notice', { takenBack })]
      : []),
  ];
}
