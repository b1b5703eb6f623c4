import { NOTE_MAX } from '../blocks/ids.js';
import { editedReplyText, noteReplyText } from '../blocks/packetReplies.js';
import { notifyText } from '../blocks/parts.js';
import type { EditRefusal, NoteResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Lifecycle } from '../core/lifecycle.js';
import { messageKey } from '../core/notifications.js';
import type { RequestContext } from '../core/requestContext.js';
import { viewerOf } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxMessage } from '../db/repositories/outbox.js';
import { saveScorecard } from '../db/repositories/packets.js';
import type { HandoffRow, NewHandoffRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import { check, isDecision, rolesOf } from '../domain/lifecycle.js';
import {
  EDITABLE_FIELDS,
  FIELD_NAMES,
  fieldRecord,
  LOCKED_FIELDS,
  type LockedField,
  PACKET_FIELDS,
  type PacketField,
  type PacketInput,
} from '../domain/packet.js';
import type { ComponentResult } from '../domain/scoring.js';

/** The registry's locked fields, with what to do instead: an edit cannot change them (domain/packetFields.ts). */
export const LOCKED_REASONS = fieldRecord(LOCKED_FIELDS, (field) => PACKET_FIELDS[field].edit.locked);

/** The stored handoff as packet input: what the edit form is prefilled with (a number as the form holds it). */
export function packetOf(h: HandoffRow): Record<PacketField, unknown> {
  return fieldRecord(FIELD_NAMES, (field) =>
    PACKET_FIELDS[field].rule.input === 'number' ? String(h[field]) : h[field],
  );
}

const same = (a: unknown, b: unknown) => (a ?? null) === (b ?? null) || String(a ?? '') === String(b ?? '');

/**
 * The edit form does not show the locked fields (they read as fixed facts above it): what it leaves empty is the
 * stored value. A value it does carry (a hand-made payload) is kept, and refused by `lockedChanges` if it differs.
 */
export function withLockedFrom(h: HandoffRow, input: PacketInput): PacketInput {
  const stored = packetOf(h);
  const merged = { ...input };
  for (const field of LOCKED_FIELDS) {
    const value = merged[field];
    if (value === undefined || value === null || value === '') merged[field] = stored[field];
  }
  return merged;
}

/** A locked value as compared: the partner's name whatever its case and spaces. */
function comparable(field: LockedField, value: unknown): unknown {
  const { edit } = PACKET_FIELDS[field];
  return 'caseless' in edit
    ? String(value ?? '')
        .trim()
        .toLowerCase()
    : value;
}

/** The locked fields a submitted edit changed, with what to do instead (inline errors). */
export function lockedChanges(h: HandoffRow, packet: PacketInput): Partial<Record<LockedField, string>> {
  const errors: Partial<Record<LockedField, string>> = {};
  const stored = packetOf(h);
  for (const field of LOCKED_FIELDS) {
    if (!same(comparable(field, stored[field]), comparable(field, packet[field])))
      errors[field] = LOCKED_REASONS[field];
  }
  return errors;
}

/** The labels of the editable fields whose value differs, in the packet's order. */
export function changedFields(h: HandoffRow, change: Partial<NewHandoffRow>): string[] {
  return EDITABLE_FIELDS.filter((field) => field in change && !same(h[field], change[field])).map(
    (field) => PACKET_FIELDS[field].label,
  );
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
    // The notification names the handoff: on a phone it is read without the packet above it.
    payload: {
      text: notifyText(h, text),
      blocks: [{ type: 'section', text: { type: 'mrkdwn', verbatim: true, text } }],
    },
  };
}

/** What an edit refuses: in blocks/results.ts, where the replies read it. */
export type { EditRefusal } from '../blocks/results.js';

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
async function editable(
  deps: EditsDeps,
  ctx: RequestContext,
  handoffId: number,
): Promise<EditRefusal | { kind: 'ok'; handoff: HandoffRow }> {
  const h = Number.isSafeInteger(handoffId) ? await findHandoff(deps.db, handoffId) : undefined;
  if (!h) return { kind: 'not_found' };
  const verdict = check(viewerOf(ctx, deps.adminUserIds), 'edit', h, deps.clock.now());
  return verdict === 'ok' ? { kind: 'ok', handoff: h } : { kind: 'refused', verdict, handoff: h };
}

/**
 * Applies an edit made from version `fromEditCount` of the packet. `change` holds the packet's new values (and what
 * follows from them: score, classification, account keys); the fields that differ are recorded and shown.
 */
async function apply(
  deps: EditsDeps,
  ctx: RequestContext,
  req: {
    handoffId: number;
    fromEditCount: number;
    change: Partial<NewHandoffRow>;
    /** The edited packet's scorecard, stored in place of the last one with the change. */
    scorecard: ComponentResult[];
  },
): Promise<EditResult> {
  const allowed = await editable(deps, ctx, req.handoffId);
  if (allowed.kind !== 'ok') return allowed;
  const before = allowed.handoff;
  const fields = changedFields(before, req.change);
  // Save pressed again (a double submit, a retry): what it would write is what is stored, so it is saved.
  if (fields.length === 0) return { kind: 'unchanged', handoff: before };
  if (before.editCount !== req.fromEditCount) return { kind: 'overtaken', handoff: before };
  const at = deps.clock.now();
  const applied = await deps.lifecycle.apply({
    event: 'edit',
    before,
    actor: ctx.actor,
    at,
    change: {
      ...req.change,
      // A card a replica of a version before migration 0033 left on the row would be read before the one this edit
      // stores (db/repositories/packets.ts findScorecard): cleared.
      scorecard: null,
      editCount: before.editCount + 1,
      editedAt: at,
      editedFields: fields,
    },
    expect: { editCount: before.editCount },
    detail: { fields },
    record: (tx, after) =>
      saveScorecard(tx, { handoffId: after.id, components: req.scorecard, scoredAt: at }),
    // The DM changes in place, which notifies nobody: a short reply under it tells the AE what changed.
    owes: (_tx, after) => [editedReply(after, ctx.actor.userId, fields)],
  });
  if (!applied) return { kind: 'overtaken', handoff: (await findHandoff(deps.db, before.id)) ?? before };
  return { kind: 'edited', handoff: applied.handoff, fields };
}

/**
 * After the AE's answer (accepted or declined), whoever could have edited it (author, owner, admin) may still
 * tell the AE something: a note, posted as a reply under the AE's packet and kept in the touch log.
 */
async function notable(
  deps: EditsDeps,
  ctx: RequestContext,
  handoffId: number,
): Promise<EditRefusal | { kind: 'ok'; handoff: HandoffRow }> {
  const h = Number.isSafeInteger(handoffId) ? await findHandoff(deps.db, handoffId) : undefined;
  if (!h) return { kind: 'not_found' };
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds))
    return { kind: 'refused', verdict: 'external', handoff: h };
  const roles = rolesOf(viewerOf(ctx, deps.adminUserIds), h);
  if (!(roles.has('author') || roles.has('owner') || roles.has('admin')))
    return { kind: 'refused', verdict: 'not_allowed', handoff: h };
  if (!isDecision(h.status)) return { kind: 'refused', verdict: 'not_now', handoff: h };
  return { kind: 'ok', handoff: h };
}

async function addNote(
  deps: EditsDeps,
  ctx: RequestContext,
  req: { handoffId: number; text: string; viewId: string },
): Promise<NoteResult> {
  const allowed = await notable(deps, ctx, req.handoffId);
  if (allowed.kind !== 'ok') return allowed;
  const h = allowed.handoff;
  const at = deps.clock.now();
  const note = noteReplyText(ctx.actor.userId, req.text, NOTE_MAX);
  // Keyed by the modal it was written in: a double submit, a Slack retry or a replay of the view posts it once.
  const reply = aeThreadReply(h, `note:view:${req.viewId}`, note);
  await deps.db.transaction(async (tx) => {
    // The reply first: of two submits at once, only the one that queued it logs the note. Asking whether it is queued
    // and then queueing it was not enough on Postgres, where both submits ask before either commits.
    if ((await enqueue(tx, [reply], at)) === 0) return;
    await logEvent(tx, {
      type: 'note_added',
      before: h,
      after: h,
      actor: ctx.actor,
      at,
      detail: { length: req.text.length },
    });
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
