import type { Db, Tx } from '../db/client.js';
import { expandPendingChanges, queueChange } from '../db/repositories/changes.js';
import { logEvent } from '../db/repositories/events.js';
import { type Guard, type HandoffRow, updateIfUnchanged } from '../db/repositories/handoffs.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import { endPause } from '../db/repositories/questions.js';
import type { NewHandoffRow } from '../db/schema.js';
import type { Actor } from '../domain/actor.js';
import { type LifecycleEvent, nextStatus, sweepTimesEndedBy, TRANSITIONS } from '../domain/lifecycle.js';

/** One change of a handoff, as the services describe it. */
export interface TransitionSpec<R> {
  event: LifecycleEvent;
  /**
   * The handoff as the caller checked it (what the change reads of it): the change applies only if it is still in a
   * state the event starts from, in the same window.
   */
  before: Pick<HandoffRow, 'id' | 'cycle' | 'status' | 'aeUserId'> & { pausedAt?: Date | null };
  /** Who did it; null for the app (the sweep). */
  actor: Actor | null;
  at: Date;
  /** What changes besides the status (which comes from the table) and `updatedAt`. */
  change: Partial<NewHandoffRow>;
  /** Conditions beyond the state and window (a reminder's expected next time, the deal's current outcome step). */
  expect?: Omit<Guard, 'statuses' | 'cycle'>;
  /** The guarded write, when a faster prepared statement does it (a decision); gets the guard derived from the table. */
  update?: (tx: Tx, guard: Guard) => HandoffRow | undefined | Promise<HandoffRow | undefined>;
  /** Rows written with the change once the guard let it through (the decision, the outcome step). */
  record?: (tx: Tx, after: HandoffRow) => R | Promise<R>;
  /** Touch-log extras. */
  detail?: Record<string, unknown> | null;
  businessHours?: number;
  /** The end of an undo window (epoch ms): the CRM's activity waits till then, as the partner's reply does. */
  holdUntil?: number;
  /** The new messages the change owes (surfaces and history); every existing surface is brought up to date anyway. */
  owes?: (tx: Tx, after: HandoffRow, recorded: R) => OutboxMessage[] | Promise<OutboxMessage[]>;
}

export interface Applied<R> {
  handoff: HandoffRow;
  recorded: R;
}

/**
 * The one place a handoff changes after it is sent. In the caller's transaction: the guarded update (the states the
 * table allows and the same window, so races, retries and stale modals change nothing), the rows that go with it, the
 * touch-log event, and one row of what it owes (expanded by the worker, see db/repositories/changes.ts): cancelling
 * queued reminders the change makes obsolete, new messages, an update of every message already showing the handoff, a
 * republish of the App Homes that list it, and what the hearers owe (a linked CRM record's activity). Returns
 * undefined (and changes nothing) when the guard refused.
 */
export async function applyTransition<R = undefined>(
  tx: Tx,
  spec: TransitionSpec<R>,
  /** The features that hear of every change (Lifecycle.hearers): the followers' DMs, the CRM's activity. */
  hearers: readonly Hearer[],
): Promise<Applied<R> | undefined> {
  const t = TRANSITIONS[spec.event];
  const { before, at } = spec;
  const guard: Guard = { statuses: t.from, cycle: before.cycle, ...spec.expect };
  const after = spec.update
    ? await spec.update(tx, guard)
    : await updateIfUnchanged(tx, before.id, guard, {
        // A state the sweep no longer reads ends its times (a new window's, in `change`, are its own).
        ...(t.to === null ? {} : sweepTimesEndedBy(t.to)),
        ...spec.change,
        status: nextStatus(spec.event, before),
        updatedAt: at,
      });
  if (!after) return undefined;
  // What the handoff's earlier changes owed is queued before anything here reads it (a partner thread started). The
  // guarded update holds the handoff's row until the commit: no other lock is asked for.
  await expandPendingChanges(tx, [after.id], at, { held: true });
  const recorded = spec.record ? await spec.record(tx, after) : (undefined as R);
  // A paused clock that runs again (or whose wait ended: a decision, a move, a withdrawal) ends its question's pause
  // (its `record` may have ended it at another time: the pause's longest).
  if (before.pausedAt && !after.pausedAt) await endPause(tx, after.id, at);
  const eventId = await logEvent(tx, {
    type: t.logAs,
    before,
    after,
    actor: spec.actor,
    at,
    ...(spec.businessHours === undefined ? {} : { businessHours: spec.businessHours }),
    detail: spec.detail ?? null,
  });
  // New messages first (a partner thread reply reads before its parent's update), then every message already
  // showing the handoff brought up to date.
  const owed = (await spec.owes?.(tx, after, recorded)) ?? [];
  // What the features that hear of every change owe for it (the followers' DMs, the CRM's activity), in order.
  const heard: HeardChange = {
    event: spec.event,
    before,
    after,
    actor: spec.actor?.userId ?? null,
    at,
    eventId,
    ...(spec.holdUntil === undefined ? {} : { holdUntil: spec.holdUntil }),
  };
  for (const hear of hearers) owed.push(...(await hear(tx, heard)));
  // What the app did on its own (the sweep, a policy) reaches each person it tells in their working hours.
  if (spec.actor === null) owed.splice(0, owed.length, ...scheduledForReaders(owed));
  if (owed.length === 0 && !t.visible) return { handoff: after, recorded };
  // One row for all of it, expanded by the worker (db/repositories/changes.ts): what the change makes untrue (a
  // queued reminder or nudge asking for something no longer needed) cancelled, the new messages, an update of every
  // message already showing the handoff, a republish of the App Homes that list it.
  const people = t.visible ? [after.aeUserId, before.aeUserId, after.ownerUserId, after.authorUserId] : [];
  await queueChange(tx, {
    handoffId: after.id,
    eventId,
    at,
    intent: {
      messages: owed,
      cancelReminders: t.visible && t.cancelsReminders !== false,
      refresh: t.visible,
      homes: [...new Set(people)],
      token: String(eventId),
    },
  });
  return { handoff: after, recorded };
}

/** A change of a handoff, as a feature that hears of every change reads it. */
export interface HeardChange {
  event: LifecycleEvent;
  before: Pick<HandoffRow, 'aeUserId'>;
  after: HandoffRow;
  /** Who did it; null for the app. */
  actor: string | null;
  at: Date;
  /** The change's touch-log event: what it owes is owed once per event, whatever retries. */
  eventId: number;
  /** An undo window's end (epoch ms): what it owes waits till then, and an undo in time cancels it. */
  holdUntil?: number;
}

/**
 * A feature that owes messages for changes of a handoff, queued in the change's transaction with its own (the
 * followers' DMs, packets/watchers.ts; the CRM's activity, crm/activities.ts). The core knows none of them: the
 * composition root hands them to `createLifecycle`, so no import runs from the core to a feature.
 */
export type Hearer = (tx: Tx, change: HeardChange) => OutboxMessage[] | Promise<OutboxMessage[]>;

/** Runs one transition in its own transaction and wakes the outbox after the commit. */
export function createLifecycle(deps: { db: Db; onOutboxWrite: () => void; hearers: readonly Hearer[] }) {
  return {
    /** For `applyTransition` in `run`: the features that hear of every change. */
    hearers: deps.hearers,
    /**
     * Several transitions in one transaction (`applyTransition` each, in order: a request for more time granted at
     * once); wakes the outbox after the commit unless `work` returned undefined (nothing applied).
     */
    async run<T>(work: (tx: Tx) => Promise<T | undefined>): Promise<T | undefined> {
      const result = await deps.db.transaction(work);
      if (result !== undefined) deps.onOutboxWrite();
      return result;
    },
    async apply<R = undefined>(spec: TransitionSpec<R>): Promise<Applied<R> | undefined> {
      const applied = await deps.db.transaction((tx) => applyTransition(tx, spec, deps.hearers));
      if (applied) deps.onOutboxWrite();
      return applied;
    },
  };
}

export type Lifecycle = ReturnType<typeof createLifecycle>;

/**
 * The messages of a change the app made on its own, each internal one marked to wait until its reader may be reached
 * (escalation/reach.ts, at delivery): a DM in its person's own calendar, an internal channel in the company's. The
 * partner's posts go as they are: the partner keeps a calendar of their own, which the app does not know.
 */
export function scheduledForReaders(messages: readonly OutboxMessage[]): OutboxMessage[] {
  return messages.map((m) =>
    m.method === 'chat.postMessage' && (m.audience ?? 'internal') === 'internal' ? { ...m, reach: true } : m,
  );
}
