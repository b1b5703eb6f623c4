import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { firstInstallationOf, ownedBy } from '../../src/db/owned.js';
import { openPostgresDatabase, type PostgresDatabase } from '../../src/db/pg/store.js';
import { expandPendingChanges } from '../../src/db/repositories/changes.js';
import { handoffDueBy } from '../../src/db/repositories/dueTimes.js';
import { watchersRecord } from '../../src/db/repositories/followers.js';
import { dueHeads, isQueued, lockDueHeads } from '../../src/db/repositories/outbox.js';
import { deferMethod } from '../../src/db/repositories/outboxAttempts.js';
import { installationsDue } from '../../src/db/repositories/outboxChannels.js';
import { partnerThreadRecord } from '../../src/db/repositories/partnerThreads.js';
import { programRevision } from '../../src/db/repositories/program.js';
import type { Db } from '../../src/db/types.js';
import { createDatabase } from '../support/postgres.js';
import { SWEEP_DUE_INDEXES } from '../support/sweepIndexes.js';

/**
 * The outbox's hot queries on Postgres read through their indexes (issue 56): the worker's look for due messages at
 * every wake-up (and its locked twin, the claim), the one look each second for the installations with messages due,
 * a 429's deferral of its method, the dedupe lookup of every queued message, and a decision's look for its handoff's
 * changes still waiting; and a minute's sweep asking whether anything is due. Each is run as the app runs it (its
 * repository function, prepared), the statement it sent is taken from the wire, and `EXPLAIN` reads the plan Postgres
 * chose for it (and the generic plan it keeps for a prepared statement after five runs, where it matters), on an
 * outbox grown as a busy deployment's is: 80,000 delivered rows, analyzed, then a backlog of 9,200 waiting that the
 * statistics have not seen yet. A plan that reads the whole table (a sequential scan of `outbox`), or the wrong index,
 * fails here, with the plan in the message.
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
/** The first installation's view of it, as the app's repositories are called. */
let db: Db;
let explainer: pg.Client;
const sent: Sent[] = [];
const realQuery = pg.Client.prototype.query;

beforeAll(async () => {
  const url = await createDatabase('plans');
  database = await openPostgresDatabase(url, { max: 2 });
  db = firstInstallationOf(database.db);
  explainer = new pg.Client({ connectionString: url });
  await explainer.connect();
  // The history the retention keeps: 60,000 posts delivered over 2,000 conversations, and 20,000 changes expanded
  // over 5,000 handoffs. Analyzed then, while nothing waited.
  await explainer.query(
    `
    insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at, delivered_at)
    select 'done:' || n, 'D' || (n % 2000), 'chat.postMessage', '{"text":"hi"}'::jsonb, 'delivered', 1,
           $1::timestamptz - (n || ' seconds')::interval, $1::timestamptz - (n || ' seconds')::interval,
           $1::timestamptz - (n || ' seconds')::interval
    from generate_series(1, 60000) as n
    union all
    select 'change:' || n, 'refresh:' || (n % 5000), 'handoff.change', '{}', 'delivered', 1,
           $1::timestamptz - (n || ' seconds')::interval, $1::timestamptz - (n || ' seconds')::interval,
           $1::timestamptz - (n || ' seconds')::interval
    from generate_series(1, 20000) as n`,
    [NOW],
  );
  await explainer.query('analyze outbox');
  // Then a backlog, before autovacuum analyzes again (10% of the table away): 1,200 posts waiting, 3 in each of 400
  // conversations, half of them chat.update, due over the last and the next ten minutes; and 8,000 handoffs' changes
  // waiting (a Slack outage's, or a rate limit's).
  await explainer.query(
    `
    insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at)
    select 'wait:' || n, 'C' || (n % 400), case when n % 2 = 0 then 'chat.update' else 'chat.postMessage' end,
           '{"text":"hi"}'::jsonb, 'pending', 0,
           $1::timestamptz + ((n % 1200 - 600) || ' seconds')::interval, $1::timestamptz
    from generate_series(1, 1200) as n
    union all
    select 'waiting-change:' || n, 'refresh:' || (n + 10000), 'handoff.change', '{}', 'pending', 0,
           $1::timestamptz, $1::timestamptz
    from generate_series(1, 8000) as n`,
    [NOW],
  );
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
interface Plan {
  text: string;
  nodes: PlanNode[];
}

async function planOf(
  call: () => Promise<unknown>,
  pattern: RegExp,
): Promise<Plan & { generic: () => Promise<Plan> }> {
  sent.length = 0;
  await call();
  const statements = sent.filter((s) => pattern.test(s.text));
  expect(
    statements.map((s) => s.text.slice(0, 60)),
    `one statement matching ${pattern}`,
  ).toHaveLength(1);
  const [{ text, values }] = statements as [Sent];
  const given = values.map((v) => (v instanceof Date ? v.toISOString() : v));
  const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
    `explain (format json) ${text}`,
    given,
  );
  const plan = rows[0]?.['QUERY PLAN'][0].Plan as PlanNode;
  return { text, nodes: nodesOf(plan), generic: () => genericPlanOf(text, given) };
}

/**
 * The plan Postgres keeps for a prepared statement once it stops planning each run for its values (the generic plan,
 * which node-postgres's named statements get after five runs when it costs no more): forced, as `prepare` then
 * `explain execute`.
 */
async function genericPlanOf(text: string, values: unknown[]): Promise<Plan> {
  await explainer.query('set plan_cache_mode = force_generic_plan');
  await explainer.query(`prepare generic as ${text}`);
  try {
    const literals = values.map((v) => (v === null ? 'null' : explainer.escapeLiteral(String(v))));
    const { rows } = await explainer.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] }>(
      `explain (format json) execute generic(${literals.join(', ')})`,
    );
    return { text, nodes: nodesOf(rows[0]?.['QUERY PLAN'][0].Plan as PlanNode) };
  } finally {
    await explainer.query('deallocate generic');
    await explainer.query('reset plan_cache_mode');
  }
}

/** The plan reads through these indexes, and never scans `table` whole (no table at all when null). */
function expectIndexed(plan: Plan, indexes: readonly string[], table: string | null = 'outbox') {
  const shown = JSON.stringify(
    plan.nodes.map((n) => [n['Node Type'], n['Relation Name'], n['Index Name']].filter(Boolean).join(' ')),
  );
  const seqScans = plan.nodes.filter(
    (n) => n['Node Type'] === 'Seq Scan' && (table === null || n['Relation Name'] === table),
  );
  expect(seqScans, `no sequential scan of ${table ?? 'any table'}: ${shown}`).toEqual([]);
  const used = new Set(plan.nodes.map((n) => n['Index Name']).filter(Boolean));
  for (const index of indexes) expect(used.has(index), `${index} in ${shown}`).toBe(true);
}

/** An installation with 30,000 handoffs, most of them closed, a tenth open with their times ahead; analyzed. Once. */
async function seedHandoffs(): Promise<void> {
  const { rows } = await explainer.query<{ n: number }>('select count(*)::int as n from handoffs');
  if ((rows[0]?.n ?? 0) > 0) return;
  await explainer.query(
    `insert into handoffs (
       team_id, source_view_id, status, author_user_id, owner_user_id, ae_user_id, ae_team_id, ae_name,
       ae_time_zone, partner_channel_id, account_name, partner_org, partner_contact_name, why_partner,
       customer_trigger, joint_value, warm_path, seller_next_move, partner_next_move, partner_agreed_in_writing,
       response_window_days, sent_at, due_at, next_reminder_at, account_key, partner_key, score, score_band,
       classification, classification_reason, created_at, updated_at, installation_id)
     select 'T1', 'V' || n, case when n % 10 = 0 then 'sent' else 'declined' end, 'UA', 'UA', 'UAE', 'T1', 'AE',
            'UTC', '', 'Account ' || n, 'Partner', 'Dana', 'why', 'trigger', 'value', 'path', 'move', 'move', true,
            5, $1::timestamptz, $1::timestamptz + interval '2 days', $1::timestamptz + interval '1 day',
            'account ' || n, 'partner', 15, 'ready', 'partner_influenced', 'rule', $1::timestamptz,
            $1::timestamptz, 1
     from generate_series(1, 30000) as n`,
    [NOW],
  );
  await explainer.query('analyze handoffs');
}

describe("the outbox's hot queries on Postgres, and the program's revision, by their plans", () => {
  it("the worker's look for due messages: by when they are due, each conversation's earlier rows by its index", async () => {
    const plan = await planOf(() => dueHeads(db, NOW, 20), /from "outbox"/);
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx', 'outbox_channel_key_status_id_idx']);
    expectIndexed(await plan.generic(), [
      'outbox_status_next_attempt_at_idx',
      'outbox_channel_key_status_id_idx',
    ]);
  });

  it('the claim (the same look, its rows locked, skipping those locked)', async () => {
    const plan = await planOf(
      () => db.transaction((tx) => lockDueHeads(tx, NOW, 20)),
      /for update skip locked/,
    );
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx', 'outbox_channel_key_status_id_idx']);
  });

  it("the one look for every installation's due messages (each second): the due range of the status index", async () => {
    const plan = await planOf(() => installationsDue(database.db, NOW), /^select distinct "installation_id"/);
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx']);
  });

  it("a 429's deferral of its method: the waiting rows due before its end, not the delivered history", async () => {
    const plan = await planOf(
      () => db.transaction((tx) => deferMethod(tx, 'chat.update', new Date(NOW.getTime() + 30_000), NOW)),
      /^update "outbox"/,
    );
    expectIndexed(plan, ['outbox_status_next_attempt_at_idx']);
  });

  it("the dedupe lookup of a queued message: by the installation's key", async () => {
    const plan = await planOf(() => isQueued(db, 'done:12345'), /"dedupe_key" = /);
    expectIndexed(plan, ['outbox_dedupe_key_idx']);
  });

  it("a change's look for its handoff's changes still waiting: by the conversation, for any values", async () => {
    // Asked by every decision (lifecycle.ts). With the statistics of a moment when nothing waited, Postgres read it
    // through the status index, every waiting row (1.2 ms with this backlog, 47% of the server's time per Accept).
    const plan = await planOf(
      () => db.transaction((tx) => expandPendingChanges(tx, [10_123], NOW)),
      /^select "id" from "outbox"/,
    );
    expectIndexed(plan, ['outbox_channel_key_status_id_idx']);
    expectIndexed(await plan.generic(), ['outbox_channel_key_status_id_idx']);
  });

  it("an installation's program revision (each sweep, each edit): its own entries by the part index", async () => {
    // 1,000 installations' programs, 40 entries each, analyzed.
    await explainer.query(
      `insert into program_log (kind, key, body, actor, at, installation_id)
       select 'pool', 'pool-' || (n % 40), '{}'::jsonb, 'U0ADMIN', $1::timestamptz, 1 + n / 40
       from generate_series(0, 39999) as n`,
      [NOW],
    );
    await explainer.query('analyze program_log');
    const plan = await planOf(() => programRevision(ownedBy(database.db, 7)), /from "program_log"/);
    expectIndexed(plan, ['program_log_part'], null);
  });

  it("a minute's sweep asking whether anything is due (each minute, in each installation): each due time by its index", async () => {
    await seedHandoffs();
    const plan = await planOf(() => handoffDueBy(ownedBy(database.db, 1), NOW), /from "handoffs"/);
    expectIndexed(plan, SWEEP_DUE_INDEXES, null);
    expect(await handoffDueBy(ownedBy(database.db, 1), NOW)).toBe(false);
  });

  it("a decision's reads of its partner thread and its watchers (every decision and outcome): each source by its index", async () => {
    await seedHandoffs();
    // Each handoff decided once, a tenth with an outcome, its partner thread posted, two followers on a tenth; the
    // outbox's parents of the last 2,000 still recorded there. Analyzed.
    await explainer.query(
      `insert into decisions (handoff_id, assignment, decision, decided_by_user_id, decided_by_team_id, decided_at,
                              installation_id)
       select id, 1, 'accepted', 'UAE', 'T1', $1::timestamptz, 1 from handoffs;
       insert into outcomes (handoff_id, outcome, recorded_by_user_id, recorded_at, installation_id)
       select id, 'meeting_held', 'UAE', $1::timestamptz, 1 from handoffs where id % 10 = 0;
       insert into posted_messages (message_key, channel_id, ts, handoff_id, posted_at, installation_id)
       select 'handoff:' || id || ':partner', 'C0P', '1.' || id, id, $1::timestamptz, 1 from handoffs;
       insert into handoff_followers (handoff_id, user_id, notify, created_at, installation_id)
       select id, u, 'all', $1::timestamptz, 1 from handoffs, (values ('U0A'), ('U0B')) as f(u) where id % 10 = 0;
       insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at,
                           record_as, handoff_id)
       select 'parent:' || id, 'C0P', 'chat.postMessage', '{}'::jsonb, 'delivered', 1, $1::timestamptz,
              $1::timestamptz, 'handoff:' || id || ':partner', id
       from handoffs where id > 28000;
       analyze decisions; analyze outcomes; analyze posted_messages; analyze handoff_followers; analyze outbox`.replaceAll(
        '$1::timestamptz',
        `'${NOW.toISOString()}'::timestamptz`,
      ),
    );
    const scoped = ownedBy(database.db, 1);
    const thread = await planOf(
      () => scoped.transaction((tx) => partnerThreadRecord(tx, 29_000, 'handoff:29000:partner')),
      /from "decisions"/,
    );
    const watchers = await planOf(
      () => scoped.transaction((tx) => watchersRecord(tx, 29_000, '3')),
      /from "handoff_followers"/,
    );
    for (const [plan, indexes] of [
      [
        thread,
        [
          'decisions_handoff_id_assignment_idx',
          'outcomes_handoff_id_outcome_idx',
          'posted_messages_installation_id_message_key_pk',
          'outbox_record_as_idx',
        ],
      ],
      [watchers, ['program_log_part', 'handoff_followers_installation_id_handoff_id_user_id_pk']],
    ] as const) {
      for (const p of [plan, await plan.generic()]) expectIndexed(p, indexes, null);
    }
    const record = await partnerThreadRecord(scoped, 29_000, 'handoff:29000:partner');
    expect(record).toMatchObject({ posted: true, parentStatus: 'delivered' });
    expect(record.decisions.map((d) => d.decision)).toEqual(['accepted']);
    expect(record.outcomes.map((o) => o.outcome)).toEqual(['meeting_held']);
    expect((await watchersRecord(scoped, 29_000, '3')).followers.map((f) => f.userId)).toEqual([
      'U0A',
      'U0B',
    ]);
  });

  it('keeps no statistics of the status, so none from a quiet moment misleads it (migrations-pg/0027)', async () => {
    await explainer.query('analyze outbox');
    const { rows } = await explainer.query(
      "select attname from pg_stats where tablename = 'outbox' and attname in ('status', 'channel_key')",
    );
    expect(rows.map((r) => r.attname)).toEqual(['channel_key']);
  });
});
