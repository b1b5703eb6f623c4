import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDatabase } from '../../../src/db/client.js';
import { ownedBy } from '../../../src/db/owned.js';
import { watchersRecord } from '../../../src/db/repositories/followers.js';
import { partnerThreadRecord } from '../../../src/db/repositories/partnerThreads.js';
import { freshDatabase, queryPlans } from '../../support/unitrest-freshDatabase.js';

/**
 * The two reads every decision and outcome makes in its transaction, each one statement of one arm per source (issue
 * 56): SQLite's plan of each, as an installation's executor (`ownedBy`) runs it, probes every table by an index (a
 * SEARCH), never reads one whole (a SCAN). Taken from the statement the app prepared (`EXPLAIN QUERY PLAN`), on a real
 * migrated file.
 */

describe('the decision’s reads of the partner thread and the watchers, by their plans on SQLite', () => {
  let database: AppDatabase;
  let plans: string[];
  let restore: () => void;
  beforeEach(() => {
    database = freshDatabase('decision-plans-');
    // The writing connection: the app reads them in the decision's transaction.
    ({ plans, restore } = queryPlans(database.sqlite, (source) => /union all/.test(source)));
  });
  afterEach(() => {
    restore();
    database.close();
  });

  it('the partner thread (the decisions, the outcomes, the parent posted and queued) and the watchers (the followers, the partner’s newest part), each by its index', async () => {
    await ownedBy(database.db, 1).transaction((tx) => partnerThreadRecord(tx, 7, 'handoff:7:partner'));
    expect(plans).toHaveLength(1);
    const plan = plans[0] ?? '';
    for (const index of [
      'decisions_handoff_id_assignment_idx',
      'outcomes_handoff_id_outcome_idx',
      'sqlite_autoindex_posted_messages_1',
      'outbox_record_as_idx',
    ])
      expect(plan).toContain(index);
    expect(plan).not.toMatch(/\bSCAN (decisions|outcomes|posted_messages|outbox)\b/);
    await ownedBy(database.db, 1).transaction((tx) => watchersRecord(tx, 7, '3'));
    expect(plans).toHaveLength(2);
    const watchers = plans[1] ?? '';
    for (const index of ['program_log_part', 'sqlite_autoindex_handoff_followers_1'])
      expect(watchers).toContain(index);
    expect(watchers).not.toMatch(/\bSCAN (program_log|handoff_followers)\b/);
  });
});
