import { createHash } from 'node:crypto';
import type { HeldBackRefusal, HeldBackResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import type { Db, Executor } from '../db/client.js';
import { logEvent } from '../db/repositories/events.js';
import { findHandoff } from '../db/repositories/handoffs.js';
import { enqueue, type OutboxMessage } from '../db/repositories/outbox.js';
import {
  heldBackAnsweredAt,
  heldBackAnsweredBy,
  savePartnerNextMove,
} from '../db/repositories/partnerThreads.js';
import { requestRefresh, surfacesOf } from '../db/repositories/surfaces.js';
import type { HandoffRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import type { HeldBackAsk, HeldBackState } from '../domain/heldBack.js';
import { dealLive, rolesOf } from '../domain/lifecycle.js';
import { dayIn, type HeldBackWhy, heldBackWhy, nextMoveAhead, outcomeCheck } from '../domain/partnerView.js';
import { heldBackEvent, heldBackMessages } from './notifications.js';
import { formerAeNames, partnerHistory } from './partnerThread.js';
import type { RequestContext } from './requestContext.js';
import { viewerOf } from './requestContext.js';

/**
 * Partner text that stopped being true is held back from the partner (domain/partnerView.ts), and its author is asked
 * about it: one DM per hold reason and text version (a surface, `held_back_notice`), with "Still true" (the text is
 * confirmed, a passed date dropped: the partner sees it again) and "Edit" (a small modal for the next move and its
 * date). Whoever may edit the packet (its author, its owner, an admin) may answer.
 */

/** The text version of the partner's next move: its words and its date. */
export const nextMoveVersion = (h: Pick<HandoffRow, 'partnerNextMove' | 'partnerNextMoveDate'>) =>
  createHash('sha256')
    .update(`${h.partnerNextMove}\n${h.partnerNextMoveDate ?? ''}`)
    .digest('base64url')
    .slice(0, 12);

/** Today where the partner's next move date is read: the AE's calendar, as the thread's parent reads it. */
const todayFor = (h: HandoffRow, now: Date) => dayIn(now, h.aeTimeZone);

/**
 * Why the partner's next move is held back from the partner now, if it is: only while the thread would show it (an
 * accepted deal not closed, a partner channel, a move written) and it no longer holds: its date passed, it names a
 * former AE, or it was written before the deal's latest step and reaches no further.
 */
export async function heldBackNow(
  exec: Executor,
  h: HandoffRow,
  now: Date,
): Promise<HeldBackWhy | undefined> {
  if (!h.partnerChannelId || !dealLive(h)) return undefined;
  if (h.partnerNextMove.trim() === '') return undefined;
  // Only a passed date, a former AE or a step holds a move back; a deal that never changed AE and has no step has
  // none of the last two (its first assignment), so the common Accept reads nothing more.
  const today = todayFor(h, now);
  const datePassed = Boolean(today && h.partnerNextMoveDate && h.partnerNextMoveDate < today);
  if (!datePassed && h.assignment === 1 && h.outcome === null) return undefined;
  const history = { handoff: h, facts: await partnerHistory(exec, h), threadStarted: true };
  // What the partner would read with nothing held back: a next move only while the deal is taken up.
  if (!nextMoveAhead(history)) return undefined;
  const outcome = outcomeCheck(history);
  const answeredAt = outcome ? (await heldBackAnsweredAt(exec, h.id))?.getTime() : undefined;
  return heldBackWhy(h, {
    today,
    formerAeNames: h.assignment === 1 ? [] : await formerAeNames(exec, h),
    ...(outcome ? { outcome } : {}),
    ...(answeredAt === undefined ? {} : { answeredAt }),
  });
}

/**
 * The one function every trigger calls (an acceptance, the `partner-thread-recheck` job, an edit of the move): the
 * author's notice when the partner's next move is held back now, once per hold reason and text version (a surface
 * already recorded under its key is never queued again, even after the outbox forgot the row).
 */
export async function heldBackNotice(exec: Executor, h: HandoffRow, now: Date): Promise<OutboxMessage[]> {
  const why = await heldBackNow(exec, h, now);
  if (!why) return [];
  const ask: HeldBackAsk = {
    reason: why.reason,
    ...(why.former ? { former: why.former } : {}),
    ...(why.step ? { step: why.step } : {}),
    move: h.partnerNextMove,
    date: h.partnerNextMoveDate,
    version: nextMoveVersion(h),
  };
  // Asked once per hold reason and text version for the handoff, whichever AE had it then: the same passed date is
  // not asked about again after the deal moved on to another AE.
  const event = `:${heldBackEvent(ask)}`;
  if ((await surfacesOf(exec, h.id)).some((s) => s.key.endsWith(event))) return [];
  return heldBackMessages(h, ask);
}

/** What became of a held-back next move, and the notice's model: in domain/heldBack.ts, where renderers read them. */
export type { HeldBackOutcome, HeldBackState } from '../domain/heldBack.js';

/** The surface's model: what the notice asked, and what became of it (core/surfaces.ts calls it). */
export async function heldBackState(
  exec: Executor,
  h: HandoffRow,
  ask: HeldBackAsk | undefined,
  now: Date | undefined,
): Promise<HeldBackState | undefined> {
  if (!ask) return undefined;
  const heldNow = now ? (await heldBackNow(exec, h, now)) !== undefined : false;
  const sameVersion = h.partnerNextMove === ask.move && h.partnerNextMoveDate === ask.date;
  const by = await heldBackAnsweredBy(exec, h.id);
  const base = { ask, heldNow, ...(by ? { by } : {}) };
  // A step that does not close the deal keeps the move ahead (it is checked against the step instead).
  if (!dealLive(h)) return { ...base, outcome: 'moved_on' };
  if (sameVersion) return { ...base, outcome: heldNow ? 'open' : 'confirmed' };
  if (h.partnerNextMove === ask.move && h.partnerNextMoveDate === null)
    return { ...base, outcome: 'date_dropped' };
  return { ...base, outcome: 'changed' };
}

/** What an answer to a held-back next move refuses and answers: in blocks/results.ts, where the replies read it. */
export type { HeldBackRefusal, HeldBackResult } from '../blocks/results.js';

/** A next move to save from the modal: its words and date, checked by the handler. */
export interface NextMoveChange {
  move: string;
  date: string | null;
}

export interface HeldBackDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  onOutboxWrite: () => void;
}

/** The author's answers to a held-back next move: "Still true" or an edit, by whoever may edit the packet. */
export function createHeldBack(deps: HeldBackDeps) {
  return {
    allowed: (ctx: RequestContext, handoffId: number) => allowed(deps, ctx, handoffId),
    confirm: (ctx: RequestContext, handoffId: number, version: string) =>
      confirm(deps, ctx, handoffId, version),
    edit: (ctx: RequestContext, handoffId: number, version: string, next: NextMoveChange) =>
      edit(deps, ctx, handoffId, version, next),
    /** Today in the AE's calendar, where the move's date is read (the modal refuses a date before it). */
    today: (h: HandoffRow) => todayFor(h, deps.clock.now()),
  };
}

/** Whether this person may answer for the held-back move: whoever may edit the packet (author, owner, admin). */
async function allowed(
  deps: HeldBackDeps,
  ctx: RequestContext,
  handoffId: number,
): Promise<HeldBackRefusal | { kind: 'ok'; handoff: HandoffRow }> {
  const h = Number.isSafeInteger(handoffId) ? await findHandoff(deps.db, handoffId) : undefined;
  if (!h || !isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'not_found' };
  const roles = rolesOf(viewerOf(ctx, deps.adminUserIds), h);
  if (!(roles.has('author') || roles.has('owner') || roles.has('admin')))
    return { kind: 'not_allowed', handoff: h };
  return { kind: 'ok', handoff: h };
}

/**
 * Applies an answer to the notice of text version `version`, in one transaction that re-reads the handoff: the
 * move must still be that version and the deal still taken up, or nothing changes.
 */
async function answer(
  deps: HeldBackDeps,
  ctx: RequestContext,
  handoffId: number,
  version: string,
  what: 'confirmed' | 'edited',
  change: (h: HandoffRow, now: Date) => NextMoveChange,
): Promise<HeldBackResult> {
  const checked = await allowed(deps, ctx, handoffId);
  if (checked.kind !== 'ok') return checked;
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx): Promise<HeldBackResult> => {
    const h = await findHandoff(tx, handoffId);
    if (!h) return { kind: 'not_found' };
    if (!dealLive(h) || nextMoveVersion(h) !== version) return { kind: 'stale', handoff: h };
    const next = change(h, now);
    // Pressed again (a double click, a retry): it is already so.
    if (
      next.move === h.partnerNextMove &&
      next.date === h.partnerNextMoveDate &&
      h.partnerNextMoveConfirmed === next.move
    )
      return { kind: 'done', handoff: h };
    const after = await savePartnerNextMove(tx, h.id, next, now);
    if (!after) return { kind: 'not_found' };
    const fields = [
      ...(next.move !== h.partnerNextMove ? ['Partner next move'] : []),
      ...(next.date !== h.partnerNextMoveDate ? ['Partner next move date'] : []),
    ];
    await logEvent(tx, {
      type: 'edited',
      before: h,
      after,
      actor: ctx.actor,
      at: now,
      detail: { fields, heldBack: what },
    });
    // Every message showing the deal follows: the partner thread's parent, the notice itself (no buttons now).
    await requestRefresh(tx, h.id, now);
    // A new text may itself no longer hold (a date already passed): its author is asked about it in turn.
    await enqueue(tx, await heldBackNotice(tx, after, now), now);
    return { kind: 'done', handoff: after };
  });
  deps.onOutboxWrite();
  return result;
}

/** "Still true": the move is confirmed as it is; a passed date is dropped (the partner reads the move without it). */
function confirm(
  deps: HeldBackDeps,
  ctx: RequestContext,
  handoffId: number,
  version: string,
): Promise<HeldBackResult> {
  return answer(deps, ctx, handoffId, version, 'confirmed', (h, now) => ({
    move: h.partnerNextMove,
    date: h.partnerNextMoveDate && h.partnerNextMoveDate < todayFor(h, now) ? null : h.partnerNextMoveDate,
  }));
}

/** Saves the move as the modal wrote it (checked by the handler: not filler, not internal, no past date). */
function edit(
  deps: HeldBackDeps,
  ctx: RequestContext,
  handoffId: number,
  version: string,
  next: NextMoveChange,
): Promise<HeldBackResult> {
  return answer(deps, ctx, handoffId, version, 'edited', () => next);
}

export type HeldBack = ReturnType<typeof createHeldBack>;
