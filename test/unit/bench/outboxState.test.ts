import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { outboxState } from '../../../bench/lib/apps.js';
import { migratedCopy } from '../../support/scratchDb.js';

const dir = mkdtempSync(join(tmpdir(), 'bench-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the bench's outbox backlog", () => {
  it('leaves out rows waiting for their reader’s working hours, so a drain at the weekend ends', () => {
    const path = migratedCopy(join(dir, 'handoff.db'));
    const db = new Database(path);
    const insert = db.prepare(
      `INSERT INTO outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at)
       VALUES (?, ?, 'chat.postMessage', '{}', ?, 0, ?, ?)`,
    );
    const now = Date.now();
    // A reminder swept on a Saturday, held for Monday's working hours: not backlog.
    insert.run('reminder', 'reach:U1AE', 'pending', now + 2 * 86_400_000, now);
    // A DM due now, and one held back by a 429 for a second: backlog.
    insert.run('due', 'reach:U2AE', 'pending', now, now);
    insert.run('limited', 'C0PARTNER', 'pending', now + 1000, now);
    insert.run('sent', 'C0PARTNER', 'delivered', now, now);
    db.close();
    expect(outboxState(path)).toMatchObject({ total: 4, pending: 2, heldForHours: 1, delivered: 1 });
  });
});
