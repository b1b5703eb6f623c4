import { and, asc, desc, eq, inArray, isNotNull, lte, sql } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import { handoffEvents, handoffs } from '../db/schema.js';
import { type AwayRules, awayFrom } from '../domain/absence.js';
import { dueStep, type Level, type Step } from '../domain/escalation.js';
import type { Logger } from '../logger.js';
import type { Covers } from './covers.js';
import { type Directory, DirectoryUnavailableError } from './directory.js';
import type { Lifecycle } from './lifecycle.js';
import {
  awayNoticeMessages,
  policyNoticeMessages,
  reassignMessages,
  resolveTargets,
} from './notifications.js';
import { reassignChange } from './ownerActions.js';
import { partnerThread } from './partnerThread.js';
import type { Policies } from './policies.js';
import type { WindowPlanner } from './responseWindow.js';

export interface EscalationDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  policies: Policies;
  directory: Directory;
  windows: WindowPlanner;
  managers: Record<string, string>;
  /** A pool member holding this many open handoffs (waiting for their answer) is skipped. */
  maxOpenPerAe: number;
  away: AwayRules;
  /** Covers named with `/handoff cover`: a level may notify the AE's cover, or reassign to it. */
  covers?: Pick<Covers, 'activeFor'>;
  /** Members of our workspaces (a pool member of another organization is never chosen). */
  internalTeamIds: () => readonly string[];
  batchSize?: number;
}

export interface EscalationResult {
  notified: number;
  reassigned: number;
  /** Reassignments no pool member could take (all away, full, or the level's limit reached): the owner was told. */
  unassigned: number;
}

/**
 * Carries out the escalation policies' steps that are due: notifications (a channel, the manager, the owner, the AE,
 * a pool) and reassignments to the next AE of a pool, round robin, skipping anyone away (by Slack status) or holding
 * too many open handoffs. After downtime only the latest due step of a window runs (older notices are stale news).
 * Every step is one guarded transition: a handoff answered, extended or reassigned meanwhile is left alone.
 */
export function createEscalations(deps: EscalationDeps) {
  const { db, clock, logger } = deps;
  const batch = deps.batchSize ?? 50;

  function duePage(now: Date, afterId: number): HandoffRow[] {
    return db
      .select()
      .from(handoffs)
      .where(
        and(
          inArray(handoffs.status, ['sent', 'expired']),
          isNotNull(handoffs.nextEscalationAt),
          lte(handoffs.nextEscalationAt, now),
          sql`${handoffs.id} > ${afterId}`,
        ),
      )
      .orderBy(asc(handoffs.id))
      .limit(batch)
      .all();
  }

  /** How many times this level already reassigned this handoff (the level's first time and its repeats). */
  function reassignedBy(h: HandoffRow, levelIndex: number): number {
    return (
      db
        .select({ n: sql<number>`count(*)` })
        .from(handoffEvents)
        .where(
          and(
            eq(handoffEvents.handoffId, h.id),
            eq(handoffEvents.type, 'reassigned'),
            sql`json_extract(${handoffEvents.detail}, '$.policyLevel') = ${levelIndex + 1}`,
          ),
        )
        .get()?.n ?? 0
    );
  }

  /** The member this pool gave a handoff to last (round robin continues after them). */
  function lastFromPool(pool: string): string | undefined {
    const row = db
      .select({ ae: handoffEvents.aeUserId })
      .from(handoffEvents)
      .where(
        and(
          // The pool's last pick: a handoff sent to it, or one a level reassigned to it.
          inArray(handoffEvents.type, ['sent', 'reassigned']),
          sql`json_extract(${handoffEvents.detail}, '$.pool') = ${pool}`,
        ),
      )
      .orderBy(desc(handoffEvents.id))
      .limit(1)
      .get();
    return row?.ae;
  }

  function openCount(userId: string): number {
    return (
      db
        .select({ n: sql<number>`count(*)` })
        .from(handoffs)
        .where(and(eq(handoffs.aeUserId, userId), eq(handoffs.status, 'sent')))
        .get()?.n ?? 0
    );
  }

  /**
   * The next member of the pool after the last one it gave a handoff to, who is not this handoff's AE, owner or
   * author, is a person of ours, is not away and holds fewer than the limit. With why each other one was skipped.
   */
  async function choose(h: Pick<HandoffRow, 'aeUserId' | 'ownerUserId' | 'authorUserId'>, pool: string) {
    const members = await deps.policies.members(pool);
    const last = lastFromPool(pool);
    const start = last ? members.indexOf(last) + 1 : 0;
    const order = [...members.slice(start), ...members.slice(0, start)];
    const skipped: { user: string; why: string }[] = [];
    for (const user of order) {
      if (user === h.aeUserId || user === h.ownerUserId || user === h.authorUserId) {
        skipped.push({ user, why: user === h.aeUserId ? 'the current AE' : 'owner or author' });
        continue;
      }
      if (openCount(user) >= deps.maxOpenPerAe) {
        skipped.push({ user, why: `holds ${deps.maxOpenPerAe} or more open handoffs` });
        continue;
      }
      const person = await deps.directory.lookupUser(user);
      if (!person || person.isBot || person.deleted || !deps.internalTeamIds().includes(person.teamId)) {
        skipped.push({ user, why: 'not an active member of our workspace' });
        continue;
      }
      const away = awayFrom(await deps.directory.status?.(user), deps.away, clock.now());
      if (away) {
        skipped.push({ user, why: `away (${away.status})` });
        continue;
      }
      return { person, skipped };
    }
    return { person: undefined, skipped };
  }

  function advance(h: HandoffRow, next: Step | undefined, now: Date): void {
    updateIfUnchanged(
      db,
      h.id,
      { statuses: ['sent', 'expired'], cycle: h.cycle, nextEscalationAt: h.nextEscalationAt },
      { nextEscalationAt: next ? new Date(next.at) : null, updatedAt: now },
    );
  }

  function notify(
    h: HandoffRow,
    step: Step,
    level: Level,
    next: Step | undefined,
    now: Date,
    pools: Record<string, string[]>,
    detail: Record<string, unknown> = {},
  ) {
    const cover = deps.covers?.activeFor(h.aeUserId, h.aeTimeZone)?.coverUserId;
    const targets = resolveTargets(h, level.to, deps.managers, pools, cover);
    return deps.lifecycle.apply({
      event: 'escalate',
      before: h,
      actor: null,
      at: now,
      expect: { nextEscalationAt: h.nextEscalationAt },
      change: { nextEscalationAt: next ? new Date(next.at) : null },
      detail: {
        policy: h.escalationPolicy ?? 'default',
        policyLevel: step.level + 1,
        repeat: step.repeat,
        action: level.action,
        to: [...targets.channels, ...targets.people],
        ...detail,
      },
      owes: (_tx, after) => policyNoticeMessages(after, step, targets),
    });
  }

  async function reassign(
    h: HandoffRow,
    step: Step,
    level: Level,
    next: Step | undefined,
    now: Date,
  ): Promise<'reassigned' | 'unassigned' | 'none'> {
    const poolTarget = level.to[0];
    if (poolTarget?.kind !== 'pool' && poolTarget?.kind !== 'cover') return 'none';
    const limit = 1 + (level.repeat?.times ?? 0);
    const owner = { kind: 'owner' as const };
    if (reassignedBy(h, step.level) >= limit) {
      notify(
        h,
        step,
        { ...level, to: [owner] },
        next,
        now,
        {},
        { unassigned: 'the level reassigned it as often as it may' },
      );
      return 'unassigned';
    }
    if (poolTarget.kind === 'cover') return reassignToCover(h, step, level, next, now);
    const { person, skipped } = await choose(h, poolTarget.name);
    if (!person) {
      notify(
        h,
        step,
        { ...level, to: [owner] },
        next,
        now,
        {},
        { unassigned: 'nobody in the pool could take it', pool: poolTarget.name, skipped },
      );
      logger.warn(
        { handoffId: h.id, pool: poolTarget.name, skipped },
        'escalation found nobody in the pool to reassign to',
      );
      return 'unassigned';
    }
    return moveTo(h, step, person, { pool: poolTarget.name }, skipped);
  }

  /** Reassigns the handoff by a policy level to `person` with a fresh window under the same policy. */
  function moveTo(
    h: HandoffRow,
    step: Step,
    person: NonNullable<Awaited<ReturnType<Directory['lookupUser']>>>,
    to: { pool?: string; cover?: boolean },
    skipped: { user: string; why: string }[],
  ): 'reassigned' | 'none' {
    const now = clock.now();
    // The handoff as it is now (the choice took a moment): the transition's guard checks it did not move.
    const current = findHandoff(db, h.id);
    if (!current || current.nextEscalationAt?.getTime() !== h.nextEscalationAt?.getTime()) return 'none';
    const policy = deps.policies.byName(current.escalationPolicy);
    const days = current.windowDays ?? current.responseWindowDays;
    const { timeZone, ...window } = deps.windows.plan(now, days, person.timeZone, undefined, policy);
    const applied = deps.lifecycle.apply({
      event: 'reassign',
      before: current,
      actor: null,
      at: now,
      expect: { nextEscalationAt: current.nextEscalationAt },
      change: reassignChange(current, person, timeZone, window),
      detail: {
        previousAeUserId: current.aeUserId,
        days,
        policy: current.escalationPolicy ?? 'default',
        policyLevel: step.level + 1,
        ...(to.pool ? { pool: to.pool } : {}),
        // Who acts for whom: the cover answers for the AE it covers.
        ...(to.cover ? { coverFor: current.aeUserId } : {}),
        ...(skipped.length > 0 ? { skipped } : {}),
      },
      owes: (tx, updated) => reassignMessages(current, updated, partnerThread(tx, updated)),
    });
    if (!applied) return 'none';
    logger.info(
      { handoffId: h.id, from: current.aeUserId, to: person.id, ...to, skipped: skipped.length },
      'escalation reassigned the handoff',
    );
    return 'reassigned';
  }

  /** A level that reassigns to the AE's cover: them if named and not away themselves, else the owner is told. */
  async function reassignToCover(
    h: HandoffRow,
    step: Step,
    level: Level,
    next: Step | undefined,
    now: Date,
  ): Promise<'reassigned' | 'unassigned' | 'none'> {
    const owner = { kind: 'owner' as const };
    const named = deps.covers?.activeFor(h.aeUserId, h.aeTimeZone);
    const person = named ? await deps.directory.lookupUser(named.coverUserId) : undefined;
    const away = person ? awayFrom(await deps.directory.status?.(person.id), deps.away, now) : undefined;
    // A cover who owns or wrote the handoff cannot be its AE (the packet refuses both).
    const ownsIt = person?.id === h.ownerUserId || person?.id === h.authorUserId;
    if (!named || !person || person.deleted || person.isBot || away || ownsIt) {
      const why = !named
        ? 'no cover named'
        : away
          ? `the cover is away (${away.status})`
          : 'the cover cannot take it';
      notify(h, step, { ...level, to: [owner] }, next, now, {}, { unassigned: why });
      return 'unassigned';
    }
    return moveTo(h, step, person, { cover: true }, []);
  }

  async function handle(h: HandoffRow, now: Date, result: EscalationResult): Promise<void> {
    const steps = h.escalationSteps ?? [];
    const { due, next } = dueStep(steps, now.getTime());
    const policy = deps.policies.byName(h.escalationPolicy);
    const level = due ? policy.levels[due.level] : undefined;
    if (!due || !level) {
      advance(h, next, now);
      return;
    }
    // A step from the due time on waits for the expiry (the sweep expires first); one before it needs the AE still asked.
    const afterDue = due.at >= h.dueAt.getTime();
    if ((afterDue && h.status !== 'expired') || (!afterDue && h.status !== 'sent')) {
      advance(h, next, now);
      return;
    }
    if (level.action === 'reassign') {
      const outcome = await reassign(h, due, level, next, now);
      if (outcome === 'reassigned') result.reassigned += 1;
      if (outcome === 'unassigned') result.unassigned += 1;
      return;
    }
    const pools: Record<string, string[]> = {};
    for (const t of level.to) if (t.kind === 'pool') pools[t.name] = await deps.policies.members(t.name);
    if (notify(h, due, level, next, now, pools)) result.notified += 1;
  }

  /** When each AE's status was last read (the app's clock): at most once an hour each. */
  const statusReadAt = new Map<string, number>();
  const STATUS_EVERY_MS = 60 * 60_000;

  /**
   * An AE who went away during an open window (their Slack status says so): the owner is told once per window, with
   * the handoff's owner buttons (reassign, to the cover they named if any; extend; withdraw), and it is in the touch
   * log, so the expiry that may follow is not counted as the AE's silence.
   */
  async function checkAway(): Promise<number> {
    if (!deps.directory.status) return 0;
    const now = clock.now();
    const open = db
      .select()
      .from(handoffs)
      .where(eq(handoffs.status, 'sent'))
      .orderBy(asc(handoffs.id))
      .limit(500)
      .all();
    let told = 0;
    const byAe = new Map<string, HandoffRow[]>();
    for (const h of open) byAe.set(h.aeUserId, [...(byAe.get(h.aeUserId) ?? []), h]);
    for (const [ae, list] of byAe) {
      const last = statusReadAt.get(ae);
      if (last !== undefined && now.getTime() - last < STATUS_EVERY_MS) continue;
      statusReadAt.set(ae, now.getTime());
      let away: ReturnType<typeof awayFrom>;
      try {
        away = awayFrom(await deps.directory.status(ae), deps.away, now);
      } catch (error) {
        logger.warn({ err: error, ae }, 'could not read an AE status; trying again later');
        statusReadAt.delete(ae);
        continue;
      }
      if (!away) continue;
      for (const h of list) {
        if (toldAway(h)) continue;
        const cover = deps.covers?.activeFor(h.aeUserId, h.aeTimeZone)?.coverUserId;
        const applied = deps.lifecycle.apply({
          event: 'escalate',
          before: h,
          actor: null,
          at: now,
          change: {},
          detail: {
            away: away.status,
            until: away.until?.toISOString() ?? null,
            ...(cover ? { cover } : {}),
          },
          owes: (_tx, after) =>
            awayNoticeMessages(after, { status: away.status, until: away.until?.getTime() ?? null, cover }),
        });
        if (applied) told += 1;
      }
    }
    if (told > 0) logger.info({ told }, 'owners told that their AE is away');
    return told;
  }

  /**
   * The owner already knows in this window that the AE is away: they were told, or the author chose at send
   * (the window from the AE's return, now anyway, or the cover).
   */
  function toldAway(h: HandoffRow): boolean {
    return db
      .select({ type: handoffEvents.type, detail: handoffEvents.detail })
      .from(handoffEvents)
      .where(
        and(
          eq(handoffEvents.handoffId, h.id),
          eq(handoffEvents.cycle, h.cycle),
          inArray(handoffEvents.type, ['escalated', 'sent']),
        ),
      )
      .all()
      .some((e) =>
        e.type === 'escalated'
          ? typeof e.detail?.away === 'string'
          : e.detail?.windowFrom !== undefined ||
            e.detail?.sentWhileAway !== undefined ||
            e.detail?.coverFor !== undefined,
      );
  }

  /** Runs every due step (after the sweep's expiries, so steps at the due time see the handoff expired). */
  async function run(): Promise<EscalationResult> {
    const result: EscalationResult = { notified: 0, reassigned: 0, unassigned: 0 };
    const now = clock.now();
    let afterId = 0;
    for (let page = duePage(now, afterId); page.length > 0; page = duePage(now, afterId)) {
      for (const h of page) {
        afterId = h.id;
        try {
          await handle(h, now, result);
        } catch (error) {
          // One handoff must not hold back the others; Slack not answering (a pool's members) is tried next minute.
          const level = error instanceof DirectoryUnavailableError ? 'warn' : 'error';
          logger[level](
            { err: error, handoffId: h.id },
            'escalation step could not run; trying again next sweep',
          );
        }
      }
      if (page.length < batch) break;
    }
    if (result.notified + result.reassigned + result.unassigned > 0)
      logger.info({ ...result }, 'escalation steps run');
    return result;
  }

  /**
   * The next AE of a pool for a new handoff (the packet named a pool): round robin, skipping the author and the
   * owner, anyone away or full. With whom it skipped and why.
   */
  function nextFromPool(pool: string, exclude: { authorUserId: string; ownerUserId: string }) {
    return choose({ aeUserId: '', ...exclude }, pool);
  }

  return { run, checkAway, nextFromPool };
}

export type Escalations = ReturnType<typeof createEscalations>;
