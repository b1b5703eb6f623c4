import { getTableColumns, getTableName, is, sql, Table } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tables } from '../../src/db/engine.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, startHarness } from '../support/harness.js';
import { outboxDrained, QUIET } from '../support/ownerFlow.js';
import { people } from '../support/people.js';
import { acceptInDm, openHome } from '../support/revopsFlow.js';

/**
 * Every row the app writes carries its installation (db/installationScope.ts). The deployment here is a database's
 * second installation: its first (another workspace) was uninstalled, and this one records its workspace at start.
 * Every row written from then on, through the real receiver (a handoff sent, accepted, an App Home, an edit of the
 * program) and by the touch log's triggers, is the second installation's, none the column's default (the first's).
 */

type KeyedTable = Tables['handoffs'];

/** The tables whose rows carry `installation_id`, by SQL name. */
function keyedTables(h: Harness): Map<string, KeyedTable> {
  const tables = Object.values(h.tables).filter((value): value is KeyedTable => is(value, Table));
  return new Map(
    tables
      .filter((table) => 'installationId' in getTableColumns(table))
      .map((table) => [getTableName(table), table]),
  );
}

/** Per keyed table: how many rows, and how many name another installation than `id`. */
async function owners(h: Harness, id: number): Promise<Record<string, { rows: number; others: number }>> {
  const counts: Record<string, { rows: number; others: number }> = {};
  for (const [name, table] of keyedTables(h)) {
    const [row] = await h.database.db
      .select({
        rows: sql<number>`count(*)`,
        others: sql<number>`count(*) filter (where ${sql.identifier('installation_id')} <> ${id})`,
      })
      .from(table);
    counts[name] = { rows: Number(row?.rows ?? 0), others: Number(row?.others ?? 0) };
  }
  return counts;
}

describe('every row carries its installation', () => {
  const running: Harness[] = [];
  afterEach(async () => {
    for (const h of running.splice(0)) await h.stop();
  });

  it('a database’s second installation writes every row as its own, the triggers’ rows too', async () => {
    const first = await startHarness({ env: QUIET });
    const { installations } = first.tables;
    // The first installation was another workspace, since uninstalled.
    await first.database.db.transaction((tx) =>
      tx
        .update(installations)
        .set({ installKey: 'T0EARLIER', teamId: 'T0EARLIER', uninstalledAt: first.clock.now() }),
    );
    await first.stop({ keepDatabase: true });
    const h = await startHarness({ slack: first.slack, env: QUIET, databasePath: first.databaseKey });
    running.push(h);
    const rows = await h.database.db.select().from(installations).orderBy(installations.id);
    expect(rows.map((r) => [r.installKey, r.uninstalledAt === null])).toEqual([
      ['T0EARLIER', false],
      ['T0INTERNAL', true],
    ]);
    // A deployment on SLACK_BOT_TOKEN records its workspace as its installation, and stores no token.
    expect(rows[1]).toMatchObject({
      teamId: 'T0INTERNAL',
      source: 'token',
      sealed: null,
      botUserId: h.slack.botUserId,
    });
    const second = rows[1]?.id ?? 0;
    expect(second).toBeGreaterThan(1);
    const before = await owners(h, second);

    const { handoff, dm } = await sendHandoff(h, account('Keyed Rows'));
    await acceptInDm(h, handoff, dm);
    await openHome(h, people.author.id);
    expect(
      await h.app.program.edit({
        actor: people.owner.id,
        kind: 'pool',
        key: 'keyed',
        body: { users: [people.ae.id] },
      }),
    ).toMatchObject({ ok: true });
    await outboxDrained(h);
    await quiet(h);

    const after = await owners(h, second);
    // Rows of every kind these steps write were written …
    const grown = Object.keys(after).filter((name) => (after[name]?.rows ?? 0) > (before[name]?.rows ?? 0));
    expect(grown).toEqual(
      expect.arrayContaining([
        'handoffs',
        'handoff_events',
        'decisions',
        'first_accepts',
        'metric_facts',
        'outbox',
        'posted_messages',
        'surfaces',
        'partners',
        'home_views',
        'program_log',
      ]),
    );
    // … and none as another installation's: the rows naming another are the ones from before this start.
    for (const [name, counts] of Object.entries(after))
      expect(counts.others, `${name}: rows of another installation`).toBeLessThanOrEqual(
        before[name]?.rows ?? 0,
      );
  });
});
