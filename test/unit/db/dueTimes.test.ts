import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf, ownedBy } from '../../../src/db/owned.js';
import { handoffDueBy, nextDueAt } from '../../../src/db/repositories/dueTimes.js';
import { insertHandoff } from '../../../src/db/repositories/handoffs.js';
import { handoffs } from '../../../src/db/schema.js';
import type { Db } from '../../../src/db/types.js';
import { sentHandoffRow } from '../../support/handoffRow.js';
import { SWEEP_DUE_INDEXES } from '../../support/sweepIndexes.js';
import { freshDatabase, queryPlans } from '../../support/unitrest-freshDatabase.js';

const sent = new Date('2026-11-20T14:00:00Z');
const t = (iso: string) => new Date(iso);

describe('nextDueAt: when a scheduled job next has something to do (real migrated SQLite file)', () => {
  let database: AppDatabase;
  let db: Db;
  beforeEach(() => {
    database = freshDatabase('due-times-');
    db = firstInstallationOf(database.db);
  });
  afterEach(() => {
    database.close();
  });

  it('is the earliest of an undecided window end, reminder and escalation step after the time asked; none when empty', async () => {
    expect(await nextDueAt(db, sent)).toBeUndefined();
    await db.transaction((tx) =>
      insertHandoff(tx, {
        ...sentHandoffRow(sent, { sourceViewId: 'V1' }),
        dueAt: t('2026-11-25T14:00:00Z'),
        nextReminderAt: t('2026-11-24T14:00:00Z'),
        nextEscalationAt: t('2026-11-26T14:00:00Z'),
      }),
    );
    expect(await nextDueAt(db, sent)).toEqual(t('2026-11-24T14:00:00Z'));
    // Strictly after: what is due at the time asked was done by the run at that time.
    expect(await nextDueAt(db, t('2026-11-24T14:00:00Z'))).toEqual(t('2026-11-25T14:00:00Z'));
    expect(await nextDueAt(db, t('2026-11-25T14:00:00Z'))).toEqual(t('2026-11-26T14:00:00Z'));
    expect(await nextDueAt(db, t('2026-11-26T14:00:00Z'))).toBeUndefined();
  });

  it('ignores the window end and reminders of a decided handoff', async () => {
    await db.transaction((tx) =>
      insertHandoff(tx, {
        ...sentHandoffRow(sent, { sourceViewId: 'V2' }),
        status: 'accepted',
        dueAt: t('2026-11-25T14:00:00Z'),
        nextReminderAt: t('2026-11-24T14:00:00Z'),
      }),
    );
    expect(db.select().from(handoffs).all()).toHaveLength(1);
    expect(await nextDueAt(db, sent)).toBeUndefined();
  });
});

describe("handoffDueBy's plan on SQLite: each due time by its own index, never the installation's rows", () => {
  it('probes the six status indexes, as a token deployment (for its one installation) asks each minute', async () => {
    // As one OR of the due times, SQLite chose the installation's equality (handoffs_source_view_id_idx)
    // and read every handoff of the installation each minute; a million on a large token deployment.
    const database = freshDatabase('due-plan-');
    try {
      const { plans, restore } = queryPlans(
        database.db.$client,
        (source) => /from "handoffs"/.test(source) && /union all/.test(source),
      );
      expect(await handoffDueBy(ownedBy(database.db, 1), sent)).toBe(false);
      restore();
      expect(plans).toHaveLength(1);
      const plan = plans[0] ?? '';
      for (const index of SWEEP_DUE_INDEXES) expect(plan).toContain(`USING INDEX ${index} (status=`);
      expect(plan).not.toMatch(/SCAN handoffs|handoffs_source_view_id_idx/);
    } finally {
      database.close();
    }
  });
});
