import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { AppDatabase, Db, Tx } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { assignmentStartedAt, logEvent } from '../../src/db/repositories/events.js';
import {
  type DecisionInput,
  findDecision,
  findHandoff,
  type HandoffRow,
  insertHandoff,
  recordDecision,
} from '../../src/db/repositories/handoffs.js';
import {
  cancelPendingReminders,
  dueHeads,
  enqueue,
  type OutboxMessage,
  type OutboxRow,
} from '../../src/db/repositories/outbox.js';
import { deferHandoffRows, markDelivered, markSending } from '../../src/db/repositories/outboxAttempts.js';
import { findOutboxByRecordAs, findPostedMessage } from '../../src/db/repositories/postedMessages.js';
import {
  insertSurface,
  newestSurfaceId,
  requestRefresh,
  surfaceAttempted,
  surfaceShown,
} from '../../src/db/repositories/surfaces.js';
import { type NewHandoffRow, outbox, type SurfaceKind } from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { scratchDatabases } from '../support/scratchDb.js';

/**
 * The queries prepared once per drizzle session (src/db/prepared.ts), against real migrated SQLite files: what they
 * store is read back with plain SQL (better-sqlite3, not drizzle's mapping), so a placeholder bound without its
 * column's encoder (a Date as an ISO string, null as the text 'null', JSON twice encoded) would show here.
 */

/** A scratch database as its first installation sees it: `db` is what the repositories take (`sqlite` reads it raw). */
type Scratch = Omit<AppDatabase, 'db'> & { db: Db };
const scratch = scratchDatabases('prepared-queries-');
const withDatabase = <T>(fn: (database: Scratch) => T): T =>
  scratch((database) => fn({ ...database, db: firstInstallationOf(database.db) }));

const SENT = new Date('2026-11-23T14:00:00.000Z');
const DECIDED = new Date('2026-11-24T09:30:00.000Z');
const NUDGE = new Date('2026-12-01T09:30:00.000Z');
const EARLIER = new Date('2026-11-20T08:00:00.000Z');
const actor = { userId: 'U0AE', teamId: 'T0INTERNAL' };

let views = 0;

/** A handoff waiting for the AE's answer (status sent, first window). */
function newHandoff(over: Partial<NewHandoffRow> = {}): NewHandoffRow {
  views += 1;
  return sentHandoffRow(SENT, {
    sourceViewId: `VPREP${views}`,
    ownerUserId: 'U0OWNER',
    partnerKey: 'meridian',
    nextReminderAt: new Date('2026-11-25T10:00:00.000Z'),
    ...over,
  });
}

/** Each write in a transaction of its own. */
const inOwnTx = <A extends unknown[], T>(
  database: Scratch,
  write: (tx: Tx, ...args: A) => Promise<T> | T,
  ...args: A
) => database.db.transaction((tx) => write(tx, ...args));
const decide = (database: Scratch, input: DecisionInput) => inOwnTx(database, recordDecision, input);
const log = (database: Scratch, event: Parameters<typeof logEvent>[1]) => inOwnTx(database, logEvent, event);
const enqueueIn = (database: Scratch, messages: OutboxMessage[], at: Date) =>
  inOwnTx(database, enqueue, messages, at);

/** A handoff inserted in its own transaction. */
const addHandoff = async (db: Db, over: Partial<NewHandoffRow> = {}): Promise<HandoffRow> =>
  (await db.transaction((tx) => insertHandoff(tx, newHandoff(over)))).handoff;

/** One row as SQLite stores it, by plain SQL. */
function rawRow(database: Scratch, query: string, ...params: unknown[]): Record<string, unknown> {
  const row = database.sqlite.prepare(query).get(...params) as Record<string, unknown> | undefined;
  if (!row) throw new Error(`no row for ${query} (${params.join(', ')})`);
  return row;
}

const rawRows = (database: Scratch, query: string, ...params: unknown[]) =>
  database.sqlite.prepare(query).all(...params) as Record<string, unknown>[];

const count = (database: Scratch, table: string): number =>
  (database.sqlite.prepare(`select count(*) as n from ${table}`).get() as { n: number }).n;

/** Each column's value and SQLite storage class (`typeof`), so 'null' the text and NULL differ. */
function stored(database: Scratch, table: string, id: number, columns: string[]) {
  const select = columns.map((c) => `${c}, typeof(${c}) as ${c}__type`).join(', ');
  const row = rawRow(database, `select ${select} from ${table} where id = ?`, id);
  return Object.fromEntries(columns.map((c) => [c, { value: row[c], type: row[`${c}__type`] }]));
}

/** Asserts one row's stored columns, those `expected` names: each one's value and storage class. */
const expectStored = (
  database: Scratch,
  table: string,
  id: number,
  expected: Record<string, { value: unknown; type: string }>,
) => expect(stored(database, table, id, Object.keys(expected))).toEqual(expected);

const ms = (value: Date) => ({ value: value.getTime(), type: 'integer' });
const NULL = { value: null, type: 'null' };
const text = (value: string) => ({ value, type: 'text' });
const int = (value: number) => ({ value, type: 'integer' });

/** The AE's accept of `handoff`, answering the window it is in (its cycle), unless `over` says otherwise. */
const decision = (
  handoff: Pick<HandoffRow, 'id' | 'cycle'>,
  over: Partial<DecisionInput> = {},
): DecisionInput => ({
  handoffId: handoff.id,
  decision: 'accepted',
  reasonCode: null,
  note: null,
  actor,
  at: DECIDED,
  cycle: handoff.cycle,
  ...over,
});

describe('recordDecision (prepared accept and decline)', () => {
  it('an accept with a first stall nudge stores every time as epoch ms and moves the cycle on once', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db, { stallNudgedAt: EARLIER });
      const result = await decide(database, decision(handoff, { nextStallNudgeAt: NUDGE }));

      expectStored(database, 'handoffs', handoff.id, {
        status: text('accepted'),
        decided_at: ms(DECIDED),
        last_activity_at: ms(DECIDED),
        next_stall_nudge_at: ms(NUDGE),
        stall_nudged_at: NULL,
        next_reminder_at: NULL,
        updated_at: ms(DECIDED),
        cycle: int(2),
      });
      // The decision row: its own time is epoch ms too, the actor as given, reason and note SQL NULL.
      const decisionId = result?.decision.id as number;
      expectStored(database, 'decisions', decisionId, {
        handoff_id: int(handoff.id),
        assignment: int(1),
        decision: text('accepted'),
        reason_code: NULL,
        note: NULL,
        decided_by_user_id: text('U0AE'),
        decided_by_team_id: text('T0INTERNAL'),
        decided_at: ms(DECIDED),
      });
      // What it returns is the stored row, mapped back.
      expect(result?.handoff).toMatchObject({
        status: 'accepted',
        decidedAt: DECIDED,
        lastActivityAt: DECIDED,
        nextStallNudgeAt: NUDGE,
        stallNudgedAt: null,
        nextReminderAt: null,
        updatedAt: DECIDED,
        cycle: 2,
      });
      expect(result?.decision).toMatchObject({ decidedAt: DECIDED, decision: 'accepted', reasonCode: null });
      expect(await findHandoff(database.db, handoff.id)).toEqual(result?.handoff);
    }));

  it('an accept without a stall nudge (null or not given) stores SQL NULL there', () =>
    withDatabase(async (database) => {
      const withNull = await addHandoff(database.db, { nextStallNudgeAt: EARLIER });
      const omitted = await addHandoff(database.db, { nextStallNudgeAt: EARLIER });
      const a = await decide(database, decision(withNull, { nextStallNudgeAt: null }));
      const b = await decide(database, decision(omitted));

      for (const [id, result] of [
        [withNull.id, a],
        [omitted.id, b],
      ] as const) {
        expectStored(database, 'handoffs', id, {
          next_stall_nudge_at: NULL,
          last_activity_at: ms(DECIDED),
        });
        expect(result?.handoff.nextStallNudgeAt).toBeNull();
      }
    }));

  it('a decline ends the window but leaves the deal clock (last activity, stall nudge) alone', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db, {
        lastActivityAt: EARLIER,
        nextStallNudgeAt: NUDGE,
        stallNudgedAt: EARLIER,
      });
      const result = await decide(
        database,
        decision(handoff, { decision: 'declined', reasonCode: 'timing', note: 'Next quarter.' }),
      );

      expectStored(database, 'handoffs', handoff.id, {
        status: text('declined'),
        decided_at: ms(DECIDED),
        last_activity_at: ms(EARLIER),
        next_stall_nudge_at: ms(NUDGE),
        stall_nudged_at: ms(EARLIER),
        next_reminder_at: NULL,
        updated_at: ms(DECIDED),
        cycle: int(2),
      });
      expectStored(database, 'decisions', result?.decision.id as number, {
        decision: text('declined'),
        reason_code: text('timing'),
        note: text('Next quarter.'),
        decided_at: ms(DECIDED),
      });
    }));

  it('a decision for another window loses (cycle guard, its placeholder bound as an integer), then any second one (status guard): nothing changed', () =>
    withDatabase(async (database) => {
      // Extended twice: waiting for the AE in its third window.
      const handoff = await addHandoff(database.db, { cycle: 3 });
      const before = rawRow(database, 'select * from handoffs where id = ?', handoff.id);
      const loses = async (cycle: number, at = DECIDED) => {
        const accept = decision(handoff, { cycle, at, nextStallNudgeAt: null });
        expect(await decide(database, accept), `cycle ${cycle}`).toBeUndefined();
        const decline = decision(handoff, { decision: 'declined', reasonCode: 'timing', cycle, at });
        expect(await decide(database, decline), `cycle ${cycle}`).toBeUndefined();
      };
      for (const cycle of [1, 2, 4]) await loses(cycle);
      expect(rawRow(database, 'select * from handoffs where id = ?', handoff.id)).toEqual(before);
      expect(count(database, 'decisions')).toBe(0);

      // The click on the window it is in wins, and moves it on.
      expect((await decide(database, decision(handoff, { nextStallNudgeAt: NUDGE })))?.handoff).toMatchObject(
        {
          status: 'accepted',
          cycle: 4,
        },
      );
      const after = rawRow(database, 'select * from handoffs where id = ?', handoff.id);
      expect(after).toMatchObject({ status: 'accepted', cycle: 4 });
      // Each later click both for the window it was shown (cycle 3, gone) and for the new one (cycle 4): the status
      // guard alone refuses the latter.
      for (const cycle of [3, 4]) await loses(cycle, new Date(DECIDED.getTime() + 60_000));
      expect(rawRow(database, 'select * from handoffs where id = ?', handoff.id)).toEqual(after);
      expect(
        rawRows(database, 'select decision, decided_at from decisions where handoff_id = ?', handoff.id),
      ).toEqual([{ decision: 'accepted', decided_at: DECIDED.getTime() }]);
    }));

  it('decides a handoff of a later assignment, recording that assignment; findDecision reads the assignment asked', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db, { assignment: 3, cycle: 5 });
      const result = await decide(database, decision(handoff));
      expect(result?.decision.assignment).toBe(3);
      expect(rawRow(database, 'select assignment, cycle from handoffs where id = ?', handoff.id)).toEqual({
        assignment: 3,
        cycle: 6,
      });
      expect(rawRow(database, 'select assignment from decisions where id = ?', result?.decision.id)).toEqual({
        assignment: 3,
      });
      expect(await findDecision(database.db, handoff.id, 3)).toMatchObject({
        handoffId: handoff.id,
        decision: 'accepted',
        assignment: 3,
      });
      expect(await findDecision(database.db, handoff.id, 1)).toBeUndefined();
    }));
});

describe('logEvent (prepared touch-log insert)', () => {
  it('stores detail null as SQL NULL (not the text null) and an object as its JSON; business hours null or a number', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const detail = {
        reasonCode: 'timing',
        nested: { reminder: 2, list: [1, 'two', null] },
        quote: 'say "hi"',
      };
      await log(database, { type: 'sent', before: null, after: handoff, actor, at: SENT });
      await log(database, {
        type: 'reminded',
        before: handoff,
        after: handoff,
        actor: null,
        at: EARLIER,
        businessHours: null,
        detail: null,
      });
      await log(database, {
        type: 'declined',
        before: handoff,
        after: { ...handoff, status: 'declined', cycle: 2 },
        actor: { userId: 'U0AE' },
        at: DECIDED,
        businessHours: 12.75,
        detail,
      });

      const events = rawRows(
        database,
        `select type, from_status, to_status, actor_user_id, actor_team_id, ae_user_id, assignment, cycle,
           at, typeof(at) as at_type, business_hours, typeof(business_hours) as business_hours_type,
           detail, typeof(detail) as detail_type
         from handoff_events where handoff_id = ? order by id`,
        handoff.id,
      );
      // Each as the first row has it but for what is said.
      const row = {
        from_status: 'sent',
        to_status: 'sent',
        actor_user_id: 'U0AE',
        actor_team_id: 'T0INTERNAL',
        ae_user_id: 'U0AE',
        assignment: 1,
        cycle: 1,
        at_type: 'integer',
        business_hours: null,
        business_hours_type: 'null',
        detail: null,
        detail_type: 'null',
      };
      expect(events).toEqual([
        { ...row, type: 'sent', from_status: null, at: SENT.getTime() },
        { ...row, type: 'reminded', actor_user_id: null, actor_team_id: null, at: EARLIER.getTime() },
        {
          ...row,
          type: 'declined',
          to_status: 'declined',
          actor_team_id: null,
          cycle: 2,
          at: DECIDED.getTime(),
          ...{ business_hours: 12.75, business_hours_type: 'real' },
          ...{ detail: JSON.stringify(detail), detail_type: 'text' },
        },
      ]);
      // Stored once-encoded: SQLite's own JSON functions read into it.
      expect(
        rawRow(
          database,
          `select json_extract(detail, '$.nested.reminder') as reminder from handoff_events
           where handoff_id = ? and type = 'declined'`,
          handoff.id,
        ),
      ).toEqual({ reminder: 2 });
      expect(count(database, `handoff_events where detail = 'null'`)).toBe(0);
    }));

  it('assignmentStartedAt: the latest send or reassignment of that assignment, as a Date', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const reassignedAt = new Date('2026-11-27T10:00:00.000Z');
      await log(database, { type: 'sent', before: null, after: handoff, actor, at: SENT });
      await log(database, { type: 'reminded', before: handoff, after: handoff, actor: null, at: EARLIER });
      const second = { ...handoff, assignment: 2, cycle: 2, aeUserId: 'U0AE2' };
      await log(database, { type: 'reassigned', before: handoff, after: second, actor, at: reassignedAt });

      expect(await assignmentStartedAt(database.db, handoff.id, 1)).toEqual(SENT);
      expect(await assignmentStartedAt(database.db, handoff.id, 2)).toEqual(reassignedAt);
      expect(await assignmentStartedAt(database.db, handoff.id, 3)).toBeUndefined();
      expect(await assignmentStartedAt(database.db, handoff.id + 1, 1)).toBeUndefined();
    }));
});

const OUTBOX_COLUMNS = (
  'dedupe_key channel_key method payload target_message_key record_as thread_of audience handoff_id status ' +
  'attempts next_attempt_at created_at last_error uncertain_since delivered_at'
).split(' ');

const outboxId = (database: Scratch, dedupeKey: string): number =>
  rawRow(database, 'select id from outbox where dedupe_key = ?', dedupeKey).id as number;

const outboxRow = (database: Scratch, dedupeKey: string) =>
  stored(database, 'outbox', outboxId(database, dedupeKey), OUTBOX_COLUMNS);

/** A row as enqueue leaves it: pending, never tried, due at once, with no record, target, thread or handoff. */
const fresh = (at: Date) => ({
  target_message_key: NULL,
  record_as: NULL,
  thread_of: NULL,
  audience: text('internal'),
  handoff_id: NULL,
  status: text('pending'),
  attempts: int(0),
  next_attempt_at: ms(at),
  created_at: ms(at),
  last_error: NULL,
  uncertain_since: NULL,
  delivered_at: NULL,
});

/** A fresh row (see `fresh`) with its key, channel key, method and payload JSON. */
const queued = (key: string, channel: string, method: string, payload: unknown) => ({
  ...fresh(SENT),
  dedupe_key: text(key),
  channel_key: text(channel),
  method: text(method),
  payload: text(JSON.stringify(payload)),
});

describe('enqueue (prepared outbox insert)', () => {
  it('stores each method with its channel key, its payload JSON and the defaults, once per dedupe key', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const payload = {
        text: 'Hello "there"',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x' } }],
      };
      const update = (dedupeKey: string, channel: string, targetMessageKey: string) =>
        ({ method: 'chat.update', dedupeKey, channel, targetMessageKey }) as const;
      await enqueueIn(
        database,
        [
          { method: 'chat.postMessage', dedupeKey: 'post:plain', channel: 'C0INTERNAL', payload },
          {
            method: 'chat.postMessage',
            dedupeKey: 'post:full',
            channel: 'C0PARTNER',
            payload: { text: 'partner' },
            recordAs: 'handoff:1:partner',
            permalinkOf: 'handoff:1:dm',
            threadOf: 'handoff:1:thread',
            audience: 'partner',
            handoffId: handoff.id,
          },
          { ...update('update:plain', 'U0AE', 'handoff:1:dm'), payload: { text: 'updated' } },
          {
            ...update('update:partner', 'C0PARTNER', 'handoff:1:partner'),
            payload: { text: 'updated for the partner' },
            audience: 'partner',
            handoffId: handoff.id,
          },
          {
            method: 'response_url',
            dedupeKey: 'respond:1',
            responseUrl: 'https://hooks.slack.test/actions/T/1/abc',
            payload: { text: 'ephemeral', replace_original: false },
            handoffId: handoff.id,
          },
          // A dedupe key already queued, in the same call or a later one: ignored.
          {
            method: 'chat.postMessage',
            dedupeKey: 'post:plain',
            channel: 'C0INTERNAL',
            payload: { text: 'same call' },
          },
        ],
        SENT,
      );
      await enqueueIn(
        database,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: 'post:plain',
            channel: 'C0OTHER',
            payload: { text: 'later' },
          },
        ],
        DECIDED,
      );
      expect(count(database, 'outbox')).toBe(5);

      const partner = { audience: text('partner'), handoff_id: int(handoff.id) };
      expect(outboxRow(database, 'post:plain')).toEqual(
        queued('post:plain', 'C0INTERNAL', 'chat.postMessage', { ...payload, channel: 'C0INTERNAL' }),
      );
      expect(outboxRow(database, 'post:full')).toEqual({
        ...queued('post:full', 'C0PARTNER', 'chat.postMessage', { text: 'partner', channel: 'C0PARTNER' }),
        record_as: text('handoff:1:partner'),
        target_message_key: text('handoff:1:dm'),
        thread_of: text('handoff:1:thread'),
        ...partner,
      });
      expect(outboxRow(database, 'update:plain')).toEqual({
        ...queued('update:plain', 'U0AE', 'chat.update', { text: 'updated' }),
        target_message_key: text('handoff:1:dm'),
      });
      expect(outboxRow(database, 'update:partner')).toEqual({
        ...queued('update:partner', 'C0PARTNER', 'chat.update', { text: 'updated for the partner' }),
        target_message_key: text('handoff:1:partner'),
        ...partner,
      });
      const url = 'https://hooks.slack.test/actions/T/1/abc';
      const ephemeral = { text: 'ephemeral', replace_original: false, response_url: url };
      expect(outboxRow(database, 'respond:1')).toEqual({
        ...queued('respond:1', 'response_url:respond:1', 'response_url', ephemeral),
        handoff_id: int(handoff.id),
      });
      // drizzle maps the stored JSON back to the same object.
      const [mapped] = database.db.select().from(outbox).where(sql`${outbox.dedupeKey} = 'post:plain'`).all();
      expect(mapped?.payload).toEqual({ ...payload, channel: 'C0INTERNAL' });
    }));

  it('a surface post: the outbox row names its surface; the surface row stores its spec (params JSON once, time ms)', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const params = {
        stamp: 'sent:1:1:',
        ae: 'U0AE',
        due: SENT.getTime(),
        assignment: 1,
        cycle: 1,
        q: 'say "hi"',
      };
      await enqueueIn(
        database,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: 'surface:packet',
            channel: 'U0AE',
            payload: {},
            surface: { kind: 'ae_packet', viewer: 'U0AE', params },
            recordAs: 'handoff:1:ae_dm',
            handoffId: handoff.id,
          },
          {
            method: 'chat.postMessage',
            dedupeKey: 'surface:parent',
            channel: 'C0PARTNER',
            payload: {},
            surface: { kind: 'partner_parent', viewer: null, params: {} },
            audience: 'partner',
            handoffId: handoff.id,
          },
        ],
        SENT,
      );
      // Rendered at delivery: the payload holds only the channel; the row is recorded under the surface's key.
      expect(outboxRow(database, 'surface:packet')).toEqual({
        ...queued('surface:packet', 'U0AE', 'chat.postMessage', { channel: 'U0AE' }),
        record_as: text('handoff:1:ae_dm'),
        handoff_id: int(handoff.id),
      });
      expect(outboxRow(database, 'surface:parent')).toMatchObject({
        record_as: text('surface:parent'),
        audience: text('partner'),
      });
      expect(
        rawRows(database, 'select dedupe_key, surface_key, typeof(surface_key) as t from outbox order by id'),
      ).toEqual([
        { dedupe_key: 'surface:packet', surface_key: 'handoff:1:ae_dm', t: 'text' },
        { dedupe_key: 'surface:parent', surface_key: 'surface:parent', t: 'text' },
      ]);

      const surfaceId = (key: string) =>
        rawRow(database, 'select id from surfaces where key = ?', key).id as number;
      expectStored(database, 'surfaces', surfaceId('handoff:1:ae_dm'), {
        key: text('handoff:1:ae_dm'),
        handoff_id: int(handoff.id),
        kind: text('ae_packet'),
        viewer_user_id: text('U0AE'),
        channel_key: text('U0AE'),
        audience: text('internal'),
        params: text(JSON.stringify(params)),
        posted: int(0),
        wanted: int(1),
        shown: int(0),
        created_at: ms(SENT),
      });
      expectStored(database, 'surfaces', surfaceId('surface:parent'), {
        kind: text('partner_parent'),
        viewer_user_id: NULL,
        channel_key: text('C0PARTNER'),
        audience: text('partner'),
        params: text('{}'),
      });
      // Stored once-encoded: SQLite's own JSON functions read into it.
      expect(
        rawRow(
          database,
          `select json_extract(params, '$.cycle') as cycle from surfaces where key = 'handoff:1:ae_dm'`,
        ),
      ).toEqual({ cycle: 1 });

      // Queued again (a retried request): neither the row nor the surface is added or changed.
      await enqueueIn(
        database,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: 'surface:packet',
            channel: 'U0AE',
            payload: {},
            surface: { kind: 'ae_packet', viewer: 'U0AE', params: { changed: true } },
            recordAs: 'handoff:1:ae_dm',
            handoffId: handoff.id,
          },
        ],
        DECIDED,
      );
      expect(count(database, 'outbox')).toBe(2);
      expect(count(database, 'surfaces')).toBe(2);
      expectStored(database, 'surfaces', surfaceId('handoff:1:ae_dm'), {
        params: text(JSON.stringify(params)),
        created_at: ms(SENT),
      });
    }));
});

const post = (dedupeKey: string, channel: string, over: Partial<OutboxMessage> = {}): OutboxMessage =>
  ({
    method: 'chat.postMessage',
    dedupeKey,
    channel,
    payload: { text: dedupeKey },
    ...over,
  }) as OutboxMessage;

const keysOf = (rows: OutboxRow[]) => rows.map((r) => r.dedupeKey);

describe('dueHeads (prepared, `now` bound as epoch ms)', () => {
  const NOW = new Date('2026-11-24T12:00:00.000Z');
  const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

  it('returns only due rows, only the head of each conversation, oldest due first, within the limit, minus the skipped', () =>
    withDatabase(async (database) => {
      await enqueueIn(database, [post('a1', 'CA')], at(-1_000));
      // Due earlier than a1 but queued after it in the same conversation: waits for it.
      await enqueueIn(database, [post('a2', 'CA')], at(-5_000));
      await enqueueIn(database, [post('b1', 'CB')], at(-3_000));
      // Due exactly now: included (lte).
      await enqueueIn(database, [post('c1', 'CC')], NOW);
      // Due a millisecond and a minute from now: not yet.
      await enqueueIn(database, [post('d1', 'CD')], at(1));
      await enqueueIn(database, [post('e1', 'CE')], at(60_000));
      await enqueueIn(database, [post('f1', 'CF')], at(-2_000));

      expect(keysOf(await dueHeads(database.db, NOW, 10))).toEqual(['b1', 'f1', 'a1', 'c1']);
      expect(keysOf(await dueHeads(database.db, NOW, 2))).toEqual(['b1', 'f1']);
      expect(keysOf(await dueHeads(database.db, NOW, 10, ['CB', 'CC']))).toEqual(['f1', 'a1']);
      expect(keysOf(await dueHeads(database.db, NOW, 1, ['CB']))).toEqual(['f1']);
      expect(keysOf(await dueHeads(database.db, NOW, 10, ['CA', 'CB', 'CC', 'CF']))).toEqual([]);
      // An hour later everything is due; still one head per conversation.
      expect(keysOf(await dueHeads(database.db, at(3_600_000), 10))).toEqual([
        'b1',
        'f1',
        'a1',
        'c1',
        'd1',
        'e1',
      ]);
      // An hour earlier nothing is.
      expect(await dueHeads(database.db, at(-3_600_000), 10)).toEqual([]);

      // Once the head is delivered, the next message of its conversation is the head.
      const a1 = (await dueHeads(database.db, NOW, 10)).find((r) => r.dedupeKey === 'a1') as OutboxRow;
      await inOwnTx(database, markDelivered, a1, NOW);
      expect(keysOf(await dueHeads(database.db, NOW, 10))).toEqual(['a2', 'b1', 'f1', 'c1']);
      // The rows come back mapped: Dates and the payload object.
      const [a2] = await dueHeads(database.db, NOW, 1);
      expect(a2).toMatchObject({
        dedupeKey: 'a2',
        channelKey: 'CA',
        nextAttemptAt: at(-5_000),
        createdAt: at(-5_000),
        payload: { text: 'a2', channel: 'CA' },
        status: 'pending',
        attempts: 0,
      });
    }));
});

describe('markDelivered and markSending (prepared)', () => {
  const NOW = new Date('2026-11-24T12:00:00.000Z');

  it('marks delivered (epoch ms, attempts + 1, error and uncertainty cleared); remembers a recorded post only, with its answer', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const handoffId = handoff.id;
      await enqueueIn(
        database,
        [
          post('recorded', 'C0PARTNER', { recordAs: 'handoff:partner', handoffId }),
          post('unrecorded', 'C0INTERNAL'),
          post('recorded-unposted', 'U0AE', { recordAs: 'handoff:dm', handoffId }),
        ],
        SENT,
      );
      // Tried before: an error and an uncertainty mark that delivery clears.
      database.sqlite
        .prepare('update outbox set attempts = 2, last_error = ?, uncertain_since = ?')
        .run('ratelimited', EARLIER.getTime());
      const row = (key: string) =>
        database.db.select().from(outbox).where(sql`${outbox.dedupeKey} = ${key}`).get() as OutboxRow;
      const [recorded, unrecorded, unposted] = ['recorded', 'unrecorded', 'recorded-unposted'].map(row) as [
        OutboxRow,
        OutboxRow,
        OutboxRow,
      ];
      expect(recorded.uncertainSince).toEqual(EARLIER);
      const delivered = {
        status: text('delivered'),
        delivered_at: ms(NOW),
        attempts: int(3),
        last_error: NULL,
        uncertain_since: NULL,
      };

      // Nothing remembered for a post without record_as, nor for a recorded message without a posted answer.
      await inOwnTx(database, markDelivered, unrecorded, NOW, {
        channelId: 'C0INTERNAL',
        ts: '1795442400.000200',
      });
      await inOwnTx(database, markDelivered, unposted, NOW);
      for (const id of [unrecorded.id, unposted.id]) expectStored(database, 'outbox', id, delivered);
      expect(count(database, 'posted_messages')).toBe(0);
      // The untouched row keeps its error and mark.
      expectStored(database, 'outbox', recorded.id, {
        status: text('pending'),
        delivered_at: NULL,
        last_error: text('ratelimited'),
        uncertain_since: ms(EARLIER),
      });
      // The newest row recorded under the key, delivered or not.
      expect((await findOutboxByRecordAs(database.db, 'handoff:dm'))?.id).toBe(unposted.id);
      expect(await findOutboxByRecordAs(database.db, 'handoff:none')).toBeUndefined();

      await inOwnTx(database, markDelivered, recorded, NOW, {
        channelId: 'C0PARTNER',
        ts: '1795442400.000100',
      });
      expectStored(database, 'outbox', recorded.id, delivered);
      expect(
        rawRows(
          database,
          `select message_key, channel_id, ts, handoff_id, posted_at, typeof(posted_at) as posted_at_type
           from posted_messages`,
        ),
      ).toEqual([
        {
          message_key: 'handoff:partner',
          channel_id: 'C0PARTNER',
          ts: '1795442400.000100',
          handoff_id: handoff.id,
          posted_at: NOW.getTime(),
          posted_at_type: 'integer',
        },
      ]);
      expect(await findPostedMessage(database.db, 'handoff:partner')).toEqual({
        installationId: 1,
        messageKey: 'handoff:partner',
        channelId: 'C0PARTNER',
        ts: '1795442400.000100',
        handoffId: handoff.id,
        postedAt: NOW,
      });
      expect(await findPostedMessage(database.db, 'handoff:dm')).toBeUndefined();
      expect(await findOutboxByRecordAs(database.db, 'handoff:partner')).toMatchObject({
        id: recorded.id,
        status: 'delivered',
        deliveredAt: NOW,
        attempts: 3,
      });
    }));

  it('markSending sets uncertain_since (epoch ms) only when the row has none', () =>
    withDatabase(async (database) => {
      await enqueueIn(database, [post('sending', 'C0INTERNAL')], SENT);
      const id = outboxId(database, 'sending');
      const read = () =>
        database.db.select().from(outbox).where(sql`${outbox.id} = ${id}`).get() as OutboxRow;

      const unmarked = read();
      await inOwnTx(database, markSending, unmarked, NOW);
      expectStored(database, 'outbox', id, {
        uncertain_since: ms(NOW),
        attempts: int(0),
        status: text('pending'),
      });
      const marked = read();
      await inOwnTx(database, markSending, marked, new Date(NOW.getTime() + 60_000));
      expectStored(database, 'outbox', id, { uncertain_since: ms(NOW) });
    }));

  it('cancelPendingReminders cancels only that handoff’s pending reminders and stall nudges, by their surface kind', () =>
    withDatabase(async (database) => {
      const one = await addHandoff(database.db);
      const two = await addHandoff(database.db);
      const as = (kind: SurfaceKind) => ({ surface: { kind, viewer: 'U0AE', params: {} } });
      await enqueueIn(
        database,
        [
          post(`handoff:${one.id}:c1:reminder:1`, 'U0AE', { handoffId: one.id, ...as('reminder') }),
          post(`handoff:${one.id}:c1:reminder:2`, 'U0AE', { handoffId: one.id, ...as('reminder') }),
          post(`handoff:${one.id}:stall:1`, 'U0AE', { handoffId: one.id, ...as('stall_nudge') }),
          post(`handoff:${one.id}:accepted`, 'U0AE', { handoffId: one.id, ...as('decision_notice') }),
          // A key that reads like a reminder's is not one: the kind decides, not the text of the key.
          post(`handoff:${one.id}:note:reminder:x`, 'U0AE', { handoffId: one.id }),
          post(`handoff:${two.id}:c1:reminder:1`, 'U0AE2', { handoffId: two.id, ...as('reminder') }),
        ],
        SENT,
      );
      database.sqlite
        .prepare(`update outbox set status = 'delivered' where dedupe_key = ?`)
        .run(`handoff:${one.id}:c1:reminder:1`);

      await inOwnTx(database, cancelPendingReminders, one.id);
      const cancelled = { status: 'cancelled', last_error: 'superseded by a later change' };
      expect(rawRows(database, 'select dedupe_key, status, last_error from outbox order by id')).toEqual([
        { dedupe_key: `handoff:${one.id}:c1:reminder:1`, status: 'delivered', last_error: null },
        { dedupe_key: `handoff:${one.id}:c1:reminder:2`, ...cancelled },
        { dedupe_key: `handoff:${one.id}:stall:1`, ...cancelled },
        { dedupe_key: `handoff:${one.id}:accepted`, status: 'pending', last_error: null },
        { dedupe_key: `handoff:${one.id}:note:reminder:x`, status: 'pending', last_error: null },
        { dedupe_key: `handoff:${two.id}:c1:reminder:1`, status: 'pending', last_error: null },
      ]);
    }));
});

/** A waiting update of the AE's packet of handoff `handoffId` (another method than the posts around it). */
const heldEdit = (handoffId: number): OutboxMessage => ({
  method: 'chat.update',
  dedupeKey: `held:${handoffId}:edit`,
  channel: 'U0AE',
  targetMessageKey: `handoff:${handoffId}:dm`,
  payload: { text: 'edit' },
  handoffId,
});

describe('deferHandoffRows: what a change queued while its method waits out a 429', () => {
  it('schedules the handoff’s waiting rows of the methods listed due before the wait’s end for then, and nothing else', () =>
    withDatabase(async (database) => {
      const one = await addHandoff(database.db);
      const two = await addHandoff(database.db);
      const later = new Date(DECIDED.getTime() + 86_400_000);
      const until = new Date(SENT.getTime() + 30_000);
      await enqueueIn(
        database,
        [
          post(`held:${one.id}:notice`, 'U0OWNER', { handoffId: one.id }),
          post(`held:${one.id}:tomorrow`, 'U0AE', { handoffId: one.id }),
          post(`held:${one.id}:at-end`, 'U0OWNER', { handoffId: one.id }),
          post(`held:${one.id}:delivered`, 'U0AE', { handoffId: one.id }),
          heldEdit(one.id),
          post(`held:${two.id}:notice`, 'U0OWNER', { handoffId: two.id }),
        ],
        SENT,
      );
      const set = (column: string, value: unknown, key: string) =>
        database.sqlite.prepare(`update outbox set ${column} = ? where dedupe_key = ?`).run(value, key);
      set('next_attempt_at', later.getTime(), `held:${one.id}:tomorrow`);
      set('next_attempt_at', until.getTime(), `held:${one.id}:at-end`);
      set('status', 'delivered', `held:${one.id}:delivered`);
      const row = (key: string) =>
        stored(database, 'outbox', outboxId(database, key), ['status', 'next_attempt_at', 'scheduled_at']);
      const defer = (methods: OutboxMessage['method'][]) =>
        inOwnTx(database, deferHandoffRows, { handoffId: one.id, methods, until, now: SENT });
      const pending = text('pending');
      const deferred = { status: pending, next_attempt_at: ms(until), scheduled_at: ms(SENT) };
      const untouched = { status: pending, next_attempt_at: ms(SENT), scheduled_at: NULL };

      await defer(['chat.postMessage']);
      expect(row(`held:${one.id}:notice`)).toEqual(deferred);
      // Due after the wait already, due exactly at its end (not before it), another method, another handoff, no
      // longer waiting: as they were.
      expect(row(`held:${one.id}:tomorrow`)).toEqual({ ...untouched, next_attempt_at: ms(later) });
      expect(row(`held:${one.id}:at-end`)).toEqual({ ...deferred, scheduled_at: NULL });
      expect(row(`held:${one.id}:edit`)).toEqual(untouched);
      expect(row(`held:${two.id}:notice`)).toEqual(untouched);
      expect(row(`held:${one.id}:delivered`)).toEqual({ ...untouched, status: text('delivered') });
      // Every method listed is taken.
      await defer(['chat.postMessage', 'chat.update']);
      expect(row(`held:${one.id}:edit`)).toEqual(deferred);
    }));
});

describe('one prepared query per connection: the reads outside a transaction, and the transactions', () => {
  it('the repositories’ prepared writes work in the transaction that first uses them and in every later one', () =>
    withDatabase(async (database) => {
      // The first use of each query is inside this transaction: the query built there serves the later ones.
      const firstUse = await addHandoff(database.db);
      await database.db.transaction(async (tx) => {
        expect(
          (await recordDecision(tx, decision(firstUse, { nextStallNudgeAt: NUDGE })))?.handoff.status,
        ).toBe('accepted');
        await logEvent(tx, {
          type: 'accepted',
          before: firstUse,
          after: (await findHandoff(tx, firstUse.id)) as HandoffRow,
          actor,
          at: DECIDED,
          detail: { via: 'first use' },
        });
        await enqueue(tx, [post('first-use', 'C0FIRST', { recordAs: 'first-use:post' })], DECIDED);
        const [head] = await dueHeads(tx, DECIDED, 10);
        expect(head?.dedupeKey).toBe('first-use');
        await markSending(tx, head as OutboxRow, DECIDED);
        // markDelivered's two statements (the row, the remembered post) in the same transaction.
        await markDelivered(tx, head as OutboxRow, DECIDED, { channelId: 'C0FIRST', ts: '1.1' });
      });

      const inTx = await addHandoff(database.db);
      await database.db.transaction(async (tx) => {
        expect(
          await recordDecision(tx, decision(inTx, { decision: 'declined', reasonCode: 'timing' })),
        ).toBeDefined();
        await logEvent(tx, {
          type: 'declined',
          before: inTx,
          after: (await findHandoff(tx, inTx.id)) as HandoffRow,
          actor,
          at: DECIDED,
          businessHours: 3,
        });
        await enqueue(tx, [post('in-tx', 'C0TX')], DECIDED);
        // Visible inside before the commit.
        expect(keysOf(await dueHeads(tx, DECIDED, 10))).toEqual(['in-tx']);
      });

      // Each write in a transaction of its own, each read outside one (the read-only connection's queries).
      const separate = await addHandoff(database.db);
      expect(await decide(database, decision(separate))).toBeDefined();
      const decided = (await findHandoff(database.db, separate.id)) as HandoffRow;
      await log(database, { type: 'accepted', before: separate, after: decided, actor, at: DECIDED });
      await enqueueIn(database, [post('separate', 'C0OUT')], DECIDED);
      const [due] = await dueHeads(database.db, DECIDED, 10);
      await inOwnTx(database, markDelivered, due as OutboxRow, DECIDED);

      expect(
        rawRows(
          database,
          'select id, status, decided_at, next_stall_nudge_at, cycle from handoffs order by id',
        ),
      ).toEqual([
        {
          id: firstUse.id,
          status: 'accepted',
          decided_at: DECIDED.getTime(),
          next_stall_nudge_at: NUDGE.getTime(),
          cycle: 2,
        },
        {
          id: inTx.id,
          status: 'declined',
          decided_at: DECIDED.getTime(),
          next_stall_nudge_at: null,
          cycle: 2,
        },
        {
          id: separate.id,
          status: 'accepted',
          decided_at: DECIDED.getTime(),
          next_stall_nudge_at: null,
          cycle: 2,
        },
      ]);
      expect(count(database, 'decisions')).toBe(3);
      expect(
        rawRows(database, 'select handoff_id, type, business_hours, detail from handoff_events order by id'),
      ).toEqual([
        { handoff_id: firstUse.id, type: 'accepted', business_hours: null, detail: '{"via":"first use"}' },
        { handoff_id: inTx.id, type: 'declined', business_hours: 3, detail: null },
        { handoff_id: separate.id, type: 'accepted', business_hours: null, detail: null },
      ]);
      expect(
        rawRows(database, 'select dedupe_key, status, delivered_at, attempts from outbox order by id'),
      ).toEqual([
        { dedupe_key: 'first-use', status: 'delivered', delivered_at: DECIDED.getTime(), attempts: 1 },
        { dedupe_key: 'in-tx', status: 'delivered', delivered_at: DECIDED.getTime(), attempts: 1 },
        { dedupe_key: 'separate', status: 'pending', delivered_at: null, attempts: 0 },
      ]);
      expect(rawRows(database, 'select message_key, channel_id, ts from posted_messages')).toEqual([
        { message_key: 'first-use:post', channel_id: 'C0FIRST', ts: '1.1' },
      ]);
    }));

  it('a transaction that fails (a throw, at once or after it waited) leaves nothing of its prepared writes', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      await enqueueIn(
        database,
        [post('before', 'C0BEFORE', { recordAs: 'before:post', handoffId: handoff.id })],
        SENT,
      );
      const before = (await dueHeads(database.db, SENT, 10))[0] as OutboxRow;
      const snapshot = () => ({
        handoffs: rawRows(database, 'select * from handoffs order by id'),
        decisions: rawRows(database, 'select * from decisions order by id'),
        events: rawRows(database, 'select * from handoff_events order by id'),
        outbox: rawRows(database, 'select * from outbox order by id'),
        posted: rawRows(database, 'select * from posted_messages'),
      });
      const start = snapshot();

      const everything = async (tx: Tx) => {
        const result = await recordDecision(tx, decision(handoff, { nextStallNudgeAt: NUDGE }));
        expect(result?.handoff.status).toBe('accepted');
        await logEvent(tx, {
          type: 'accepted',
          before: handoff,
          after: result?.handoff as HandoffRow,
          actor,
          at: DECIDED,
          detail: { x: 1 },
        });
        await enqueue(tx, [post('rolled-back', 'C0GONE')], DECIDED);
        await markSending(tx, before, DECIDED);
        await markDelivered(tx, before, DECIDED, { channelId: 'C0BEFORE', ts: '2.2' });
        // Inside, everything is there.
        expect((await findHandoff(tx, handoff.id))?.status).toBe('accepted');
        expect((await findPostedMessage(tx, 'before:post'))?.ts).toBe('2.2');
        expect(keysOf(await dueHeads(tx, DECIDED, 10))).toContain('rolled-back');
        expect(keysOf(await dueHeads(tx, DECIDED, 10))).not.toContain('before');
      };

      await expect(
        database.db.transaction(async (tx) => {
          await everything(tx);
          throw new Error('boom');
        }),
      ).rejects.toThrow('boom');
      expect(snapshot()).toEqual(start);

      // Failing after the body waited for something else (the event loop turned in between).
      await expect(
        database.db.transaction(async (tx) => {
          await everything(tx);
          await new Promise((resolve) => setImmediate(resolve));
          throw new Error('boom later');
        }),
      ).rejects.toThrow('boom later');
      expect(snapshot()).toEqual(start);

      // The next transaction commits its own writes and only those.
      await enqueueIn(database, [post('kept', 'C0KEPT')], DECIDED);
      const end = snapshot();
      expect({ ...end, outbox: end.outbox.filter((r) => r.dedupe_key !== 'kept') }).toEqual(start);
      expect(end.outbox.map((r) => r.dedupe_key)).toEqual(['before', 'kept']);

      // And the same queries still work on the database afterwards.
      await database.db.transaction((tx) => everything(tx));
      expect((await findHandoff(database.db, handoff.id))?.status).toBe('accepted');
      expect(count(database, 'decisions')).toBe(1);
    }));

  it('two databases each get their own prepared statements: a write through one never shows in the other', () =>
    withDatabase((first) =>
      withDatabase(async (second) => {
        const a = await addHandoff(first.db, { accountName: 'First file' });
        const b = await addHandoff(second.db, { accountName: 'Second file' });
        expect(a.id).toBe(b.id);

        // Each query used on the first database first, then on the second.
        expect(await decide(first, decision(a, { nextStallNudgeAt: NUDGE }))).toBeDefined();
        const decided = (await findHandoff(first.db, a.id)) as HandoffRow;
        await log(first, {
          type: 'accepted',
          before: a,
          after: decided,
          actor,
          at: DECIDED,
          detail: { file: 1 },
        });
        await enqueueIn(first, [post('first-only', 'C0FIRST', { recordAs: 'first:post' })], SENT);
        const [due] = await dueHeads(first.db, SENT, 10);
        await inOwnTx(first, markDelivered, due as OutboxRow, SENT, { channelId: 'C0FIRST', ts: '1.1' });

        expect((await findHandoff(second.db, b.id))?.accountName).toBe('Second file');
        expect((await findHandoff(second.db, b.id))?.status).toBe('sent');
        expect(await dueHeads(second.db, DECIDED, 10)).toEqual([]);
        expect(await findPostedMessage(second.db, 'first:post')).toBeUndefined();
        expect(await findOutboxByRecordAs(second.db, 'first:post')).toBeUndefined();
        expect(await assignmentStartedAt(second.db, b.id, 1)).toBeUndefined();

        // The second database's writes land in its own file.
        await second.db.transaction(async (tx) => {
          expect(
            await recordDecision(tx, decision(b, { decision: 'declined', reasonCode: 'other' })),
          ).toBeDefined();
          await logEvent(tx, { type: 'sent', before: null, after: b, actor, at: SENT });
          await enqueue(tx, [post('second-only', 'C0SECOND')], SENT);
        });

        expect(rawRows(first, 'select account_name, status from handoffs')).toEqual([
          { account_name: 'First file', status: 'accepted' },
        ]);
        expect(rawRows(second, 'select account_name, status from handoffs')).toEqual([
          { account_name: 'Second file', status: 'declined' },
        ]);
        expect(rawRows(first, 'select decision from decisions')).toEqual([{ decision: 'accepted' }]);
        expect(rawRows(second, 'select decision from decisions')).toEqual([{ decision: 'declined' }]);
        expect(rawRows(first, 'select type, detail from handoff_events')).toEqual([
          { type: 'accepted', detail: '{"file":1}' },
        ]);
        expect(rawRows(second, 'select type, detail from handoff_events')).toEqual([
          { type: 'sent', detail: null },
        ]);
        expect(rawRows(first, 'select dedupe_key, status from outbox')).toEqual([
          { dedupe_key: 'first-only', status: 'delivered' },
        ]);
        expect(rawRows(second, 'select dedupe_key, status from outbox')).toEqual([
          { dedupe_key: 'second-only', status: 'pending' },
        ]);
        expect(count(second, 'posted_messages')).toBe(0);

        // Closing the first database leaves the second's statements working.
        first.close();
        expect((await findHandoff(second.db, b.id))?.status).toBe('declined');
        expect(keysOf(await dueHeads(second.db, SENT, 10))).toEqual(['second-only']);
        await enqueueIn(second, [post('after-close', 'C0SECOND2')], SENT);
        expect(count(second, 'outbox')).toBe(2);
      }),
    ));
});

describe('the outbox’s surface queries (prepared: run at every delivery)', () => {
  const OWNER = 'U0OWNER';
  const addSurface = (
    db: Db,
    handoff: HandoffRow,
    key: string,
    kind: 'decision_notice' | 'sent_confirmation' | 'stall_nudge',
  ) =>
    db.transaction((tx) =>
      insertSurface(tx, {
        key,
        handoffId: handoff.id,
        spec: { kind, viewer: OWNER, params: {} },
        channelKey: OWNER,
        audience: 'internal',
        now: SENT,
      }),
    );
  const surfaceRow = (database: Scratch, key: string) =>
    rawRow(
      database,
      'select posted, shown, wanted, attempted, rendered_hash from surfaces where key = ?',
      key,
    );

  it('surfaceShown marks it posted, keeps the highest version shown and the last hash given, and says when it is behind; surfaceAttempted', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      await addSurface(database.db, handoff, 'k1', 'decision_notice');
      // Its first post shows change 1 (a new surface wants 1).
      expect(await inOwnTx(database, surfaceShown, 'k1', 1, 'hash-a')).toEqual({
        behind: false,
      });
      expect(surfaceRow(database, 'k1')).toEqual({
        posted: 1,
        shown: 1,
        wanted: 1,
        attempted: 0,
        rendered_hash: 'hash-a',
      });
      // Two changes come in; an older rendering (version 2) lands after a newer one (version 3).
      await inOwnTx(database, requestRefresh, handoff.id, SENT);
      await inOwnTx(database, requestRefresh, handoff.id, SENT);
      expect(await inOwnTx(database, surfaceShown, 'k1', 3, 'hash-b')).toEqual({
        behind: false,
      });
      expect(await inOwnTx(database, surfaceShown, 'k1', 2)).toEqual({ behind: false });
      // No hash given (a lost answer found again): the one remembered stays.
      expect(surfaceRow(database, 'k1')).toMatchObject({ shown: 3, wanted: 3, rendered_hash: 'hash-b' });
      await inOwnTx(database, requestRefresh, handoff.id, SENT);
      expect(await inOwnTx(database, surfaceShown, 'k1', 3)).toEqual({ behind: true });
      // An unknown key changes nothing and is not behind.
      expect(await inOwnTx(database, surfaceShown, 'nope', 5, 'x')).toEqual({
        behind: false,
      });
      // surfaceAttempted stores the version as an integer.
      await inOwnTx(database, surfaceAttempted, 'k1', 3);
      expect(
        rawRow(database, 'select attempted, typeof(attempted) as t from surfaces where key = ?', 'k1'),
      ).toEqual({ attempted: 3, t: 'integer' });
    }));

  it('newestSurfaceId finds the newest posted surface of the kinds asked, for that reader only', () =>
    withDatabase(async (database) => {
      const handoff = await addHandoff(database.db);
      const other = await addHandoff(database.db);
      await addSurface(database.db, handoff, 'confirmation', 'sent_confirmation');
      await addSurface(database.db, handoff, 'notice', 'decision_notice');
      await addSurface(database.db, handoff, 'nudge', 'stall_nudge');
      await addSurface(database.db, other, 'other-notice', 'decision_notice');
      const ids = Object.fromEntries(
        rawRows(database, 'select key, id from surfaces').map((r) => [r.key as string, r.id as number]),
      );
      const notices = ['sent_confirmation', 'decision_notice'] as const;
      // Nothing posted or queued yet: never seen, so none is the newest.
      expect(await newestSurfaceId(database.db, handoff.id, OWNER, notices)).toBeUndefined();
      await inOwnTx(database, surfaceShown, 'confirmation', 0);
      expect(await newestSurfaceId(database.db, handoff.id, OWNER, notices)).toBe(ids.confirmation);
      await inOwnTx(database, surfaceShown, 'notice', 0);
      await inOwnTx(database, surfaceShown, 'nudge', 0);
      await inOwnTx(database, surfaceShown, 'other-notice', 0);
      expect(await newestSurfaceId(database.db, handoff.id, OWNER, notices)).toBe(ids.notice);
      expect(await newestSurfaceId(database.db, handoff.id, OWNER, ['stall_nudge'])).toBe(ids.nudge);
      expect(await newestSurfaceId(database.db, handoff.id, 'U0SOMEONE', notices)).toBeUndefined();
      expect(await newestSurfaceId(database.db, other.id, OWNER, notices)).toBe(ids['other-notice']);
    }));
});
