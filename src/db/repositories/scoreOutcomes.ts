import { and, count, eq, gte, inArray, lt } from 'drizzle-orm';
import type { ScoredHandoff } from '../../domain/scoreOutcomes.js';
import type { Executor } from '../client.js';
import { tablesOf } from '../engine.js';
import { own } from '../owned.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** The touch-log events the score against outcomes counts (metric_facts: an outcome step undone is not in it). */
const COUNTED = ['accepted', 'declined', 'expired', 'meeting_held', 'opportunity_created', 'won'] as const;
type Counted = (typeof COUNTED)[number];

/**
 * The handoffs sent in [from, to), each with the scorecard it was sent with (or saved with its last edit) and what
 * happened to it since, in two queries whatever their number: the handoffs with their scorecards
 * (handoffs_sent_at_idx, and handoff_scorecards by its key), then their events counted by handoff and type, read from
 * metric_facts from `from` on (its key starts with the time; no event of a handoff comes before its send).
 */
export async function scoredHandoffsSentIn(exec: Executor, from: Date, to: Date): Promise<ScoredHandoff[]> {
  const { handoffs: h, handoffScorecards: s, metricFacts: f } = tablesOf(exec);
  const sentIn = and(gte(h.sentAt, from), lt(h.sentAt, to));
  const rows = await exec
    .select({
      id: h.id,
      band: h.scoreBand,
      // A replica of an older version wrote its scorecard on the handoff (packets.ts `findScorecard`): read first.
      legacy: h.scorecard,
      components: s.components,
    })
    .from(h)
    .leftJoin(s, and(eq(s.handoffId, h.id), own(exec, s)))
    .where(and(own(exec, h), sentIn))
    .orderBy(h.id);
  if (rows.length === 0) return [];
  const sent = exec
    .select({ id: h.id })
    .from(h)
    .where(and(own(exec, h), sentIn));
  const tallies = await exec
    .select({ handoffId: f.handoffId, type: f.type, n: count() })
    .from(f)
    .where(and(own(exec, f), gte(f.at, from), inArray(f.type, [...COUNTED]), inArray(f.handoffId, sent)))
    .groupBy(f.handoffId, f.type);
  const counts: Record<number, Partial<Record<Counted, number>>> = {};
  for (const t of tallies) {
    counts[t.handoffId] ??= {};
    (counts[t.handoffId] as Partial<Record<Counted, number>>)[t.type as Counted] = Number(t.n);
  }
  return rows.map((r) => {
    const c = counts[r.id] ?? {};
    const card = r.legacy ?? r.components;
    return {
      handoffId: r.id,
      band: r.band,
      components: card ? card.map(({ id, score }) => ({ id, score })) : null,
      accepted: c.accepted ?? 0,
      declined: c.declined ?? 0,
      expired: c.expired ?? 0,
      meeting: Boolean(c.meeting_held || c.opportunity_created || c.won),
      won: Boolean(c.won),
    };
  });
}
