import { isDeepStrictEqual } from 'node:util';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, expect } from 'vitest';
import { ACTION_ID, CALLBACK_ID, HELP_BLOCK_ID } from '../../src/blocks/ids.js';
import type { OutboxRow } from '../../src/db/schema.js';
import { acceptHandoff } from './acceptFlow.js';
import { STATE_TABLES, type StateTable, stateRows } from './dbSnapshot.js';
import { outboxRows } from './drill.js';
import { sendHandoff } from './flow.js';
import { type Harness, SIGNING_SECRET, startHarness, waitFor } from './harness.js';
import { FORM, internal, malformed, type Sent } from './hostileGen.js';
import { ADMIN, type Seeds } from './mayDo.js';
import { handoffRow, outboxDrained, submit } from './ownerFlow.js';
import { blockAction, declineSubmission, packetSubmission, viewSubmission } from './payloads.js';
import { channels, PARTNER_TEAM, people } from './people.js';
import { postRaw } from './signing.js';

/**
 * Hostile-input checks through the real HTTP receiver: every request is correctly signed. A body Slack never sends
 * (src/receiver.ts `malformedReason`) is refused there with 400; anything else reaches Bolt and the app's listeners.
 * After each request: the status, /healthz, the error log and the database. The seeded world the properties of
 * test/integration/hostile/ run against is `startHostileWorld`; who may do what in it, test/support/mayDo.ts; the
 * generators and request bodies, test/support/hostileGen.ts.
 */

export interface Snapshot {
  tables: Record<string, string[]>;
  outbox: OutboxRow[];
}

/** Every row of every table a refused request must not touch, serialized for comparison. */
export async function snapshot(h: Harness): Promise<Snapshot> {
  const tables: Record<string, string[]> = {};
  // The tables of the one database snapshot helper (dbSnapshot.ts), compared row by row; the outbox on its own.
  for (const name of Object.keys(STATE_TABLES) as StateTable[]) {
    tables[name] = (await stateRows(h.database.db, name)).map((row) => JSON.stringify(row));
  }
  return { tables, outbox: await outboxRows(h) };
}

/** Who a refused request may still answer: the actor, ephemerally (its response_url) or in a DM. */
export interface AllowedReplies {
  responseUrls: unknown[];
  userIds: unknown[];
}

/** Columns the outbox worker never changes: a refused request must not change them either. */
const OUTBOX_IDENTITY = [
  'id',
  'dedupeKey',
  'channelKey',
  'method',
  'payload',
  'targetMessageKey',
  'recordAs',
  'threadOf',
  'audience',
  'handoffId',
  'createdAt',
] as const;

/** A new outbox row is allowed only if it is a reply to the actor (an ephemeral, or a DM with no handoff). */
function isReplyToActor(row: OutboxRow, allowed: AllowedReplies): boolean {
  const payload = row.payload as Record<string, unknown>;
  if (row.handoffId !== null || row.recordAs !== null || row.threadOf !== null) return false;
  if (row.method === 'response_url') {
    return (
      payload.response_type === 'ephemeral' &&
      allowed.responseUrls.some((url) => isDeepStrictEqual(url, payload.response_url))
    );
  }
  if (row.method === 'chat.postMessage') {
    // The actor's user id as the request gave it (even a malformed one: the DM then cannot be delivered).
    return (
      row.audience === 'internal' &&
      allowed.userIds.some((id) => id !== undefined && isDeepStrictEqual(id, payload.channel)) &&
      payload.blocks === undefined
    );
  }
  return false;
}

/** What changed between two snapshots beyond replies to the actor (empty when nothing did). */
export function unexpectedChanges(before: Snapshot, after: Snapshot, allowed: AllowedReplies): string[] {
  const problems: string[] = [];
  for (const [name, rows] of Object.entries(before.tables)) {
    const now = after.tables[name] ?? [];
    if (!isDeepStrictEqual(rows, now)) {
      const added = now.filter((r) => !rows.includes(r));
      const removed = rows.filter((r) => !now.includes(r));
      problems.push(
        `${name} changed: +${added.length} -${removed.length} ${added
          .slice(0, 2)
          .map((r) => r.slice(0, 300))
          .join(' | ')}`,
      );
    }
  }
  const old = new Map(before.outbox.map((row) => [row.id, row]));
  for (const row of after.outbox) {
    const was = old.get(row.id);
    if (!was) {
      if (!isReplyToActor(row, allowed))
        problems.push(
          `outbox: new row that is not a reply to the actor: ${JSON.stringify(row).slice(0, 400)}`,
        );
      continue;
    }
    for (const column of OUTBOX_IDENTITY) {
      if (!isDeepStrictEqual(was[column], row[column]))
        problems.push(`outbox row ${row.id}: ${column} changed`);
    }
    // Only the worker moves rows, and only forward: delivered or parked. Never cancelled, never re-queued.
    const forward = was.status === 'pending' && (row.status === 'delivered' || row.status === 'dead');
    if (was.status !== row.status && !forward)
      problems.push(`outbox row ${row.id}: status ${was.status} → ${row.status}`);
  }
  if (after.outbox.length < before.outbox.length) problems.push('outbox rows were deleted');
  return problems;
}

/** Counts requests still inside Bolt's middleware chain (listeners run after their ack). */
export function trackListeners(h: Harness): { idle(): Promise<void> } {
  let inFlight = 0;
  h.app.app.use(async ({ next }) => {
    inFlight += 1;
    try {
      await next();
    } finally {
      inFlight -= 1;
    }
  });
  return {
    async idle() {
      await waitFor(() => inFlight === 0, 10_000, 'listeners to finish');
      // The listener may have queued a reply: let the outbox worker's own writes land before the next snapshot.
      await new Promise((resolve) => setTimeout(resolve, 5));
    },
  };
}

/** Bolt's log line when nothing acknowledged a request (no listener matched it): answered 404 after 3 s. */
export const NOT_ACKNOWLEDGED = 'An incoming event was not acknowledged within 3 seconds';

/** Log entries at error level or above, with `allowed` messages (substrings) left out. */
export function errorLogs(logs: Record<string, unknown>[], from: number, allowed: string[] = []): string[] {
  return logs
    .slice(from)
    .filter((entry) => typeof entry.level === 'number' && entry.level >= 50)
    .map((entry) => `${String(entry.component ?? '')}: ${String(entry.msg ?? '')}`.slice(0, 300))
    .filter((line) => !allowed.some((text) => line.includes(text)));
}

/** The receiver's 'Slack request refused' log entries since `from`: status, reason and level of each. */
export function refusalLogs(
  logs: Record<string, unknown>[],
  from: number,
): { status: unknown; reason: unknown; level: unknown }[] {
  return logs
    .slice(from)
    .filter((entry) => entry.msg === 'Slack request refused')
    .map((entry) => ({ status: entry.status, reason: entry.reason, level: entry.level }));
}

/** A correctly signed POST of a raw body to the app's Slack endpoint. */
export function signedPost(h: Harness, body: string, contentType = FORM): Promise<Response> {
  return postRaw(h.eventsUrl, SIGNING_SECRET, body, contentType);
}

export async function healthz(h: Harness): Promise<number> {
  const response = await fetch(`${h.baseUrl}/healthz`);
  await response.text();
  return response.status;
}

// ---------------------------------------------------------------------------------------------------------------
// The seeded world: one harness per test file

/** No sweep, no digest on their own while the properties run. */
export const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *', DIGEST_SCHEDULE: '0 0 1 1 *' };

/** The app's global catch, when a listener threw (src/app.ts): an error, and the person told it did not go through. */
const LISTENER_FAILED = 'a Slack listener failed';

export interface HostileStats {
  requests: number;
  malformed: number;
  refusedWithReply: number;
  statuses: Map<number, number>;
}

/** The app with the four handoffs, drafts and help requests of test/support/mayDo.ts, and its checks. */
export interface HostileWorld {
  h: Harness;
  seeds: Seeds;
  stats: HostileStats;
  /** Sends the requests (concurrently), waits for their listeners, and returns every problem seen. */
  exercise(requests: Sent[]): Promise<string[]>;
}

async function helpSubmit(h: Harness, viewId: string, account: string): Promise<number> {
  const answer = await submit(
    h,
    viewSubmission({
      callbackId: CALLBACK_ID.helpRequest,
      user: internal(people.ae),
      viewId,
      values: {
        [HELP_BLOCK_ID.account]: { value: { type: 'plain_text_input', value: account } },
        [HELP_BLOCK_ID.ask]: { value: { type: 'plain_text_input', value: 'An intro to their CIO, please.' } },
        [HELP_BLOCK_ID.partner]: { value: { type: 'plain_text_input', value: null } },
      },
    }),
  );
  expect(answer).toEqual({});
  const { helpRequests } = h.tables;
  const [row] = await h.database.db.select().from(helpRequests).where(eq(helpRequests.sourceViewId, viewId));
  if (!row) throw new Error(`no help request for ${viewId}`);
  return row.id;
}

/** Starts the app and seeds the world through it (call in beforeAll, with a 60 s timeout). */
export async function startHostileWorld(): Promise<HostileWorld> {
  const h = await startHarness({
    env: {
      ...QUIET,
      PARTNER_HELP_CHANNEL_ID: channels.internal.id,
      ADMIN_USER_IDS: ADMIN,
      REVOPS_USER_IDS: ADMIN,
    },
  });
  const listeners = trackListeners(h);
  const A = (await sendHandoff(h, { accountName: 'Hostile Open A', accountDomain: 'hostile-a.com' })).handoff;
  const B = (await sendHandoff(h, { accountName: 'Hostile Accepted B', accountDomain: 'hostile-b.com' }))
    .handoff;
  const C = (
    await sendHandoff(h, {
      accountName: 'Hostile Declined C',
      accountDomain: 'hostile-c.com',
      aeUserId: people.otherAe.id,
    })
  ).handoff;
  const D = (
    await sendHandoff(h, {
      accountName: 'Hostile Other D',
      accountDomain: 'hostile-d.com',
      aeUserId: people.otherAe.id,
      ownerUserId: people.owner.id,
    })
  ).handoff;
  // The AE accepts B: Accept, then the accept modal submitted with its defaults (issue 51 item 1).
  expect(
    await acceptHandoff(h, {
      handoffId: B.id,
      user: internal(people.ae),
      responseUrl: h.slack.responseUrl(),
    }),
  ).toEqual({});
  await waitFor(async () => (await handoffRow(h, B.id)).status === 'accepted', 4000, 'B accepted');
  expect(
    await submit(h, declineSubmission({ handoffId: C.id, reason: 'timing', user: internal(people.otherAe) })),
  ).toEqual({});
  // A draft the author reviewed but never sent.
  const drafted = await h.interact(
    packetSubmission({
      viewId: 'V0HOSTILEDRAFT',
      values: { accountName: 'Hostile Draft E', accountDomain: 'hostile-e.com' },
    }),
  );
  const pushed = (await drafted.json()) as { view: { private_metadata: string } };
  const draftUnsent = (JSON.parse(pushed.view.private_metadata) as { draftId: number }).draftId;
  const helpClaimed = await helpSubmit(h, 'V0HOSTILEHELP1', 'Hostile Help One');
  const helpOpen = await helpSubmit(h, 'V0HOSTILEHELP2', 'Hostile Help Two');
  const claimed = await h.interact(
    blockAction({
      actionId: ACTION_ID.helpClaim,
      value: String(helpClaimed),
      user: internal(people.author),
      responseUrl: h.slack.responseUrl(),
    }),
  );
  expect(claimed.status).toBe(200);
  await outboxDrained(h);
  const rows = { A, B: await handoffRow(h, B.id), C: await handoffRow(h, C.id), D };
  expect([rows.A.status, rows.B.status, rows.C.status, rows.D.status]).toEqual([
    'sent',
    'accepted',
    'declined',
    'sent',
  ]);
  const { drafts } = h.tables;
  const [draftSent] = await h.database.db
    .select({ id: drafts.id })
    .from(drafts)
    .where(eq(drafts.sourceViewId, A.sourceViewId));
  if (draftSent === undefined) throw new Error('no draft behind A');
  const seeds: Seeds = { rows, draftUnsent, draftSent: draftSent.id, helpOpen, helpClaimed };
  const stats: HostileStats = { requests: 0, malformed: 0, refusedWithReply: 0, statuses: new Map() };

  async function exercise(requests: Sent[]): Promise<string[]> {
    const before = await snapshot(h);
    const logFrom = h.logs.length;
    const reasons = requests.map(malformed);
    const statuses = await Promise.all(
      requests.map(async (r) => {
        const response = await signedPost(h, r.body, r.contentType);
        await response.arrayBuffer();
        return response.status;
      }),
    );
    await listeners.idle();
    const problems: string[] = [];
    statuses.forEach((status, i) => {
      const r = requests[i] as Sent;
      const reason = reasons[i];
      stats.requests += 1;
      if (reason) stats.malformed += 1;
      stats.statuses.set(status, (stats.statuses.get(status) ?? 0) + 1);
      if (r.malformed && !reason)
        problems.push(`${r.label}: built malformed, but the receiver's rule lets it through`);
      // A malformed body is refused with exactly 400; anything else gets what its listener (or Bolt) answers.
      const allowed = reason ? [400] : r.statuses;
      if (!allowed.includes(status))
        problems.push(`${r.label}: HTTP ${status}${reason ? ` (malformed: ${reason})` : ''}`);
    });
    // Each malformed body is refused by the receiver itself, at warn level, with its reason (and nothing else is).
    const refused = refusalLogs(h.logs, logFrom).filter((entry) => entry.status === 400);
    const logged = refused.map((entry) => String(entry.reason)).sort();
    const expected = reasons.flatMap((reason) => (reason ? [`malformed: ${reason}`] : [])).sort();
    if (!isDeepStrictEqual(logged, expected))
      problems.push(`refusals logged ${JSON.stringify(logged)}, expected ${JSON.stringify(expected)}`);
    if (refused.some((entry) => entry.level !== 40)) problems.push('a 400 refusal not logged at warn level');
    // A listener that tripped on a wrong-typed field (a TypeError) is a listener failure: logged as an error, the
    // person told it did not go through. Only where expected, at most once for each such request.
    const failures = h.logs.slice(logFrom).filter((entry) => entry.msg === LISTENER_FAILED);
    const tripped = failures.filter((e) => (e.err as { type?: unknown } | undefined)?.type === 'TypeError');
    if (tripped.length !== failures.length || tripped.length > requests.filter((r) => r.wrongTypes).length)
      problems.push(
        `a listener threw: ${failures.map((e) => String((e.err as { message?: unknown } | undefined)?.message)).join('; ')}`,
      );
    const health = await healthz(h);
    if (health !== 200) problems.push(`GET /healthz answered ${health}`);
    const unrouted = requests.some((r, i) => !reasons[i] && r.statuses.includes(404));
    const expectedErrors = [
      ...(unrouted ? [NOT_ACKNOWLEDGED] : []),
      ...(requests.some((r) => r.wrongTypes) ? [LISTENER_FAILED] : []),
    ];
    problems.push(...errorLogs(h.logs, logFrom, expectedErrors));
    const after = await snapshot(h);
    problems.push(
      ...unexpectedChanges(before, after, {
        responseUrls: requests.flatMap((r) => r.responseUrls),
        userIds: requests.flatMap((r) => r.userIds),
      }),
    );
    stats.refusedWithReply += after.outbox.length - before.outbox.length;
    return problems;
  }

  return { h, seeds, stats, exercise };
}

/** Logs what the file's requests came to, and stops the app (call in afterAll). */
export async function stopHostileWorld(w: HostileWorld | undefined, name: string): Promise<void> {
  if (!w) return;
  console.info(
    `hostile input (${name}):`,
    JSON.stringify({ ...w.stats, statuses: Object.fromEntries(w.stats.statuses) }),
  );
  await w.h.stop();
}

/**
 * The hostile world of one test file: started before its tests and stopped (with its summary line) after them.
 * Call at the top level of the file; the returned function gives the world inside a test.
 */
export function hostileWorld(name: string): () => HostileWorld {
  let world: HostileWorld | undefined;
  beforeAll(async () => {
    world = await startHostileWorld();
  }, 60_000);
  afterAll(async () => {
    await stopHostileWorld(world, name);
  });
  return () => {
    if (!world) throw new Error('the hostile world is started in beforeAll');
    return world;
  };
}

/** After all of it, the app still serves a real request: the AE accepts handoff D. */
export async function stillServes(w: HostileWorld): Promise<void> {
  const { h, seeds } = w;
  // Accept, then the accept modal submitted with its defaults (issue 51 item 1).
  expect(
    await acceptHandoff(h, {
      handoffId: seeds.rows.D.id,
      user: internal(people.otherAe),
      responseUrl: h.slack.responseUrl(),
    }),
  ).toEqual({});
  await waitFor(async () => (await handoffRow(h, seeds.rows.D.id)).status === 'accepted', 4000, 'D accepted');
  expect(await healthz(h)).toBe(200);
}

// ---------------------------------------------------------------------------------------------------------------
// The defect properties' requests: the partner acting on handoff D, each field overridable

/** The partner clicking `actionId` on D. */
export const click = (w: HostileWorld, actionId: string, over: Record<string, unknown> = {}) => ({
  ...blockAction({
    actionId,
    value: String(w.seeds.rows.D.id),
    user: internal(people.partner),
    responseUrl: w.h.slack.responseUrl(),
    triggerId: w.h.slack.issueTriggerId(),
  }),
  ...over,
});

/** The partner submitting the `callbackId` modal about D (its `view` fields overridable one by one). */
export const submitted = (w: HostileWorld, callbackId: string, over: Record<string, unknown> = {}) => {
  const base = viewSubmission({
    callbackId,
    user: { id: people.partner.id, team_id: PARTNER_TEAM },
    privateMetadata: JSON.stringify({ handoffId: w.seeds.rows.D.id, draftId: 0 }),
    values: {},
  });
  return { ...base, ...over, view: { ...base.view, ...((over.view as object | undefined) ?? {}) } };
};

/** A request Slack could send (the receiver's rule passes it): asserted, so the listener path is what is tested. */
export function wellFormed(sent: Sent): Sent {
  expect(malformed(sent), `${sent.label} should reach the listeners`).toBeUndefined();
  return sent;
}
