import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { dueHeads, isQueued, lockDueHeads } from '../../src/db/repositories/outbox.js';
import { deferMethod } from '../../src/db/repositories/outboxAttempts.js';
import { createDatabase } from '../support/postgres.js';

/**
 * The outbox's hot queries on Postgres read through their indexes (issue 56): the worker's look for due messages at
 * every wake-up (and its locked twin, the claim), a 429's deferral of its method, and the dedupe lookup of every
 * queued message. Each is run as the app runs it (its repository function, prepared), the statement it sent is
 * taken from the wire, and `EXPLAIN` reads the plan Postgres chose for it, on an outbox grown as a busy deployment's
 * is: 60,000 delivered rows and 1,200 waiting over 400 conversations, analyzed. A plan that reads the whole table
 * (a sequential scan of `outbox`) fails here, with the plan in the message.
 */

const NOW = new Date('2026-11-27T12:00:00Z');

interface Sent {
  text: string;
  values: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

const nodesOf = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(nodesOf)];

let database: PostgresDatabase;
let explainer: pg.Client;
const sent: Sent[] = [];
const realQuery = pg.Client.prototype.query;

beforeAll(async () => {
  const url = await createDatabase('plans');
  database = await openPostgresDatabase(url, { max: 2 });
  explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  // 60,000 rows delivered (the history the retention keeps), then 1,200 waiting: 3 in each of 400 conversations,
  // half of them chat.update, due over the last and the next ten minutes.
  await explainer.query(
    `
    insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at, delivered_at)
    select 'done:' || n, 'D' || (n % 2000), 'chat.postMessage', '{"text":"hi"}', 'delivered', 1,
           $1::timestamptz - (n || ' seconds')::interval, $1::timestamptz - (n || ' seconds')::interval,
           $1::timestamptz - (n || ' seconds')::interval
    from generate_series(1, 60000) as n`,
    [NOW],
  );
  await explainer.query(
    `
    insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at)
    select 'wait:' || n, 'C' || (n % 400), case when n % 2 = 0 then 'chat.update' else 'chat.postMessage' end,
           '{"text":"hi"}', 'pending', 0,
           $1::timestamptz + ((n % 1200 - 600) || ' seconds')::interval, $1::timestamptz
    from generate_series(1, 1200) as n`,
    [NOW],
  );
  await explainer.query('analyze outbox');
  // Every statement the app's clients send, as sent (the prepared ones by their name and text).
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const [config, values] = args as [unknown, unknown];
    if (typeof config === 'object' && config !== null && 'text' in config) {
      const c = config as { text: string; values?: unknown[] };
      // drizzle passes a prepared statement's values beside its config, node-postgres's own calls inside it.
      sent.push({ text: c.text, values: c.values ?? (Array.isArray(values) ? values : []) });
    } else if (typeof config === 'string')
      sent.push({ text: config, values: Array.isArray(values) ? values : [] });
    return (realQuery as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof pg.Client.prototype.query;
}, 60_000);

afterAll(async () => {
  pg.Client.prototype.query = realQuery;
  await explainer?.end();
  await database?.close();
});

/** Runs `call`, then the plan of the one statement it sent that `pattern` names. */
async function planOf(
  call: () => Promise<unknown>,
  pattern: RegExp,
): Promise<{ text: string; nodes: PlanNode[] }> {
  sent.length = 0;
  await call();
  const statements = sent.filter((s) => pattern.test(s.text));
  expect(
    statements.map((s) => s.text.slice(0, 60)),
    `one statement matching ${pattern}`,
  ).toHaveLength(1);
  const [{ text, values }] = statements as [Sent];
  const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (format json) ${text}`,
    values.map((v) => (v instanceof Date ? v.toISOString() : v)),
  );
  const plan = rows[0]?.['QUERY PLAN'][0].Plan as PlanNode;
  return { text, nodes: nodesOf(plan) };
}

/** The plan reads `outbox` through these indexes, and never scans it whole. */
function expectIndexed(plan: { text: string; nodes: PlanNode[] }, indexes: string[]) {
  const shown = JSON.stringify(
    plan.nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].filter(Boolean).join(' ')),
  );
  const seqScans = plan.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'outbox');
  expect(seqScans, `no sequential scan of the outbox: ${shown}`).toEqual([]);
  const used = new Set(plan.nodes.map((n) => n['Index Name']).filter(Boolean));
  for (const index of indexes) expect(used.has(index), `${index} in ${shown}`).toBe(true);
}

describe("the outbox's hot queries on Postgres, by their plans", () => {
  it("the worker's look for due messages: by when they are due, each conversation's earlier rows by its index", async () => {
    const plan = await planOf(() => dueHeads(database.db, NOW, 20), /from "outbox"/);
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx', 'outbox_channel_key_status_id_idx']);
  });

  it('the claim (the same look, its rows locked, skipping those locked)', async () => {
    const plan = await planOf(
      () => database.db.transaction((tx) => lockDueHeads(tx, NOW, 20)),
      /for update skip locked/,
    );
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx', 'outbox_channel_key_status_id_idx']);
  });

  it("a 429's deferral of its method: the waiting rows due before its end, not the delivered history", async () => {
    const plan = await planOf(
      () =>
        database.db.transaction((tx) =>
          deferMethod(tx, 'chat.update', new Date(NOW.getTime() + 30_000), NOW),
        ),
      /^update "outbox"/,
    );
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx']);
  });

  it("the dedupe lookup of a queued message: by the installation's key", async () => {
    const plan = await planOf(() => isQueued(database.db, 'done:12345'), /"dedupe_key" = /);
    expectIndexed(plan, ['outbox_dedupe_key_idx']);
  });
});
