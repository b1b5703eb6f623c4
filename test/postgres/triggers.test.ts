import { asc } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { openPostgres, openSqlite, type PgDatabase } from './engines.js';

/**
 * The triggers SQLite's migrations add by hand, as plpgsql in migrations-pg/0001: the same touch log on both engines
 * leaves the same first_accepts and metric_facts, and the touch log refuses to be rewritten on both.
 */

const t0 = Date.parse('2026-03-02T09:00:00.000Z');
const at = (minutes: number) => new Date(t0 + minutes * 60_000);

const handoffs: sqliteSchema.NewHandoffRow[] = [
  sentHandoffRow(at(0), {
    sourceViewId: 'V1',
    authorUserId: 'U0A1',
    partnerKey: 'meridian',
    partnerId: 1,
    score: 12,
  }),
  sentHandoffRow(at(1), {
    sourceViewId: 'V2',
    authorUserId: 'U0A2',
    partnerKey: 'other',
    partnerOrg: 'Other Org',
  }),
  sentHandoffRow(at(2), { sourceViewId: 'V3', authorUserId: 'U0A1', partnerKey: 'meridian', partnerId: 1 }),
];

const event = (
  handoffId: number,
  minutes: number,
  type: sqliteSchema.HandoffEventType,
  detail: Record<string, unknown> | null = null,
): sqliteSchema.NewHandoffEventRow => ({
  handoffId,
  type,
  fromStatus: 'sent',
  toStatus: type === 'accepted' || type === 'expired' ? type : 'sent',
  aeUserId: 'U0AE',
  assignment: 1,
  cycle: 1,
  at: at(minutes),
  businessHours: type === 'accepted' ? 1.25 : null,
  detail,
});

/** Accepts of three handoffs by one AE (first overall, per partner, per author, then a second one), expiries away. */
const events = [
  event(1, 10, 'sent'),
  event(2, 11, 'sent'),
  event(3, 12, 'sent'),
  event(1, 20, 'reminded', { number: 1 }),
  event(1, 30, 'accepted'),
  event(1, 31, 'accepted'),
  event(2, 40, 'accepted'),
  event(3, 50, 'accepted'),
  event(1, 60, 'expired', { away: 'status' }),
  event(2, 61, 'expired', { away: null }),
  event(3, 62, 'expired', {}),
  event(3, 63, 'expired', { away: false }),
  event(1, 70, 'meeting_held'),
  event(1, 71, 'edited', { fields: ['Risk note'] }),
];

const partner = { name: 'Meridian Cloud', key: 'meridian', createdAt: at(0), updatedAt: at(0) };

describe('the hand-written triggers, on both engines', () => {
  let sqlite: AppDatabase;
  let postgres: PgDatabase;
  beforeAll(async () => {
    sqlite = openSqlite();
    postgres = await openPostgres('triggers');
    await sqlite.db.transaction((tx) => {
      tx.insert(sqliteSchema.partners).values(partner).run();
      tx.insert(sqliteSchema.handoffs).values(handoffs).run();
      for (const row of events) tx.insert(sqliteSchema.handoffEvents).values(row).run();
    });
    await postgres.db.insert(pgSchema.partners).values(partner);
    await postgres.db.insert(pgSchema.handoffs).values(handoffs);
    for (const row of events) await postgres.db.insert(pgSchema.handoffEvents).values(row);
  });
  afterAll(async () => {
    sqlite?.close();
    await postgres?.close();
  });

  it('keep first_accepts the same: first accept per scope, then the first accept of another handoff', async () => {
    const { firstAccepts } = sqliteSchema;
    const order = [asc(firstAccepts.scope), asc(firstAccepts.scopeKey)] as const;
    const fromSqlite = sqlite.db
      .select()
      .from(firstAccepts)
      .orderBy(...order)
      .all();
    const fromPg = await postgres.db
      .select()
      .from(pgSchema.firstAccepts)
      .orderBy(asc(pgSchema.firstAccepts.scope), asc(pgSchema.firstAccepts.scopeKey));
    expect(fromPg).toEqual(fromSqlite);
    expect(fromSqlite.map((r) => [r.scope, r.scopeKey, r.firstEventId, r.secondEventId])).toEqual([
      ['', '', 5, 7],
      ['author', 'U0A1', 5, 8],
      ['author', 'U0A2', 7, null],
      ['partner', 'meridian', 5, 8],
      ['partner', 'other', 7, null],
    ]);
  });

  it('keep metric_facts the same: metric events only, the directory name, an expiry while away apart', async () => {
    const fromSqlite = sqlite.db
      .select()
      .from(sqliteSchema.metricFacts)
      .orderBy(asc(sqliteSchema.metricFacts.at), asc(sqliteSchema.metricFacts.eventId))
      .all();
    const fromPg = await postgres.db
      .select()
      .from(pgSchema.metricFacts)
      .orderBy(asc(pgSchema.metricFacts.at), asc(pgSchema.metricFacts.eventId));
    expect(fromPg).toEqual(fromSqlite);
    expect(fromSqlite.map((r) => [r.eventId, r.type, r.partnerOrg])).toEqual([
      [1, 'sent', 'Meridian Cloud'],
      [2, 'sent', 'Other Org'],
      [3, 'sent', 'Meridian Cloud'],
      [5, 'accepted', 'Meridian Cloud'],
      [6, 'accepted', 'Meridian Cloud'],
      [7, 'accepted', 'Other Org'],
      [8, 'accepted', 'Meridian Cloud'],
      [9, 'expired_away', 'Meridian Cloud'],
      [10, 'expired', 'Other Org'],
      [11, 'expired', 'Meridian Cloud'],
      [12, 'expired_away', 'Meridian Cloud'],
      [13, 'meeting_held', 'Meridian Cloud'],
    ]);
  });

  it('refuse to rewrite or delete the touch log (and, on Postgres, to truncate it)', async () => {
    for (const statement of ["update handoff_events set type = 'declined'", 'delete from handoff_events']) {
      expect(() => sqlite.sqlite.prepare(statement).run()).toThrow(/handoff_events is append-only/);
      await expect(postgres.pool.query(statement)).rejects.toThrow(/handoff_events is append-only/);
    }
    await expect(postgres.pool.query('truncate handoff_events cascade')).rejects.toThrow(/append-only/);
    const count = await postgres.pool.query('select count(*)::int as n from handoff_events');
    expect(count.rows).toEqual([{ n: events.length }]);
  });

  it("let data retention rewrite an event's detail, and nothing else (issue 57)", async () => {
    const refused = [
      "update handoff_events set detail = null, actor_user_id = 'U0OTHER' where id = 1",
      'update handoff_events set at = at where id = 1',
      "update handoff_events set ae_user_id = 'U0OTHER' where id = 1",
      "update handoff_events set actor_user_id = 'U0OTHER' where id = 1",
    ];
    for (const statement of refused) {
      expect(() => sqlite.sqlite.prepare(statement).run()).toThrow(/handoff_events is append-only/);
      await expect(postgres.pool.query(statement)).rejects.toThrow(/handoff_events is append-only/);
    }
    const facts = `update handoff_events set detail = '{"away":"(removed)"}' where id = 1`;
    expect(sqlite.sqlite.prepare(facts).run().changes).toBe(1);
    expect((await postgres.pool.query(facts)).rowCount).toBe(1);
    // An erasure turns a Slack id into a pseudonym, and only into one (migration 0054, pg 0033).
    const erased =
      "update handoff_events set ae_user_id = 'ERASED0A1B2C3D', actor_user_id = 'ERASED0A1B2C3D' where id = 3";
    expect(sqlite.sqlite.prepare(erased).run().changes).toBe(1);
    expect((await postgres.pool.query(erased)).rowCount).toBe(1);
    const removed = 'update handoff_events set detail = null where id = 2';
    expect(sqlite.sqlite.prepare(removed).run().changes).toBe(1);
    expect((await postgres.pool.query(removed)).rowCount).toBe(1);
  });
});
