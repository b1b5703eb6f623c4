import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { METRIC_EVENT_TYPES, metricEvents } from '../../src/db/repositories/metrics.js';
import { createMetrics } from '../../src/revops/metrics.js';
import { lastStatementOf, scratchDatabases } from '../support/scratchDb.js';
import { seedOf } from '../support/seed.js';

/**
 * Repeat use (migration 0006): the earlierAccept* flags metricEvents reads from first_accepts, kept by a trigger on
 * handoff_events (or rebuilt by the migration's backfill), must be exactly what the old EXISTS subqueries over the
 * touch log gave. Random histories of a few AEs, partners and authors, where the same handoff can be accepted more
 * than once and other events are interleaved, are written straight into a fresh migrated SQLite file per run, and
 * metricEvents is compared with an independent EXISTS query over the same rows.
 */

// The histories.

/**
 * AE ids, author ids and partner keys share one small alphabet on purpose: a scope mix-up in first_accepts (a
 * partner key read as an author, or as the overall '' scope) would then give wrong flags instead of no match.
 */
const KEYS = ['U1', 'U2', 'U3'] as const;
const OTHER_TYPES = ['sent', 'declined', 'expired', 'reassigned', 'reminded'] as const;
/** Event times are offsets (ms) from BASE in [0, SPAN): not in id order, so the at-ordered scan is exercised too. */
const BASE = Date.UTC(2026, 10, 2);
const SPAN = 1000;

interface HandoffSpec {
  partner: number;
  author: number;
}
interface EventSpec {
  /** Taken modulo the number of handoffs. */
  handoff: number;
  ae: number;
  type: 'accepted' | (typeof OTHER_TYPES)[number];
  at: number;
}
interface History {
  handoffs: HandoffSpec[];
  events: EventSpec[];
  /** A metrics window [from, to) as offsets from BASE. */
  window: [number, number];
}

const handoffSpec = fc.record({ partner: fc.nat(KEYS.length - 1), author: fc.nat(KEYS.length - 1) });
const eventSpec = fc.record({
  handoff: fc.nat(),
  ae: fc.nat(KEYS.length - 1),
  type: fc.oneof(
    { arbitrary: fc.constant('accepted' as const), weight: 4 },
    { arbitrary: fc.constantFrom(...OTHER_TYPES), weight: 3 },
  ),
  at: fc.nat(SPAN - 1),
});
const history: fc.Arbitrary<History> = fc.record({
  handoffs: fc.array(handoffSpec, { minLength: 1, maxLength: 12 }),
  // Full-length logs too (the default size keeps arrays short): re-accepts then another handoff are common.
  events: fc.array(eventSpec, { maxLength: 40, size: 'max' }),
  window: fc.tuple(fc.nat(SPAN), fc.nat(SPAN)).map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a])),
});

// The database.

const withDatabase = scratchDatabases('first-accepts-');

/**
 * The migration's last statement: the backfill of first_accepts from the touch log. Its conflict target is the key of
 * its day; since migration 0049 the key names the installation first (the backfill's rows are the first
 * installation's, the column's default), so the same statement runs on today's table with today's key.
 */
const BACKFILL_SQL = lastStatementOf('0006_repeat_use_first_accepts.sql').replace(
  'ON CONFLICT (`ae_user_id`, `scope`, `scope_key`)',
  'ON CONFLICT (`installation_id`, `ae_user_id`, `scope`, `scope_key`)',
);

/** Writes the handoffs and then the events, in order (ids ascending), straight into the tables. */
function insertHistory(database: AppDatabase, h: Pick<History, 'handoffs' | 'events'>): number[] {
  const insertHandoff = database.sqlite.prepare(`
    INSERT INTO handoffs (team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id,
      ae_name, ae_time_zone, partner_channel_id, account_name, partner_org, partner_contact_name, why_partner,
      customer_trigger, joint_value, warm_path, seller_next_move, partner_next_move, partner_agreed_in_writing,
      response_window_days, sent_at, due_at, partner_key, created_at, updated_at)
    VALUES ('T1', @view, 'sent', @author, @author, 'U1', 'T1', 'AE', 'America/New_York', 'C1', 'Account', @org,
      'Contact', 'why', 'trigger', 'value', 'path', 'seller', 'partner', 0, 5, @at, @due, @partner, @at, @at)`);
  const insertEvent = database.sqlite.prepare(`
    INSERT INTO handoff_events (handoff_id, type, to_status, ae_user_id, assignment, cycle, at)
    VALUES (@handoff, @type, @toStatus, @ae, 1, 1, @at)`);
  const ids = h.handoffs.map((spec, i) =>
    Number(
      insertHandoff.run({
        view: `V${i}`,
        author: KEYS[spec.author],
        org: `Partner ${KEYS[spec.partner]}`,
        partner: KEYS[spec.partner],
        at: BASE,
        due: BASE + 86_400_000,
      }).lastInsertRowid,
    ),
  );
  const toStatus: Record<EventSpec['type'], string> = {
    accepted: 'accepted',
    declined: 'declined',
    expired: 'expired',
    sent: 'sent',
    reassigned: 'sent',
    reminded: 'sent',
  };
  return h.events.map((e) =>
    Number(
      insertEvent.run({
        handoff: ids[e.handoff % ids.length],
        type: e.type,
        toStatus: toStatus[e.type],
        ae: KEYS[e.ae],
        at: BASE + e.at,
      }).lastInsertRowid,
    ),
  );
}

interface Flags {
  id: number;
  type: string;
  earlierAccept: boolean;
  earlierAcceptSamePartner: boolean;
  earlierAcceptSameAuthor: boolean;
}

/** The old definition: EXISTS an earlier accept by the same AE of another handoff (of the same partner, author). */
const REFERENCE_SQL = `
  SELECT e.id, e.type,
    CASE WHEN e.type = 'accepted' THEN EXISTS (
      SELECT 1 FROM handoff_events p
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
    ) ELSE 0 END,
    CASE WHEN e.type = 'accepted' THEN EXISTS (
      SELECT 1 FROM handoff_events p JOIN handoffs ph ON ph.id = p.handoff_id
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
        AND ph.partner_key = h.partner_key
    ) ELSE 0 END,
    CASE WHEN e.type = 'accepted' THEN EXISTS (
      SELECT 1 FROM handoff_events p JOIN handoffs ph ON ph.id = p.handoff_id
      WHERE p.type = 'accepted' AND p.ae_user_id = e.ae_user_id AND p.id < e.id AND p.handoff_id <> e.handoff_id
        AND ph.author_user_id = h.author_user_id
    ) ELSE 0 END
  FROM handoff_events e JOIN handoffs h ON h.id = e.handoff_id
  WHERE e.at >= ? AND e.at < ? AND e.type IN (${METRIC_EVENT_TYPES.map((t) => `'${t}'`).join(', ')})
  ORDER BY e.id`;

function reference(database: AppDatabase, from: Date, to: Date): Flags[] {
  type Row = [id: number, type: string, any: number, partner: number, author: number];
  const rows = database.sqlite.prepare(REFERENCE_SQL).raw().all(from.getTime(), to.getTime()) as Row[];
  return rows.map(([id, type, any, partner, author]) => ({
    id,
    type,
    earlierAccept: any === 1,
    earlierAcceptSamePartner: partner === 1,
    earlierAcceptSameAuthor: author === 1,
  }));
}

async function actual(database: AppDatabase, from: Date, to: Date): Promise<Flags[]> {
  return [...(await metricEvents(firstInstallationOf(database.db), from, to))]
    .map((e) => ({
      id: e.id,
      type: e.type,
      earlierAccept: e.earlierAccept,
      earlierAcceptSamePartner: e.earlierAcceptSamePartner,
      earlierAcceptSameAuthor: e.earlierAcceptSameAuthor,
    }))
    .sort((a, b) => a.id - b.id);
}

/** metricEvents agrees with the EXISTS definition over the whole history and over the run's window. */
async function expectSameFlags(database: AppDatabase, window: [number, number]): Promise<void> {
  const windows: [number, number][] = [[0, SPAN], window];
  for (const [from, to] of windows) {
    const f = new Date(BASE + from);
    const t = new Date(BASE + to);
    expect(await actual(database, f, t)).toEqual(reference(database, f, t));
  }
}

const firstAcceptsRows = (database: AppDatabase) =>
  database.sqlite.prepare('SELECT * FROM first_accepts ORDER BY ae_user_id, scope, scope_key').all();

const FC_SEED = seedOf(20261123);
const opts = { seed: FC_SEED, numRuns: 100 };

// The properties.

describe('repeat use from first_accepts (migration 0006)', () => {
  it('a hand-worked history: the reference query and metricEvents both give the expected flags', async () => {
    await withDatabase(async (database) => {
      // Handoffs: 0 (partner U1, author U1), 1 (partner U1, author U2), 2 (partner U2, author U1).
      const ids = insertHistory(database, {
        handoffs: [
          { partner: 0, author: 0 },
          { partner: 0, author: 1 },
          { partner: 1, author: 0 },
        ],
        events: [
          { handoff: 0, ae: 0, type: 'sent', at: 1 },
          { handoff: 0, ae: 0, type: 'accepted', at: 2 }, // first accept of U1: no repeat
          { handoff: 0, ae: 0, type: 'reassigned', at: 3 },
          { handoff: 0, ae: 0, type: 'accepted', at: 4 }, // same handoff again: still no repeat
          { handoff: 1, ae: 1, type: 'accepted', at: 5 }, // another AE's first: no repeat
          { handoff: 2, ae: 0, type: 'accepted', at: 6 }, // U1 again, other partner, same author
          { handoff: 0, ae: 0, type: 'accepted', at: 7 }, // handoff 0 after handoff 2: repeat, same author only
          { handoff: 1, ae: 0, type: 'declined', at: 8 },
          { handoff: 1, ae: 0, type: 'accepted', at: 9 }, // same partner as 0, other author than 0 and 2
        ],
      });
      const flags = (id: number | undefined, any: boolean, partner: boolean, author: boolean) => ({
        id,
        type: 'accepted',
        earlierAccept: any,
        earlierAcceptSamePartner: partner,
        earlierAcceptSameAuthor: author,
      });
      const expected = [
        flags(ids[1], false, false, false),
        flags(ids[3], false, false, false),
        flags(ids[4], false, false, false),
        flags(ids[5], true, false, true),
        flags(ids[6], true, false, true),
        flags(ids[8], true, true, false),
      ];
      const accepts = (rows: Flags[]) => rows.filter((r) => r.type === 'accepted');
      const from = new Date(BASE);
      const to = new Date(BASE + SPAN);
      expect(accepts(reference(database, from, to))).toEqual(expected);
      expect(accepts(await actual(database, from, to))).toEqual(expected);
    });
  });

  // So the backfill's table gives the same flags too, as on a log written before the trigger.
  it('the trigger keeps first_accepts so that the flags equal the EXISTS definition; the backfill rebuilds exactly that table (property)', async () => {
    await fc.assert(
      fc.asyncProperty(history, (h) =>
        withDatabase(async (database) => {
          insertHistory(database, h);
          await expectSameFlags(database, h.window);
          const kept = firstAcceptsRows(database);
          database.sqlite.exec('DELETE FROM first_accepts');
          database.sqlite.exec(BACKFILL_SQL);
          expect(firstAcceptsRows(database)).toEqual(kept);
        }),
      ),
      opts,
    );
  });

  it('lets other work run between batches: a long period never holds the event loop for the whole read', async () => {
    await withDatabase(async (database) => {
      const events = Array.from({ length: 9000 }, (_, i) => ({
        handoff: i % 40,
        ae: i % 3,
        type: i % 2 === 0 ? ('sent' as const) : ('accepted' as const),
        at: i % SPAN,
      }));
      insertHistory(database, {
        handoffs: Array.from({ length: 40 }, (_, i) => ({ partner: i % 3, author: i % 2 })),
        events,
      });
      const clock = { now: () => new Date(BASE + SPAN) };
      const metrics = createMetrics({
        db: firstInstallationOf(database.db),
        clock,
        timeZone: 'UTC',
        trendWeeks: 4,
      });
      let ticks = 0;
      let done = false;
      const tick = () => {
        ticks += 1;
        if (!done) setImmediate(tick);
      };
      setImmediate(tick);
      const m = await metrics.program(new Date(BASE), new Date(BASE + SPAN));
      done = true;
      expect(m.overall.sent).toBe(4500);
      expect(m.overall.accepted).toBe(4500);
      // 9,000 events in batches of 2,000: the ticker ran between every batch.
      expect(ticks).toBeGreaterThanOrEqual(4);
    });
  });
});
