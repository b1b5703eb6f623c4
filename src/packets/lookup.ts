import type { SlackMessage } from '../blocks/message.js';
import type { Clock } from '../clock.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { eventsOf } from '../db/repositories/events.js';
import { findDecision, findHandoff } from '../db/repositories/handoffs.js';
import { listHandoffsOf, wasAeOf } from '../db/repositories/lookup.js';
import type { DecisionRow, HandoffEventRow, HandoffRow } from '../db/schema.js';
import { isInternalActor } from '../domain/actor.js';
import { may } from '../domain/permissions.js';

/** How many handoffs `/handoff list` shows (newest first). */
export const LIST_LIMIT = 20;

export interface LookupDeps {
  db: Db;
  clock: Clock;
  adminUserIds: readonly string[];
  revopsUserIds: readonly string[];
  /** The packet as the AE sees it now, without buttons. */
  packetPreview: (h: HandoffRow, reader: string) => Promise<SlackMessage>;
}

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
 * had it as AE, had it go to their cover while away, or are admins or RevOps; anyone else is told it was not found
 * (no hint that it exists).
 */
export function createLookup(deps: LookupDeps) {
  const { db } = deps;

  async function list(ctx: RequestContext, opts: { all: boolean }): Promise<ListResult> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
    // What they wrote, own, or have to answer (or took on) as its AE.
    const { rows, total } = await listHandoffsOf(
      db,
      { userId: ctx.actor.userId, teamId: ctx.actor.teamId ?? '' },
      { all: opts.all, limit: LIST_LIMIT },
    );
    return { kind: 'list', rows, total, all: opts.all, asOf: deps.clock.now() };
  }

  async function mayView(ctx: RequestContext, h: HandoffRow): Promise<boolean> {
    if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return false;
    const id = ctx.actor.userId;
    if ([h.authorUserId, h.ownerUserId].includes(id)) return true;
    if (id === h.aeUserId && ctx.actor.teamId === h.aeTeamId) return true;
    if (may(deps, ctx, 'viewAny')) return true;
    // An AE it was reassigned away from still sees what they were asked; an AE whose cover had it sees it too.
    return await wasAeOf(db, h.id, id);
  }

  async function view(ctx: RequestContext, handoffId: number): Promise<ViewResult> {
    const h = Number.isSafeInteger(handoffId) ? await findHandoff(db, handoffId) : undefined;
    if (!h || !(await mayView(ctx, h))) return { kind: 'not_found' };
    const packet = await deps.packetPreview(h, ctx.actor.userId);
    const history = await eventsOf(db, h.id);
    const decision = await findDecision(db, h.id, h.assignment);
    return { kind: 'view', handoff: h, packet, history, decision };
  }

  /** Whether this person may view the handoff (without rendering it): refusals say "not found" otherwise. */
  async function visible(ctx: RequestContext, handoffId: number): Promise<boolean> {
    const h = Number.isSafeInteger(handoffId) ? await findHandoff(db, handoffId) : undefined;
    return h !== undefined && (await mayView(ctx, h));
  }

  return { list, view, visible };
}

export type Lookup = ReturnType<typeof createLookup>;
