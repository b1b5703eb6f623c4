import { and, count, desc, eq, inArray, isNull, notInArray, or } from 'drizzle-orm';
import { OPEN_BEFORE_OUTCOMES } from '../../domain/lifecycle.js';
import type { Executor } from '../client.js';
import { first, jsonField, type Tables, tablesOf } from '../engine.js';
import { own } from '../owned.js';
import type { HandoffRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * A handoff is open while something can still happen to it: waiting, expired, taken back (the owner acts next), or
 * accepted and not yet won or lost.
 */
function openHandoff(handoffs: Tables['handoffs']) {
  return or(
    inArray(handoffs.status, [...OPEN_BEFORE_OUTCOMES]),
    and(
      eq(handoffs.status, 'accepted'),
      or(isNull(handoffs.outcome), notInArray(handoffs.outcome, ['won', 'lost'])),
    ),
  );
}

/**
 * `/handoff list`: what a person wrote, owns, or has to answer (or took on) as its AE, open ones or all, newest
 * first, at most `limit`; `total` counts them all (counted only when the page is full).
 */
export async function listHandoffsOf(
  exec: Executor,
  person: { userId: string; teamId: string },
  opts: { all: boolean; limit: number },
): Promise<{ rows: HandoffRow[]; total: number }> {
  const { handoffs } = tablesOf(exec);
  const mine = or(
    eq(handoffs.authorUserId, person.userId),
    eq(handoffs.ownerUserId, person.userId),
    and(eq(handoffs.aeUserId, person.userId), eq(handoffs.aeTeamId, person.teamId)),
  );
  const where = opts.all ? mine : and(mine, openHandoff(handoffs));
  const rows = await exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), where))
    .orderBy(desc(handoffs.id))
    .limit(opts.limit);
  if (rows.length < opts.limit) return { rows, total: rows.length };
  const all = await first(
    exec
      .select({ n: count() })
      .from(handoffs)
      .where(and(own(exec, handoffs), where)),
  );
  return { rows, total: all?.n ?? rows.length };
}

/**
 * Whether this person was ever the handoff's AE (the touch log names them: one reassigned away still sees it), or the
 * AE a cover had it for (sent to their cover, or moved to it: the touch log's `coverFor`), who may view and follow it.
 */
export async function wasAeOf(exec: Executor, handoffId: number, userId: string): Promise<boolean> {
  const { handoffEvents } = tablesOf(exec);
  const coveredFor = and(
    inArray(handoffEvents.type, ['sent', 'reassigned']),
    eq(jsonField(exec, handoffEvents.detail, 'coverFor'), userId),
  );
  return (
    (await first(
      exec
        .select({ id: handoffEvents.id })
        .from(handoffEvents)
        .where(
          and(
            own(exec, handoffEvents),
            eq(handoffEvents.handoffId, handoffId),
            or(eq(handoffEvents.aeUserId, userId), coveredFor),
          ),
        )
        .limit(1),
    )) !== undefined
  );
}
