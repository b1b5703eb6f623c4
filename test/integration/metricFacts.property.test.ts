import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import {
  METRIC_EVENT_TYPES,
  type MetricEventRow,
  metricEventBatches,
  metricEvents,
} from '../../src/db/repositories/metrics.js';
import { HANDOFF_EVENT_TYPES, type HandoffEventType } from '../../src/db/schema.js';
import { lastStatementOf, scratchDatabases } from '../support/scratchDb.js';
import { seedOf } from '../support/seed.js';

/**
 * Metric facts (migration 0009): metric_facts, kept by a trigger on handoff_events (or rebuilt by the migration's
 * backfill), must hold exactly the rows of the old `handoff_events JOIN handoffs` read, and metricEvents, which now
 * reads metric_facts, must give what that join gave, with the handoff's CURRENT classification on outcome steps
 * (a RevOps correction after the step was logged included). Random histories of a few handoffs with varying
 * partner, author, score and classification, with events of every type (metric or not) at times in a short span
 * (so many tie, and times are not in id order), are written straight into a fresh migrated SQLite file per run and
 * compared with independent queries over the same rows.
 */

// ---------------------------------------------------------------------------------------------------------------
// Event types, listed here independently of the code under test

const words = (list: string) => list.split(' ');
const METRIC_TYPES = words(
  'sent reassigned accepted declined expired meeting_held opportunity_created won lost',
) as HandoffEventType[];
const OUTCOME_TYPES = ['meeting_held', 'opportunity_created', 'won', 'lost'] as const;
const NON_METRIC_TYPES = words(
  'reminded extended withdrawn stall_nudged classification_corrected edited note_added escalated outcome_reported ' +
    'outcome_report_declined outcome_undone question_asked question_answered clock_resumed more_time_asked ' +
    'more_time_granted step_reminded step_checked_in step_overdue step_new_date handed_back taken_back ' +
    'owner_reminded step_asked step_named message_added cover_returned',
) as HandoffEventType[];

const sqlList = (values: readonly string[]) => `(${values.map((v) => `'${v}'`).join(', ')})`;

/** A status each event type can plausibly move a handoff to (to_status is required), by status. */
const TO_STATUS = Object.fromEntries(
  Object.entries({
    sent:
      'sent reassigned reminded extended edited question_asked question_answered clock_resumed more_time_asked ' +
      'more_time_granted message_added',
    accepted:
      'accepted stall_nudged meeting_held opportunity_created won lost classification_corrected note_added ' +
      'outcome_reported outcome_report_declined outcome_undone step_reminded step_checked_in step_overdue ' +
      'step_new_date step_asked step_named cover_returned',
    declined: 'declined',
    expired: 'expired escalated',
    withdrawn: 'withdrawn',
    taken_back: 'handed_back taken_back owner_reminded',
  }).flatMap(([status, types]) => words(types).map((type) => [type, status])),
) as Record<HandoffEventType, string>;

// ---------------------------------------------------------------------------------------------------------------
// Histories

/**
 * AE and author ids share one small alphabet, as do partner keys and partner orgs (independently of each other):
 * a column mix-up in the trigger (the author copied as the AE, the org as the key) then gives wrong rows.
 */
const USERS = ['U1', 'U2', 'U3'] as const;
const PARTNER_KEYS = ['acme', 'globex', 'initech'] as const;
const PARTNER_ORGS = ['Acme Inc', 'Globex Corp', 'Initech LLC'] as const;
const CLASSIFICATIONS = ['partner_sourced', 'partner_influenced', null] as const;
type Classification = (typeof CLASSIFICATIONS)[number];

/** Event times are offsets (ms) from BASE in [0, SPAN): a short span, so many events share a millisecond. */
const BASE = Date.UTC(2026, 10, 2);
const SPAN = 40;

const handoffSpec = fc.record({
  partnerKey: fc.constantFrom(...PARTNER_KEYS),
  partnerOrg: fc.constantFrom(...PARTNER_ORGS),
  author: fc.constantFrom(...USERS),
  score: fc.option(fc.integer({ min: 0, max: 100 }), { nil: null }),
  classification: fc.constantFrom(...CLASSIFICATIONS),
});
const eventSpec = fc
  .record({
    /** Taken modulo the number of handoffs. */
    handoff: fc.nat(),
    type: fc.oneof(
      { arbitrary: fc.constantFrom(...METRIC_TYPES), weight: 3 },
      { arbitrary: fc.constantFrom(...NON_METRIC_TYPES), weight: 1 },
    ),
    ae: fc.constantFrom(...USERS),
    at: fc.nat(SPAN - 1),
    businessHours: fc.option(fc.double({ min: 0, max: 400, noNaN: true }), { nil: null }),
  })
  // Only answers carry business hours (from the request to the answer).
  .map((e) => (e.type === 'accepted' || e.type === 'declined' ? e : { ...e, businessHours: null }));
/** A RevOps correction: the handoff's classification set to `to` just before event `before` (mod events + 1). */
const correctionSpec = fc.record({
  handoff: fc.nat(),
  before: fc.nat(),
  to: fc.constantFrom(...CLASSIFICATIONS),
});
const history = fc.record({
  handoffs: fc.array(handoffSpec, { minLength: 1, maxLength: 8 }),
  events: fc.array(eventSpec, { maxLength: 40, size: 'max' }),
  corrections: fc.array(correctionSpec, { maxLength: 6 }),
  /** A metrics window [from, to) as offsets from BASE. */
  window: fc.tuple(fc.nat(SPAN), fc.nat(SPAN)).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a])),
});
type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

// ---------------------------------------------------------------------------------------------------------------
// Database

const withDatabase = scratchDatabases('metric-facts-');

/** The migration's last statement: the backfill of metric_facts from the touch log. */
const BACKFILL_SQL = lastStatementOf('0009_metric_facts.sql');

/**
 * Writes the handoffs, then the events in order (ids ascending), straight into the tables, applying each
 * classification correction just before its event (or after the last one). Returns the handoffs' ids.
 */
function insertHistory(database: AppDatabase, h: History): number[] {
  const insertHandoff = database.sqlite.prepare(`
    INSERT INTO handoffs (team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id,
      ae_name, ae_time_zone, partner_channel_id, account_name, partner_org, partner_contact_name, why_partner,
      customer_trigger, joint_value, warm_path, seller_next_move, partner_next_move, partner_agreed_in_writing,
      response_window_days, sent_at, due_at, partner_key, score, classification, created_at, updated_at)
    VALUES ('T1', @view, 'sent', @author, @author, 'U1', 'T1', 'AE', 'America/New_York', 'C1', 'Account', @org,
      'Contact', 'why', 'trigger', 'value', 'path', 'seller', 'partner', 0, 5, @at, @due, @partner, @score,
      @classification, @at, @at)`);
  const insertEvent = database.sqlite.prepare(`
    INSERT INTO handoff_events (handoff_id, type, to_status, ae_user_id, assignment, cycle, at, business_hours)
    VALUES (@handoff, @type, @toStatus, @ae, 1, 1, @at, @businessHours)`);
  const correct = database.sqlite.prepare('UPDATE handoffs SET classification = ? WHERE id = ?');
  const handoffIds = h.handoffs.map((spec, i) =>
    Number(
      insertHandoff.run({
        view: `V${i}`,
        author: spec.author,
        org: spec.partnerOrg,
        partner: spec.partnerKey,
        score: spec.score,
        classification: spec.classification,
        at: BASE,
        due: BASE + 86_400_000,
      }).lastInsertRowid,
    ),
  );
  const handoffId = (n: number) => handoffIds[n % handoffIds.length] as number;
  const correctBefore = (index: number) => {
    for (const c of h.corrections) {
      if (c.before % (h.events.length + 1) === index) correct.run(c.to, handoffId(c.handoff));
    }
  };
  for (const [i, e] of h.events.entries()) {
    correctBefore(i);
    insertEvent.run({
      handoff: handoffId(e.handoff),
      type: e.type,
      toStatus: TO_STATUS[e.type],
      ae: e.ae,
      at: BASE + e.at,
      businessHours: e.businessHours,
    });
  }
  correctBefore(h.events.length);
  return handoffIds;
}

// ---------------------------------------------------------------------------------------------------------------
// References

const FACT_COLUMNS =
  'at, event_id, type, handoff_id, ae_user_id, business_hours, partner_key, partner_org, author_user_id, score';

/** metric_facts as stored, in its key order. */
const factRows = (database: AppDatabase) =>
  database.sqlite.prepare(`SELECT ${FACT_COLUMNS} FROM metric_facts ORDER BY at, event_id`).all();

/** What metric_facts must hold: the old join of each metric event with its handoff. */
const referenceFacts = (database: AppDatabase) =>
  database.sqlite
    .prepare(`
      SELECT e.at AS at, e.id AS event_id, e.type AS type, e.handoff_id AS handoff_id, e.ae_user_id AS ae_user_id,
        e.business_hours AS business_hours, h.partner_key AS partner_key, h.partner_org AS partner_org,
        h.author_user_id AS author_user_id, h.score AS score
      FROM handoff_events e JOIN handoffs h ON h.id = e.handoff_id
      WHERE e.type IN ${sqlList(METRIC_TYPES)}
      ORDER BY e.at, e.id`)
    .all();

/** Metric facts and the touch log agree row for row, and no other event type got in. */
function expectFactsMatchLog(database: AppDatabase): void {
  const facts = factRows(database);
  expect(facts).toEqual(referenceFacts(database));
  const stray = database.sqlite
    .prepare(`
      SELECT count(*) AS n FROM metric_facts f JOIN handoff_events e ON e.id = f.event_id
      WHERE e.type NOT IN ${sqlList(METRIC_TYPES)} OR f.type NOT IN ${sqlList(METRIC_TYPES)}`)
    .get() as { n: number };
  expect(stray.n).toBe(0);
  const metricCount = database.sqlite
    .prepare(`SELECT count(*) AS n FROM handoff_events WHERE type IN ${sqlList(METRIC_TYPES)}`)
    .get() as { n: number };
  expect(facts.length).toBe(metricCount.n);
}

/**
 * metricEvents as the old read defined it, straight from handoff_events JOIN handoffs: the handoff's current
 * classification on outcome steps only, and the repeat-use flags as EXISTS over earlier accepts.
 */
const REFERENCE_EVENTS_SQL = `
  SELECT e.id AS id, e.type AS type, e.at AS at, e.handoff_id AS handoffId, e.ae_user_id AS aeUserId,
    e.business_hours AS businessHours, h.partner_key AS partnerKey, h.partner_org AS partnerOrg,
    h.author_user_id AS authorUserId, CASE WHEN e.type IN ${sqlList(OUTCOME_TYPES)} THEN h.classification END
    AS classification, h.score AS score,
    e.type = 'accepted' AND EXISTS (
      SELECT 1 FROM handoff_events p
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
    ) AS earlierAccept,
    e.type = 'accepted' AND EXISTS (
      SELECT 1 FROM handoff_events p JOIN handoffs ph ON ph.id = p.handoff_id
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
        AND ph.partner_key = h.partner_key
    ) AS earlierAcceptSamePartner,
    e.type = 'accepted' AND EXISTS (
      SELECT 1 FROM handoff_events p JOIN handoffs ph ON ph.id = p.handoff_id
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
        AND ph.author_user_id = h.author_user_id
    ) AS earlierAcceptSameAuthor
  FROM handoff_events e JOIN handoffs h ON h.id = e.handoff_id
  WHERE e.at >= ? AND e.at < ? AND e.type IN ${sqlList(METRIC_TYPES)}
  ORDER BY e.at, e.id`;

type Flag = 'earlierAccept' | 'earlierAcceptSamePartner' | 'earlierAcceptSameAuthor';
type ReferenceRow = Omit<MetricEventRow, 'at' | Flag> & { at: number } & Record<Flag, number>;

function referenceEvents(database: AppDatabase, from: Date, to: Date): MetricEventRow[] {
  const rows = database.sqlite
    .prepare(REFERENCE_EVENTS_SQL)
    .all(from.getTime(), to.getTime()) as ReferenceRow[];
  return rows.map((r) => ({
    ...r,
    at: new Date(r.at),
    earlierAccept: r.earlierAccept === 1,
    earlierAcceptSamePartner: r.earlierAcceptSamePartner === 1,
    earlierAcceptSameAuthor: r.earlierAcceptSameAuthor === 1,
  }));
}

const windowDates = ([from, to]: [number, number]): [Date, Date] => [
  new Date(BASE + from),
  new Date(BASE + to),
];

const FC_SEED = seedOf(20261109);
const opts = { seed: FC_SEED, numRuns: 100 };

// ---------------------------------------------------------------------------------------------------------------
// Properties

describe('metric facts (migration 0009)', () => {
  it('covers every event type: the nine metric types are the ones metricEvents reads, the rest are not', () => {
    expect([...METRIC_EVENT_TYPES].sort()).toEqual([...METRIC_TYPES].sort());
    expect([...HANDOFF_EVENT_TYPES].sort()).toEqual([...METRIC_TYPES, ...NON_METRIC_TYPES].sort());
  });

  it('reads the migration backfill as its last statement', () => {
    expect(BACKFILL_SQL).toMatch(/^INSERT INTO `metric_facts`/);
    expect(BACKFILL_SQL).toMatch(/FROM `handoff_events` e/);
  });

  it('the trigger keeps metric_facts equal to the join of the touch log and handoffs; the backfill, over a log without the trigger, rebuilds exactly that table (property)', () => {
    fc.assert(
      fc.property(history, (h) =>
        withDatabase((database) => {
          insertHistory(database, h);
          expectFactsMatchLog(database);
          const kept = factRows(database);
          database.sqlite.exec('DROP TRIGGER handoff_events_metric_facts; DELETE FROM metric_facts');
          expect(factRows(database)).toEqual([]);
          database.sqlite.exec(BACKFILL_SQL);
          expect(factRows(database)).toEqual(kept);
        }),
      ),
      opts,
    );
  });

  it('metricEvents equals the old join field for field, with current classifications, in any batches (property)', async () => {
    // Runs where a correction after the whole log changed the classification of a handoff with an outcome step
    // in the window: the case a classification copied into metric_facts would get wrong.
    let reclassifiedOutcomes = 0;
    await fc.assert(
      fc.asyncProperty(
        history,
        fc.array(fc.record({ handoff: fc.nat(), to: fc.constantFrom(...CLASSIFICATIONS) }), {
          minLength: 1,
          maxLength: 4,
        }),
        fc.integer({ min: 1, max: 7 }),
        (h, lateCorrections, size) =>
          withDatabase(async (database) => {
            const db = firstInstallationOf(database.db);
            const handoffIds = insertHistory(database, h);
            const [from, to] = windowDates(h.window);
            const before = referenceEvents(database, from, to);
            const update = database.sqlite.prepare('UPDATE handoffs SET classification = ? WHERE id = ?');
            for (const c of lateCorrections) {
              update.run(c.to, handoffIds[c.handoff % handoffIds.length]);
            }
            const after = referenceEvents(database, from, to);
            if (before.some((e, i) => e.classification !== after[i]?.classification))
              reclassifiedOutcomes += 1;

            for (const [f, t] of [windowDates([0, SPAN]), [from, to] as [Date, Date]]) {
              const expected = referenceEvents(database, f, t);
              expect(await metricEvents(db, f, t)).toEqual(expected);
              // Every event of the window once, in (at, id) order, in batches of 1 to `size`.
              const batches: MetricEventRow[][] = [];
              for await (const batch of metricEventBatches(db, f, t, size)) batches.push(batch);
              expect(batches.flat()).toEqual(expected);
              expect(batches.every((b) => b.length >= 1 && b.length <= size)).toBe(true);
            }
            // Spelled out: each outcome step carries its handoff's classification as it is now.
            const current = new Map(
              (
                database.sqlite.prepare('SELECT id, classification FROM handoffs').all() as {
                  id: number;
                  classification: Classification;
                }[]
              ).map((r) => [r.id, r.classification]),
            );
            for (const e of await metricEvents(db, from, to)) {
              const outcome = (OUTCOME_TYPES as readonly string[]).includes(e.type);
              expect(e.classification).toBe(outcome ? current.get(e.handoffId) : null);
            }
          }),
      ),
      opts,
    );
    expect(reclassifiedOutcomes).toBeGreaterThan(10);
  });
});
