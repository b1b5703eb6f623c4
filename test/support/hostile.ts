import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import {
  classificationCorrections,
  decisions,
  drafts,
  handoffEvents,
  handoffs,
  helpRequests,
  type OutboxRow,
  outbox,
  outcomes,
  postedMessages,
  registeredResellers,
} from '../../src/db/schema.js';
import { malformedReason } from '../../src/receiver.js';
import { type Harness, SIGNING_SECRET, waitFor } from './harness.js';
import { PARTNER_TEAM, people, TEAM } from './people.js';
import { postRaw } from './signing.js';

/**
 * Hostile-input checks through the real HTTP receiver: every request is correctly signed. A body Slack never sends
 * (src/receiver.ts `malformedReason`) is refused there with 400; anything else reaches Bolt and the app's listeners.
 * After each request: the status, /healthz, the error log and the database.
 */

/** Tables a refused request must leave exactly as they were (the outbox is checked on its own). */
const STRICT_TABLES = {
  handoffs,
  decisions,
  outcomes,
  handoff_events: handoffEvents,
  help_requests: helpRequests,
  drafts,
  classification_corrections: classificationCorrections,
  registered_resellers: registeredResellers,
  posted_messages: postedMessages,
} as const;

export interface Snapshot {
  tables: Record<string, string[]>;
  outbox: OutboxRow[];
}

/** Every row of every table a refused request must not touch, serialized for comparison. */
export function snapshot(h: Harness): Snapshot {
  const tables: Record<string, string[]> = {};
  for (const [name, table] of Object.entries(STRICT_TABLES)) {
    tables[name] = h.database.db
      .select()
      .from(table)
      .all()
      .map((row) => JSON.stringify(row));
  }
  return { tables, outbox: h.database.db.select().from(outbox).all() };
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

/** Bolt's body limit, which the receiver keeps: a larger body is answered 413 before anything reads it. */
export const BODY_LIMIT = 4 * 1024 * 1024;

/**
 * Why the receiver refuses a signed body with 400 as something Slack never sends (undefined: it goes on to Bolt).
 * The receiver's own rule (src/receiver.ts `malformedReason`); bodies over the limit get 413 instead.
 */
export function refusedAsMalformed(body: string, contentType: string): string | undefined {
  if (Buffer.byteLength(body) > BODY_LIMIT) return undefined;
  return malformedReason(contentType, body);
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
export function signedPost(
  h: Harness,
  body: string,
  contentType = 'application/x-www-form-urlencoded',
): Promise<Response> {
  return postRaw(h.eventsUrl, SIGNING_SECRET, body, contentType);
}

/** `payload=<json>`, form-encoded, as Slack sends interactions. */
export const interactionBody = (payload: unknown) =>
  new URLSearchParams({ payload: JSON.stringify(payload) }).toString();

/** A slash command's form body; a field given several values is sent several times. */
export function commandBody(fields: Record<string, string | string[]>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) params.append(key, v);
  }
  return params.toString();
}

export async function healthz(h: Harness): Promise<number> {
  const response = await fetch(`${h.baseUrl}/healthz`);
  await response.text();
  return response.status;
}

// ---------------------------------------------------------------------------------------------------------------
// Generators: hostile values

/** Values of the wrong type where Slack sends a string. */
export const wrongType = fc.constantFrom<unknown>(
  0,
  42,
  -1,
  1.5,
  1e308,
  true,
  false,
  null,
  [],
  ['x'],
  {},
  { value: 'x' },
  [[]],
);

/** A string of 10k–100k UTF-16 units, of one piece repeated (some pieces need escaping in JSON or in mrkdwn). */
export const huge = fc
  .tuple(
    fc.constantFrom(
      'a',
      '9',
      '<!channel>',
      '😀',
      '\u0000',
      '"',
      '\\',
      '{',
      '&amp;',
      '%',
      '\u202e',
      ' ',
      '\n',
    ),
    fc.integer({ min: 10_000, max: 100_000 }),
  )
  .map(([piece, n]) => piece.repeat(Math.ceil(n / piece.length)).slice(0, n - (n % 2)));

/** Short text with Slack's special pieces (mentions, links, escapes, control characters). */
export const junk = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.constantFrom('<!channel>', '<!here>', '<@U0AE>', '<#C0PARTNER>', '&lt;', '\u0000', '\u202e', '\r\n', ''),
);

// ---------------------------------------------------------------------------------------------------------------
// Generators: who acts

export interface Identity {
  user: Record<string, unknown>;
  team: unknown;
  enterprise: unknown;
}

export const PEOPLE_IDS = Object.values(people).map((p) => p.id);

const userId = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(...PEOPLE_IDS, 'U0NOBODY') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      'u0ae',
      'U0AE ',
      ' U0AE',
      'U0AE\u0000',
      '<@U0AE>',
      'U0AE,U0OWNER',
      'U0MEMBER\n',
    ),
  },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: wrongType },
);

/** `user.team_id`: ours most of the time, else foreign, malformed, or missing. */
const userTeamId = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>(TEAM) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(PARTNER_TEAM, 'T0SISTER', 't0internal', `${TEAM} `, '', undefined),
  },
  { weight: 1, arbitrary: huge },
  { weight: 1, arbitrary: wrongType },
);

/** `team`: the workspace the interaction belongs to, as the payload says (the app decides nothing on it). */
const team = fc.oneof(
  { weight: 8, arbitrary: fc.constant<unknown>({ id: TEAM, domain: 'acme' }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      { id: PARTNER_TEAM, domain: 'meridian' },
      { id: 'T0SISTER' },
      undefined,
      null,
      {},
      { id: 42 },
      { id: null },
      { id: [TEAM] },
    ),
  },
  { weight: 1, arbitrary: huge.map((id) => ({ id })) },
);

export const identity: fc.Arbitrary<Identity> = fc.record({
  user: fc.record({ id: userId, team_id: userTeamId, name: fc.oneof(fc.constant('someone'), huge) }),
  team,
  enterprise: fc.constantFrom<unknown>(null, undefined, { id: 'E0FOREIGN' }, { id: 42 }),
});

/** A person of ours, exactly as Slack identifies them. */
export const clean = (id: string): Identity => ({
  user: { id, team_id: TEAM, name: 'someone' },
  team: { id: TEAM, domain: 'acme' },
  enterprise: null,
});

const withUser = (i: Identity, user: Record<string, unknown>): Identity => ({
  ...i,
  user: { ...i.user, ...user },
});

/**
 * One change that turns a person allowed to act into someone the app must refuse: their user id from another
 * workspace, no workspace, a workspace id of the wrong shape, a Grid org in place of the workspace, a user id that is
 * almost theirs. (The payload's `team` is no such change: the app takes its own workspaces from auth.test, never from
 * the request, so the clicker's `user.team_id` alone decides.)
 */
export const NEAR_MISS: Record<string, (i: Identity) => Identity> = {
  'user.team_id foreign': (i) => withUser(i, { team_id: PARTNER_TEAM }),
  'user.team_id sister': (i) => withUser(i, { team_id: 'T0SISTER' }),
  'user.team_id missing': (i) => withUser(i, { team_id: undefined }),
  'user.team_id null': (i) => withUser(i, { team_id: null }),
  'user.team_id lower-case': (i) => withUser(i, { team_id: TEAM.toLowerCase() }),
  'user.team_id padded': (i) => withUser(i, { team_id: ` ${TEAM}` }),
  'user.team_id number': (i) => withUser(i, { team_id: 42 }),
  'user.team_id array': (i) => withUser(i, { team_id: [TEAM] }),
  'user.team_id object': (i) => withUser(i, { team_id: { id: TEAM } }),
  'enterprise only': (i) => ({
    ...i,
    team: null,
    enterprise: { id: TEAM },
    user: { ...i.user, team_id: 'E0GRID' },
  }),
  'user.id padded': (i) => withUser(i, { id: `${String(i.user.id)} ` }),
  'user.id lower-case': (i) => withUser(i, { id: String(i.user.id).toLowerCase() }),
  'user.id mention': (i) => withUser(i, { id: `<@${String(i.user.id)}>` }),
  'user.id NUL': (i) => withUser(i, { id: `${String(i.user.id)}\u0000` }),
  'user.id array': (i) => withUser(i, { id: [i.user.id] }),
  'user.id object': (i) => withUser(i, { id: { id: i.user.id } }),
  'user.id missing': (i) => withUser(i, { id: undefined }),
};
export const nearMiss = fc.constantFrom(...Object.keys(NEAR_MISS));

/**
 * Internal as the app sees it: the user's own workspace (`user.team_id`) is the one the app is installed in (the test
 * workspace has no Grid org and no INTERNAL_TEAM_IDS). The payload's `team` does not count.
 */
export const isInternal = (i: Identity) => i.user.team_id === TEAM;

/** May this identity act for one of `userIds`? */
export const actsAs = (i: Identity, userIds: readonly string[]) =>
  isInternal(i) && typeof i.user.id === 'string' && userIds.includes(i.user.id);
