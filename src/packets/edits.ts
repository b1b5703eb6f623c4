import { NOTE_MAX } from '../blocks/ids.js';
import { editedReplyText, noteReplyText } from '../blocks/packetReplies.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, isQueued, type OutboxMessage } from '../db/repositories/outbox.js';
import type { HandoffRow, NewHandoffRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import { check, rolesOf, type Verdict } from '../domain/lifecycle.js';
import type { PacketInput } from '../domain/packet.js';
import type { Lifecycle } from '../services/lifecycle.js';
import { messageKey } from '../services/notifications.js';
import type { RequestContext } from '../services/requestContext.js';
import { viewerOf } from '../services/requestContext.js';

/** The packet fields an edit may change, with the words the "edited" mark and the touch log use for them. */
export const EDITABLE_FIELDS = {
  accountName: 'Account',
  crmOpportunity: 'CRM opportunity',
  accountDomain: 'Company domain',
  onPriorityList: 'Seller priority',
  opportunityCreatedOn: 'Opportunity created on',
  partnerTouchOn: "Partner's first action",
  partnerContactName: 'Partner contact',
  partnerContactRole: 'Contact role',
  whyPartner: 'Why this partner',
  customerTrigger: 'Customer trigger',
  jointValue: 'Joint value',
  warmPath: 'Warm path',
  sellerNextMove: 'Seller next move',
  partnerNextMove: 'Partner next move',
  partnerNextMoveDate: 'Partner next move date',
  partnerAgreedInWriting: 'Written agreement',
  riskNote: 'Risk note',
  evidenceUrl: 'Evidence link',
} as const satisfies Partial<Record<keyof PacketInput & keyof HandoffRow, string>>;
export type EditableField = keyof typeof EDITABLE_FIELDS;

/**
 * Fields an edit cannot change, and what to do instead: the AE and the window have their own actions (Reassign,
 * Extend) so the deadline never moves by accident; the partner and its channel decide who hears about the deal.
 */
export const LOCKED_FIELDS = {
  aeUserId: 'To hand it to another AE, use Reassign.',
  responseWindowDays: 'The deadline does not move with an edit. To give the AE more time, use Extend.',
  partnerOrg: 'The partner cannot change after sending: withdraw this handoff and send a new one.',
  partnerChannelId:
    'The partner channel cannot change after sending: withdraw this handoff and send a new one.',
  ownerUserId: 'The owner cannot change in an edit.',
} as const;
export type LockedField = keyof typeof LOCKED_FIELDS;

/** The stored handoff as packet input: what the edit form is prefilled with. */
export function packetOf(h: HandoffRow): PacketInput {
  return {
    accountName: h.accountName,
    crmOpportunity: h.crmOpportunity,
    accountDomain: h.accountDomain,
    onPriorityList: h.onPriorityList,
    opportunityCreatedOn: h.opportunityCreatedOn,
    partnerTouchOn: h.partnerTouchOn,
    partnerOrg: h.partnerOrg,
    partnerContactName: h.partnerContactName,
    partnerContactRole: h.partnerContactRole,
    whyPartner: h.whyPartner,
    customerTrigger: h.customerTrigger,
    jointValue: h.jointValue,
    warmPath: h.warmPath,
    sellerNextMove: h.sellerNextMove,
    partnerNextMove: h.partnerNextMove,
    partnerNextMoveDate: h.partnerNextMoveDate,
    partnerAgreedInWriting: h.partnerAgreedInWriting,
    riskNote: h.riskNote,
    evidenceUrl: h.evidenceUrl,
    aeUserId: h.aeUserId,
    ownerUserId: h.ownerUserId,
    responseWindowDays: String(h.responseWindowDays),
    partnerChannelId: h.partnerChannelId,
  } as PacketInput;
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || String(a ?? '') === String(b ?? '');

/**
 * The edit form does not show the locked fields (they read as fixed facts above it): what it leaves empty is the
 * stored value. A value it does carry (a hand-made payload) is kept, and refused by `lockedChanges` if it differs.
 */
export function withLockedFrom(h: HandoffRow, input: PacketInput): PacketInput {
  const stored = packetOf(h) as Record<string, unknown>;
  const merged = { ...input } as Record<string, unknown>;
  for (const field of Object.keys(LOCKED_FIELDS)) {
    const value = merged[field];
    if (value === undefined || value === null || value === '') merged[field] = stored[field];
  }
  return merged as PacketInput;
}

/** The locked fields a submitted edit changed, with what to do instead (inline errors). */
export function lockedChanges(
  h: HandoffRow,
  packet: Record<string, unknown>,
): Partial<Record<LockedField, string>> {
  const errors: Partial<Record<LockedField, string>> = {};
  const stored = packetOf(h) as Record<string, unknown>;
  for (const field of Object.keys(LOCKED_FIELDS) as LockedField[]) {
    const before = field === 'partnerOrg' ? String(stored[field]).trim().toLowerCase() : stored[field];
    const after =
      field === 'partnerOrg'
        ? String(packet[field] ?? '')
            .trim()
            .toLowerCase()
        : packet[field];
    if (!same(before, after)) errors[field] = LOCKED_FIELDS[field];
  }
  return errors;
}

/** The labels of the fields whose value differs, in the packet's order. */
export function changedFields(h: HandoffRow, change: Partial<NewHandoffRow>): string[] {
  const stored = h as unknown as Record<string, unknown>;
  const next = change as Record<string, unknown>;
  return (Object.keys(EDITABLE_FIELDS) as EditableField[])
    .filter((field) => field in next && !same(stored[field], next[field]))
    .map((field) => EDITABLE_FIELDS[field]);
}

/** The reply in the thread of the AE's packet: who changed what, and that the message above is the new version. */
function editedReply(h: HandoffRow, editorUserId: string, fields: string[]): OutboxMessage {
  return aeThreadReply(h, `edit:${h.editCount}`, editedReplyText(editorUserId, fields));
}

/** A reply under the AE's packet DM (history: kept as sent), keyed once per `what`. */
function aeThreadReply(h: HandoffRow, what: string, text: string): OutboxMessage {
  return {
    method: 'chat.postMessage',
    dedupeKey: `handoff:${h.id}:${what}:ae_reply`,
    channel: h.aeUserId,
    threadOf: messageKey.aeDm(h),
    handoffId: h.id,
    payload: { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', verbatim: true, text } }] },
  };
}

export type EditRefusal =
  | { kind: 'not_found' }
  | { kind: 'refused'; verdict: Exclude<Verdict, 'ok'>; handoff: HandoffRow };

export type EditResult =
  | EditRefusal
  | { kind: 'edited'; handoff: HandoffRow; fields: string[] }
  | { kind: 'unchanged'; handoff: HandoffRow }
  /** Someone else's edit, or the AE's answer, got there first: nothing was changed. */
  | { kind: 'overtaken'; handoff: HandoffRow };

/** What editing needs: the database, the clock, the one place a handoff changes, and who the admins are. */
export interface EditsDeps {
  db: Db;
  clock: Clock;
  lifecycle: Lifecycle;
  adminUserIds: readonly string[];
  onOutboxWrite?: () => void;
}

/** Whether this person may edit the handoff now (the lifecycle's `edit`), and the handoff as it is. */
function editable(
  deps: EditsDeps,
  ctx: RequestContext,
  handoffId: number,
): EditRefusal | { kind: 'ok'; handoff: HandoffRow } {
  const h = Number.isSafeInteger(handoffId) ? findHandoff(deps.db, handoffId) : undefined;
  if (!h) return { kind: 'not_found' };
  const verdict = check(viewerOf(ctx, deps.adminUserIds), 'edit', h, deps.clock.now());
  return verdict === 'ok' ? { kind: 'ok', handoff: h } : { kind: 'refused', verdict, handoff: h };
}

/**
 * Applies an edit made from version `fromEditCount` of the packet. `change` holds the packet's new values (and what
 * follows from them: score, classification, account keys); the fields that differ are recorded and shown.
 */
function apply(
  deps: EditsDeps,
  ctx: RequestContext,
  req: { handoffId: number; fromEditCount: number; change: Partial<NewHandoffRow> },
): EditResult {
  const allowed = editable(deps, ctx, req.handoffId);
  if (allowed.kind !== 'ok') return allowed;
  const before = allowed.handoff;
  const fields = changedFields(before, req.change);
  // Save pressed again (a double submit, a retry): what it would write is what is stored, so it is saved.
  if (fields.length === 0) return { kind: 'unchanged', handoff: before };
  if (before.editCount !== req.fromEditCount) return { kind: 'overtaken', handoff: before };
  const at = deps.clock.now();
  const applied = deps.lifecycle.apply({
    event: 'edit',
    before,
    actor: ctx.actor,
    at,
    change: { ...req.change, editCount: before.editCount + 1, editedAt: at, editedFields: fields },
    expect: { editCount: before.editCount },
    detail: { fields },
    // The DM changes in place, which notifies nobody: a short reply under it tells the AE what changed.
    owes: (_tx, after) => [editedReply(after, ctx.actor.userId, fields)],
  });
  if (!applied) return { kind: 'overtaken', handoff: findHandoff(deps.db, before.id) ?? before };
  return { kind: 'edited', handoff: applied.handoff, fields };
}

/**
 * After the AE's answer (accepted or declined), whoever could have edited it (author, owner, admin) may still
 * tell the AE something: a note, posted as a reply under the AE's packet and kept in the touch log.
 */
function notable(
  deps: EditsDeps,
  ctx: RequestContext,
  handoffId: number,
): EditRefusal | { kind: 'ok'; handoff: HandoffRow } {
  const h = Number.isSafeInteger(handoffId) ? findHandoff(deps.db, handoffId) : undefined;
  if (!h) return { kind: 'not_found' };
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds))
    return { kind: 'refused', verdict: 'external', handoff: h };
  const roles = rolesOf(viewerOf(ctx, deps.adminUserIds), h);
  if (!(roles.has('author') || roles.has('owner') || roles.has('admin')))
    return { kind: 'refused', verdict: 'not_allowed', handoff: h };
  if (h.status !== 'accepted' && h.status !== 'declined')
    return { kind: 'refused', verdict: 'not_now', handoff: h };
  return { kind: 'ok', handoff: h };
}

function addNote(
  deps: EditsDeps,
  ctx: RequestContext,
  req: { handoffId: number; text: string; viewId: string },
): EditRefusal | { kind: 'noted'; handoff: HandoffRow } {
  const allowed = notable(deps, ctx, req.handoffId);
  if (allowed.kind !== 'ok') return allowed;
  const h = allowed.handoff;
  const at = deps.clock.now();
  const note = noteReplyText(ctx.actor.userId, req.text, NOTE_MAX);
  // Keyed by the modal it was written in: a double submit, a Slack retry or a replay of the view posts it once.
  const reply = aeThreadReply(h, `note:view:${req.viewId}`, note);
  deps.db.transaction((tx) => {
    if (isQueued(tx, reply.dedupeKey)) return;
    logEvent(tx, {
      type: 'note_added',
      before: h,
      after: h,
      actor: ctx.actor,
      at,
      detail: { length: req.text.length },
    });
    enqueue(tx, [reply], at);
  });
  deps.onOutboxWrite?.();
  return { kind: 'noted', handoff: h };
}

/**
 * Editing a handoff the AE has not answered yet: who may (the lifecycle's `edit`: its author, its owner, an admin,
 * while the window is open), and the change itself, one guarded transition: it applies only to the version the
 * editor saw and only while undecided, so of an edit and a decision racing exactly one wins. After the answer, a
 * note instead.
 */
export function createEdits(deps: EditsDeps) {
  return {
    editable: (ctx: RequestContext, handoffId: number) => editable(deps, ctx, handoffId),
    apply: (ctx: RequestContext, req: Parameters<typeof apply>[2]) => apply(deps, ctx, req),
    notable: (ctx: RequestContext, handoffId: number) => notable(deps, ctx, handoffId),
    addNote: (ctx: RequestContext, req: Parameters<typeof addNote>[2]) => addNote(deps, ctx, req),
  };
}

export type Edits = ReturnType<typeof createEdits>;
