import { and, desc, eq, inArray, isNull, notInArray, or, sql } from 'drizzle-orm';
import type { SlackMessage } from '../blocks/handoffMessage.js';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { eventsOf } from '../db/repositories/events.js';
import { findDecision, findHandoff } from '../db/repositories/handoffs.js';
import {
  type DecisionRow,
  type HandoffEventRow,
  type HandoffRow,
  handoffEvents,
  handoffs,
} from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import type { RequestContext } from './handoffs.js';

/** How many handoffs `/handoff list` shows (newest first). */
export const LIST_LIMIT = 20;

export interface LookupDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  revopsUserIds: readonly string[];
  /** The packet as the AE sees it now, without buttons. */
  packetPreview: (h: HandoffRow, reader: string) => SlackMessage;
}

/** A handoff is open while something can still happen to it: waiting, expired, or accepted and not yet won or lost. */
const openHandoff = or(
  inArray(handoffs.status, ['sent', 'expired']),
  and(
    eq(handoffs.status, 'accepted'),
    or(isNull(handoffs.outcome), notInArray(handoffs.outcome, ['won', 'lost'])),
  ),
);

export type ListResult =
  | { kind: 'forbidden' }
  | { kind: 'list'; rows: HandoffRow[]; total: number; all: boolean; asOf: Date };

export type ViewResult =
  | { kind: 'not_found' }
  | {
      kind: 'view';
      handoff: HandoffRow;
      packet: SlackMessage;
      history: HandoffEventRow[];
      decision: DecisionRow | undefined;
    };

/**
 * Finding and viewing what was sent: `/handoff list` (the handoffs a person wrote or owns, open ones or all) and
 * View (the packet as the AE sees it, with its touch log). Who may view: internal members who wrote it, own it,
 * had it as AE, or are admins or RevOps; anyone else is told it was not found (no hint that it exists).
 */
export function createLookup(deps: LookupDeps) {
  const { db } = deps;

  function list(ctx: RequestContext, opts: { all: boolean }): ListResult {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
    // What they wrote, own, or have to answer (or took on) as its AE.
    const mine = or(
      eq(handoffs.authorUserId, ctx.actor.userId),
      eq(handoffs.ownerUserId, ctx.actor.userId),
      and(eq(handoffs.aeUserId, ctx.actor.userId), eq(handoffs.aeTeamId, ctx.actor.teamId ?? '')),
    );
    const where = opts.all ? mine : and(mine, openHandoff);
    const rows = db.select().from(handoffs).where(where).orderBy(desc(handoffs.id)).limit(LIST_LIMIT).all();
    const total =
      rows.length < LIST_LIMIT
        ? rows.length
        : (db.select({ n: sql<number>`count(*)` }).from(handoffs).where(where).get()?.n ?? rows.length);
    return { kind: 'list', rows, total, all: opts.all, asOf: deps.clock.now() };
  }

  function mayView(ctx: RequestContext, h: HandoffRow): boolean {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return false;
    const id = ctx.actor.userId;
    if ([h.authorUserId, h.ownerUserId].includes(id)) return true;
    if (id === h.aeUserId && ctx.actor.teamId === h.aeTeamId) return true;
    if (deps.adminUserIds.includes(id) || deps.revopsUserIds.includes(id)) return true;
    // An AE it was reassigned away from still sees what they were asked.
    return (
      db
        .select({ id: handoffEvents.id })
        .from(handoffEvents)
        .where(and(eq(handoffEvents.handoffId, h.id), eq(handoffEvents.aeUserId, id)))
        .get() !== undefined
    );
  }

  function view(ctx: RequestContext, handoffId: number): ViewResult {
    const h = Number.isSafeInteger(handoffId) ? findHandoff(db, handoffId) : undefined;
    if (!h || !mayView(ctx, h)) return { kind: 'not_found' };
    return {
      kind: 'view',
      handoff: h,
      packet: deps.packetPreview(h, ctx.actor.userId),
      history: eventsOf(db, h.id),
      decision: findDecision(db, h.id, h.assignment),
    };
  }

  /** Whether this person may view the handoff (without rendering it): refusals say "not found" otherwise. */
  function visible(ctx: RequestContext, handoffId: number): boolean {
    const h = Number.isSafeInteger(handoffId) ? findHandoff(db, handoffId) : undefined;
    return h !== undefined && mayView(ctx, h);
  }

  return { list, view, visible };
}

export type Lookup = ReturnType<typeof createLookup>;
