import { describe, expect, it } from 'vitest';
import { firstInstallationOf } from '../../src/db/owned.js';
import { insertHandoff } from '../../src/db/repositories/handoffs.js';
import type { ComponentResult, ComponentScore } from '../../src/domain/scoring.js';
import { sentHandoffRow } from '../support/handoffRow.js';
import { lastStatementsOf, scratchDatabases } from '../support/scratchDb.js';

/**
 * Migration 0033's backfill: the scorecard the author reviewed moves from the handoff's row to `handoff_scorecards`,
 * scored when the handoff was sent or last edited, and the row's copy is cleared (the row a decision rewrites is half
 * the size after). A handoff without a scorecard gets no row.
 */

const withDatabase = scratchDatabases('scorecards-migration-');
const [MOVE, CLEAR] = lastStatementsOf('0033_handoff_scorecards.sql', 2);

const card = (score: ComponentScore): ComponentResult[] => [
  { id: 'target_account', score, reason: `score ${score}: “quoted” ✓` },
];

describe('migration 0033: the scorecards move to their own table', () => {
  it('copies each stored scorecard with when it was scored, clears the row’s copy, and leaves the rest', async () => {
    await withDatabase(async (database) => {
      const at = new Date('2026-11-02T09:00:00.000Z');
      const edited = new Date('2026-11-03T10:30:00.000Z');
      // As a version before the migration wrote them: the scorecard on the row.
      for (const row of [
        sentHandoffRow(at, { sourceViewId: 'V1', scorecard: card(2), score: 2 }),
        sentHandoffRow(at, { sourceViewId: 'V2', scorecard: card(1), score: 1, editedAt: edited }),
        sentHandoffRow(at, { sourceViewId: 'V3', scorecard: null }),
      ])
        await firstInstallationOf(database.db).transaction((tx) => insertHandoff(tx, row));
      const sqlite = database.sqlite;
      sqlite.exec(MOVE ?? '');
      sqlite.exec(CLEAR ?? '');

      expect(
        sqlite
          .prepare(
            'SELECT handoff_id AS id, components, scored_at AS at FROM handoff_scorecards ORDER BY handoff_id',
          )
          .all(),
      ).toEqual([
        { id: 1, components: JSON.stringify(card(2)), at: at.getTime() },
        { id: 2, components: JSON.stringify(card(1)), at: edited.getTime() },
      ]);
      expect(sqlite.prepare('SELECT id, scorecard, score FROM handoffs ORDER BY id').all()).toEqual([
        { id: 1, scorecard: null, score: 2 },
        { id: 2, scorecard: null, score: 1 },
        { id: 3, scorecard: null, score: null },
      ]);
    });
  });
});
