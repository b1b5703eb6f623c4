import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AppDatabase, openDatabase } from '../../../src/db/client.js';
import { insertHandoff, recordDecision } from '../../../src/db/repositories/handoffs.js';
import { decisions } from '../../../src/db/schema.js';
import { sentHandoffRow } from '../../support/handoffRow.js';

const at = new Date('2026-11-23T14:00:00Z');

function newHandoff(sourceViewId: string) {
  return sentHandoffRow(at, { sourceViewId });
}

describe('handoff repository (real migrated SQLite file)', () => {
  let dir: string;
  let database: AppDatabase;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-repo-'));
    database = openDatabase(join(dir, 'handoff.db'));
  });
  afterEach(() => {
    database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores one handoff per modal view, returning the first on a repeat', () => {
    const first = insertHandoff(database.db, newHandoff('V1'));
    const again = insertHandoff(database.db, { ...newHandoff('V1'), accountName: 'Changed' });
    expect(first.created).toBe(true);
    expect(again).toEqual({ handoff: first.handoff, created: false });
  });

  it('records only the first of two decisions on the same handoff', () => {
    const { handoff } = insertHandoff(database.db, newHandoff('V2'));
    const actor = { userId: 'U0AE', teamId: 'T0INTERNAL' };
    const base = { handoffId: handoff.id, reasonCode: null, note: null, actor, at };
    const accepted = recordDecision(database.db, { ...base, decision: 'accepted' });
    const declined = recordDecision(database.db, { ...base, decision: 'declined', reasonCode: 'timing' });
    expect(accepted?.handoff.status).toBe('accepted');
    expect(accepted?.handoff.lastActivityAt).toEqual(at);
    expect(accepted?.decision).toMatchObject({ handoffId: handoff.id, decision: 'accepted' });
    expect(declined).toBeUndefined();
    expect(database.db.select().from(decisions).all()).toEqual([
      expect.objectContaining({ handoffId: handoff.id, decision: 'accepted' }),
    ]);
  });

  it('refuses a second decision row even if the status guard were bypassed', () => {
    const { handoff } = insertHandoff(database.db, newHandoff('V3'));
    const row = {
      handoffId: handoff.id,
      decision: 'accepted' as const,
      decidedByUserId: 'U0AE',
      decidedByTeamId: 'T0INTERNAL',
      decidedAt: at,
    };
    database.db.insert(decisions).values(row).run();
    expect(() => database.db.insert(decisions).values(row).run()).toThrow(/UNIQUE/);
  });
});
