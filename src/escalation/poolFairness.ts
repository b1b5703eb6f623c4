import { DateTime } from 'luxon';
import type { Db } from '../db/client.js';
import { poolPicksSince, recentPicksOfPool } from '../db/repositories/escalation.js';
import { programHistory } from '../db/repositories/program.js';
import type { AwayDays } from '../domain/absence.js';
import { pausedOn } from '../domain/ownDays.js';
import type { Pool, PoolFairness } from '../domain/policyFile.js';

/**
 * Weights and fairness of a pool. A member's weight (default 1) is how many shares of the pool's
 * handoffs they take; 0 keeps them in the pool but out of its turns.
 *
 * - Plain turns (no period): round robin, a member of weight n taking n handoffs in a row on their turn.
 * - Fair per week or month: the next handoff goes to the member with the fewest handoffs from the pool this period
 *   for their weight and the days they were available: handoffs ÷ (weight × days available), ties by turn. A day a
 *   member was paused (at its end) or away by the days they gave with their cover is not a day available, so
 *   someone back from time off gets their share of the days left, not a pile of handoffs to catch up.
 */

export type Period = PoolFairness['period'];

/** A member's part of the period so far: their weight, handoffs from the pool, and days available. */
export interface MemberShare {
  user: string;
  weight: number;
  count: number;
  days: number;
}

/** A member's weight in a pool (1 unless the pool says). */
export const weightOf = (pool: Pick<Pool, 'weights'> | undefined, user: string): number =>
  pool?.weights?.[user] ?? 1;

/** The first day of the period `today` (YYYY-MM-DD) is in: its week's Monday, or its month's first day. */
export function periodStart(period: Period, today: string): string {
  const day = DateTime.fromISO(today, { zone: 'utc' });
  return (period === 'week' ? day.startOf('week') : day.startOf('month')).toISODate() ?? today;
}

/** The days of the period so far, today included, oldest first. */
export function periodDays(period: Period, today: string): string[] {
  const days: string[] = [];
  let day = DateTime.fromISO(periodStart(period, today), { zone: 'utc' });
  const last = DateTime.fromISO(today, { zone: 'utc' });
  while (day <= last) {
    days.push(day.toISODate() as string);
    day = day.plus({ days: 1 });
  }
  return days;
}

/**
 * The days of `days` a member was paused: the pause in force on a day is the one of their newest edit made that day
 * or before (`edits`: their own days' edits with the day each was made), its last day included.
 */
export function pausedDays(
  days: readonly string[],
  edits: readonly { day: string; paused: string | undefined }[],
): Set<string> {
  const sorted = [...edits].sort((a, b) => a.day.localeCompare(b.day));
  const out = new Set<string>();
  for (const day of days) {
    const inForce = sorted.filter((e) => e.day <= day).at(-1);
    if (inForce && pausedOn(inForce.paused, day)) out.add(day);
  }
  return out;
}

/** How many of `days` a member was available: not paused, not in the days away of their cover; at least 1. */
export function availableDays(
  days: readonly string[],
  paused: ReadonlySet<string>,
  away: Pick<AwayDays, 'from' | 'until'> | undefined,
): number {
  const off = (day: string) =>
    paused.has(day) || (away !== undefined && away.from <= day && day <= away.until);
  return Math.max(1, days.filter((day) => !off(day)).length);
}

/** How far a member is into their share: handoffs per weighted day available (lower: further behind). */
const score = (s: MemberShare) => s.count / (s.weight * s.days);

/**
 * The fair order of a pool's members with weight: lowest handoffs ÷ (weight × days available) first, ties in the
 * rotation's order (`rotation`: the members from the one after the pool's last pick).
 */
export function fairOrder(rotation: readonly string[], shares: ReadonlyMap<string, MemberShare>): string[] {
  const at = (user: string) => {
    const s = shares.get(user);
    return s && s.weight > 0 ? score(s) : Number.POSITIVE_INFINITY;
  };
  return rotation
    .map((user, i) => ({ user, i, s: at(user) }))
    .sort((a, b) => a.s - b.s || a.i - b.i)
    .map((x) => x.user);
}

/** A number as read: whole, or with one decimal ("2.5"). */
const amount = (n: number) => String(Math.round(n * 10) / 10);

/**
 * Why a fair pool chose `user`, in words that follow their name: "furthest behind this week's share: 1 of 3" (their
 * handoffs from the pool this period, of the share of the period's handoffs, this one included, their weight and days
 * available give them); "level with … , next in turn" when another who could take it was as far behind.
 */
export function fairWhy(
  user: string,
  shares: ReadonlyMap<string, MemberShare>,
  period: Period,
  after: readonly string[],
): string {
  const all = [...shares.values()].filter((s) => s.weight > 0);
  const mine = shares.get(user);
  if (!mine) return '';
  const total = all.reduce((n, s) => n + s.count, 0) + 1;
  const weighted = all.reduce((n, s) => n + s.weight * s.days, 0);
  const share = weighted > 0 ? (total * mine.weight * mine.days) / weighted : 0;
  const words = `this ${period}'s share: ${mine.count} of ${amount(share)}`;
  const level = after.some((other) => {
    const s = shares.get(other);
    return s !== undefined && s.weight > 0 && score(s) === score(mine);
  });
  return level ? `next in turn, level with others on ${words}` : `furthest behind ${words}`;
}

export interface FairnessDeps {
  db: Db;
  /** A date (YYYY-MM-DD) in the deployment's calendar. */
  dayOf: (at: Date) => string;
  /** The days away a member gave with their cover, if any. */
  awayDays?: (user: string) => Promise<Pick<AwayDays, 'from' | 'until'> | undefined>;
}

/** Each member's share of the period so far, from the pool's picks, their own days' edits and their cover. */
export async function sharesOf(
  deps: FairnessDeps,
  pool: { id: string; info: Pick<Pool, 'weights'> | undefined; period: Period },
  members: readonly string[],
  now: Date,
): Promise<Map<string, MemberShare>> {
  const days = periodDays(pool.period, deps.dayOf(now));
  const first = days[0] as string;
  // A little before the period's first day in any zone: the picks are then counted by their day.
  const since = new Date(Date.parse(`${first}T00:00:00Z`) - 86_400_000);
  const picks = (await poolPicksSince(deps.db, pool.id, since)).filter((p) => deps.dayOf(p.at) >= first);
  const shares = new Map<string, MemberShare>();
  for (const user of members) {
    const edits = (await programHistory(deps.db, 'person', user, 100)).map((row) => ({
      day: deps.dayOf(row.at),
      paused: (row.body as { paused?: string } | null)?.paused,
    }));
    const away = await deps.awayDays?.(user);
    shares.set(user, {
      user,
      weight: weightOf(pool.info, user),
      count: picks.filter((p) => p.aeUserId === user).length,
      days: availableDays(days, pausedDays(days, edits), away),
    });
  }
  return shares;
}

/** The order members are tried in, and why the one chosen would be (a fair pool, or a weighted turn). */
export interface TurnOrder {
  order: string[];
  why: (user: string, after: readonly string[]) => string | undefined;
}

/**
 * The order a pool's members are tried in: fair by the period's shares, or by turns (the member after the last pick,
 * or the last pick again while their turns in a row are fewer than their weight). Members of weight 0 come last.
 */
export async function turnOrder(
  deps: FairnessDeps,
  pool: { id: string; info: Pick<Pool, 'weights' | 'fairness'> | undefined },
  members: readonly string[],
  now: Date,
): Promise<TurnOrder> {
  const picks = await recentPicksOfPool(
    deps.db,
    pool.id,
    1 + Math.max(1, ...members.map((m) => weightOf(pool.info, m))),
  );
  const last = picks[0];
  const streak = last ? picks.findIndex((p) => p !== last) : 0;
  const inRow = streak === -1 ? picks.length : streak;
  const period = pool.info?.fairness?.period;
  // Plain turns: the last pick goes again while their turns in a row are fewer than their weight.
  const again = !period && last !== undefined && members.includes(last) && inRow < weightOf(pool.info, last);
  const start = last ? members.indexOf(last) + (again ? 0 : 1) : 0;
  const rotation = [...members.slice(start), ...members.slice(0, start)];
  const zero = rotation.filter((m) => weightOf(pool.info, m) === 0);
  const weighted = rotation.filter((m) => weightOf(pool.info, m) > 0);
  if (!period) {
    const turn = (user: string) =>
      weightOf(pool.info, user) > 1
        ? `turn ${user === last && again ? inRow + 1 : 1} of ${weightOf(pool.info, user)} in a row (weight ${weightOf(pool.info, user)})`
        : undefined;
    return { order: [...weighted, ...zero], why: turn };
  }
  const shares = await sharesOf(deps, { id: pool.id, info: pool.info, period }, members, now);
  return {
    order: [...fairOrder(weighted, shares), ...zero],
    why: (user, after) => fairWhy(user, shares, period, after),
  };
}
