import { eq, getTableColumns } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../src/db/client.js';
import * as pgSchema from '../../src/db/pg/schema.js';
import * as sqliteSchema from '../../src/db/schema.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { openPostgres, openSqlite, type PgDatabase } from './engines.js';

/**
 * One row written and read back through drizzle on each engine comes back as the same object: timestamps to the
 * millisecond, booleans, JSON of every shape the handoffs table keeps, no partner channel (kept as ''), the
 * defaults each engine fills in.
 */

const at = new Date('2026-03-09T14:05:06.789Z');

const handoff: sqliteSchema.NewHandoffRow = sentHandoffRow(at, {
  sourceViewId: 'V0ROUNDTRIP',
  // drizzle binds a null without the column's encoder, so writers pass '' (src/db/columns.ts optionalChannelId).
  partnerChannelId: '',
  partnerAgreedInWriting: true,
  onPriorityList: false,
  decidedAt: null,
  nextReminderAt: new Date(at.getTime() + 86_400_001),
  reminderSchedule: [at.getTime() + 86_400_001, at.getTime() + 172_800_002],
  escalationSteps: [{ at: at.getTime() + 259_200_000, level: 1, repeat: 0 }],
  scorecard: [{ id: 'target_account', score: 2, reason: 'strong: named account, “quoted” ünïcode ✓' }],
  score: 15,
  scoreBand: 'ready',
  classification: 'partner_sourced',
  attribution: {
    basis: 'crm',
    crm: 'Salesforce',
    listed: 2,
    opportunity: {
      system: 'salesforce',
      id: '006000000000001AAA',
      name: 'Northwind',
      createdOn: '2026-03-01',
    },
    choice: 'rule',
  },
  findings: [
    {
      kind: 'conflict',
      handoffId: 7,
      accountName: 'Northwind',
      partnerOrg: 'Other',
      status: 'accepted',
      aeUserId: 'U0OTHER',
    },
    { kind: 'reseller', resellerName: 'Resell Co', accountName: 'Northwind' },
  ],
  editedFields: [],
  editedAt: new Date(at.getTime() + 1),
  riskNote: 'O\'Brien says \\ and "quotes" and a tab\there',
});

describe('a handoff row through drizzle on both engines', () => {
  let sqlite: AppDatabase;
  let postgres: PgDatabase;
  beforeAll(async () => {
    sqlite = openSqlite();
    postgres = await openPostgres('round_trip');
  });
  afterAll(async () => {
    sqlite?.close();
    await postgres?.close();
  });

  it('reads back equal objects, equal to what was written plus the same defaults', async () => {
    const fromSqlite = await sqlite.db.transaction((tx) =>
      tx.insert(sqliteSchema.handoffs).values(handoff).returning().get(),
    );
    const [inserted] = await postgres.db.insert(pgSchema.handoffs).values(handoff).returning();
    const [fromPg] = await postgres.db
      .select()
      .from(pgSchema.handoffs)
      .where(eq(pgSchema.handoffs.id, fromSqlite.id));

    expect(inserted).toEqual(fromPg);
    expect(fromPg).toEqual(fromSqlite);
    // Every column not written is null, but those with a default.
    const nulls = Object.fromEntries(
      Object.keys(getTableColumns(sqliteSchema.handoffs)).map((key) => [key, null]),
    );
    const defaults = {
      id: 1,
      assignment: 1,
      cycle: 1,
      accountKey: '',
      partnerKey: '',
      editCount: 0,
      questionOpen: false,
      stepNewDates: 0,
      // The column's default, the first installation's (db/columns.ts): a write that names none.
      installationId: 1,
    };
    expect(fromSqlite).toEqual({ ...nulls, ...defaults, ...handoff, partnerChannelId: null });
    expect(fromPg?.sentAt).toBeInstanceOf(Date);
    expect(fromPg?.sentAt.getTime()).toBe(at.getTime());
    // No partner channel is '' in SQL on both engines, as the repositories' queries expect.
    expect(fromPg?.partnerChannelId).toBeNull();
    const raw = await postgres.pool.query('select partner_channel_id from handoffs');
    expect(raw.rows).toEqual([{ partner_channel_id: '' }]);
    expect(sqlite.sqlite.prepare('select partner_channel_id from handoffs').all()).toEqual(raw.rows);
  });
});
