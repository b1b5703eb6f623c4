/**
 * 7. tenants (issue 56 item 4): one app serving many installations (the OAuth mode of issue 55) on one Postgres
 * database, at 1, 10, 100 and up to `--tenants` installations (default 1,000), each a workspace of the fake Slack with
 * its own bot token and people. Per count: the start (process start to /healthz 200; to every tenant started), the
 * resident memory, what the idle app costs (its CPU, the server's, the statements it sends, per second, and by
 * statement per installation and minute), the requests of a steady load spread unevenly over the installations (a few
 * large, many small; some of them decisions, see below) with each busy installation's p99 against the median one's,
 * and one minute's response-window sweep across every installation, each with a first step's check due (from the job
 * claims: the slot's start to the last installation's sweep done).
 *
 * Then the same load again over the others while installation 1's Slack answers every call 429 and installation 2's
 * is down (503), each with a backlog of posts queued (the fake's failures by token): the others' p99 against the calm
 * run's.
 *
 * Each installation has a member and 20 AEs, and handoffs spread unevenly (tenantsSeed.ts: 400 in the largest 1%, 40
 * in the next 9%, 4 in the rest; a third open), so its sweeps read real rows. A share of the load's requests are
 * decisions: an installation's AE accepts one of its open handoffs (the accept modal submitted, as in the postgres
 * section), which writes the handoff and the touch log and queues the AE's, the author's and the partner's messages for
 * the outbox to deliver; the rest are `/handoff help`. What it does not have yet: the touch log and outbox history of
 * the seeded handoffs.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Installation } from '@slack/oauth';
import pg from 'pg';
import { systemClock } from '../../src/clock.js';
import { applyPostgresMigrations } from '../../src/db/pg/migrations.js';
import { openPostgresDatabase } from '../../src/db/pg/store.js';
import { createInstallationStore } from '../../src/install/store.js';
import { heapNeededMb, START_HEAP_MB } from '../../src/runtime/heapRoom.js';
import type { FakeUser } from '../../test/support/fakeSlack.js';
import type { TokenCalls } from '../fakeSlackProcess.js';
import { pacingEnv } from './apps.js';
import { acceptSubmissions, SIGNING_SECRET, type SignedRequest, sign } from './payloads.js';
import type { SectionContext } from './pgSection.js';
import { serverCpuMs, serverWork, startBenchPostgres } from './pgServer.js';
import { AppProcess, cpuMs, freePort, Helper, peakRssMb, rssNowMb } from './proc.js';
import { steady } from './steady.js';
import { AES_PER_INSTALLATION, aeOf, seedHandoffs } from './tenantsSeed.js';

/** Requests a second of the steady load, and how long it runs. */
const RATE = 100;
const LOAD_SECONDS = 10;
/**
 * Before the measured load, the same load for this long, reported apart: the process's first decisions load the
 * holiday data set and compile their code, which at 100 requests a second held the first half-second's requests (at 1
 * installation as at 1,000: a process's start, not a figure of its steady load).
 */
const WARM_SECONDS = 2;
/**
 * How long the idle app is watched: a whole minute, so every minutely job runs once in every installation; 20 s in a
 * short run (`--duration` under 10 s), whose per-minute figures are then a third of a minute's; 5 s in the bench
 * drill's smoke run (`--duration=1`), which checks that every measure is made, not its size (CI's time, issue 78).
 */
const idleSecondsOf = (duration: number) => (duration <= 1 ? 5 : duration < 10 ? 20 : 60);
/** An installation with fewer requests than this in the load has no p99 of its own: it counts among the small. */
const OWN_P99_MIN = 20;
/** The share of the load's requests that are an AE's Accept, while its installation has an open handoff left. */
const DECIDE_SHARE = 0.3;
/** Posts queued for each of the two stormed installations: 20 conversations of 15. */
const STORM_CONVERSATIONS = 20;
const STORM_PER_CONVERSATION = 15;

export interface TenantsRun {
  installations: number;
  /** The heap cap the app was started with (`--max-old-space-size`, MB). */
  heapMb: number;
  /** The handoffs written in all the installations before the start, and how many of them are open. */
  seeded: { handoffs: number; open: number };
  /** Process start to /healthz 200: serving, from the first installation started (the others start meanwhile). */
  startSeconds: number;
  /** Process start to every installation started ("every installation started" logged; the start, for one). */
  allStartedSeconds?: number;
  rssMb: number;
  idle?: {
    /** Resident memory at the end of the idle watch (VmRSS): the target's measure. */
    rssMb: number;
    appCpuPerSecond: number;
    serverCpuPerSecond: number;
    statementsPerSecond: number;
    /** Statements sent per installation and minute, all and by statement (the most frequent first). */
    perInstallationMinute?: { statements: number; frequent: { query: string; calls: number }[] };
  };
  sweep?: { slotSeconds: number; swept: number; medianMs: number; maxMs: number };
  /** The app ended before the end of the measures: why, with its last output. */
  died?: string;
  load?: {
    /** The warm-up's requests (WARM_SECONDS before the measured load): its p99 and its slowest request. */
    warmUp: { requests: number; p99: number; max: number };
    requests: number;
    answered: number;
    p50: number;
    p99: number;
    /** Each installation with its own p99 (at least OWN_P99_MIN requests): the median one's and the slowest's. */
    busy: { count: number; medianP99: number; slowestP99: number };
    /** The installations with fewer requests, pooled. */
    small: { count: number; p99: number };
    /** The Accepts among the requests, those the database then holds as accepted, and those refused in the modal. */
    decisions: Decisions;
  };
  /** The same load over installations 3 to n while 1 is rate-limited and 2 is down, each with `queued` posts. */
  isolation?: {
    queued: number;
    requests: number;
    answered: number;
    p99: number;
    busy: { count: number; medianP99: number; slowestP99: number };
    decisions: Decisions;
    /** The calls the app made with each stormed installation's token meanwhile, and how many Slack refused. */
    limited: TokenCalls;
    down: TokenCalls;
  };
}

export interface Decisions {
  sent: number;
  recorded: number;
  refused: number;
  /** The Accepts' p99, and the other requests' (`/handoff help`), ms (NaN: none). */
  p99: number;
  othersP99: number;
}

export interface TenantsFigures {
  runs: TenantsRun[];
}

const pad = (i: number) => String(i).padStart(4, '0');
const TEAM_PREFIX = 'T5WS';
const teamOf = (i: number) => `${TEAM_PREFIX}${pad(i)}`;
const memberOf = (i: number): FakeUser => ({
  id: `U5WS${pad(i)}`,
  team_id: teamOf(i),
  name: `member${i}`,
  real_name: `Member ${i}`,
  tz: 'UTC',
});
const fmt = (n: number, digits = 1) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? Number.NaN;
};

/** The installation counts measured: 1, 10, 100 and 1,000, up to `max` (and `max` itself). */
export function tenantCounts(max: number): number[] {
  return [...new Set([1, 10, 100, 1000].filter((n) => n < max).concat(max))];
}

/** `/handoff help` from installation `i`'s member, to be answered at `responseUrl`. */
function helpCommand(i: number, responseUrl: string): SignedRequest {
  const member = memberOf(i);
  const body = new URLSearchParams({
    token: 'unused',
    team_id: member.team_id,
    team_domain: `ws${i}`,
    channel_id: `D5WS${pad(i)}`,
    channel_name: 'directmessage',
    user_id: member.id,
    user_name: member.name,
    command: '/handoff',
    text: 'help',
    response_url: responseUrl,
    trigger_id: `${i}.${Date.now()}.bench`,
  }).toString();
  return sign(body);
}

/**
 * Until /healthz says 200 (every installation served), asked twice a second: the start has both cores. Returns at once
 * when the app ended (the caller reads why).
 */
async function startedAll(app: AppProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (app.exited()) return;
    const res = await fetch(`${app.url}/healthz`).catch(() => undefined);
    if (res?.status === 200) return;
    if (Date.now() > deadline) throw new Error(`the app did not start in ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** Installation 1 to n: a large few and a long tail (log-uniform: the k-th gets about 1/k of the first's share). */
const unevenly = (n: number) => Math.min(n, Math.floor(n ** Math.random()));

async function measureCount(
  idleSeconds: number,
  /** A directory for the app's V8 CPU profile (`--cpu-prof=DIR`: DIR/tenants-n), or none. */
  cpuProf: string | undefined,
  n: number,
  server: Awaited<ReturnType<typeof startBenchPostgres>>,
  step: (what: string) => void,
): Promise<TenantsRun> {
  const url = await server.createDatabase(`tenants_${n}`);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The fake Slack keeps every workspace's people and messages: past 3,000 workspaces it outgrew Node's default heap
  // (4 GB at 10,000, where it ended out of memory).
  const fake = new Helper(
    'fakeSlackProcess.ts',
    {},
    n > 3000 ? [`--max-old-space-size=${Math.ceil(n * 1.2)}`] : [],
  );
  let app: AppProcess | undefined;
  try {
    await applyPostgresMigrations(client, url);
    const ready = await fake.first<{ apiUrl: string; token: string }>();
    const workspaces = Array.from({ length: n }, (_, k) => ({
      id: teamOf(k + 1),
      users: [
        memberOf(k + 1),
        ...Array.from({ length: AES_PER_INSTALLATION }, (_, a) => aeOf(teamOf(k + 1), a + 1)),
      ],
    }));
    const bots = await fake.request<{ token: string; botUserId: string; botId: string }[]>({
      type: 'workspaces',
      workspaces,
    });
    // Installed as Slack's OAuth would have stored them: sealed with the deployment's key.
    const key = { current: randomBytes(32), previous: undefined };
    const database = await openPostgresDatabase(url, { max: 2 });
    try {
      const store = createInstallationStore({ db: database.db, clock: systemClock, key });
      for (const [k, bot] of bots.entries()) {
        const team = teamOf(k + 1);
        const installation: Installation = {
          team: { id: team, name: `Workspace ${team}` },
          enterprise: undefined,
          user: { id: memberOf(k + 1).id, token: undefined, scopes: undefined },
          bot: { token: bot.token, scopes: ['chat:write', 'commands'], id: bot.botId, userId: bot.botUserId },
          appId: 'AFAKEAPP',
          isEnterpriseInstall: false,
          authVersion: 'v2',
        };
        await store.storeInstallation(installation);
      }
    } finally {
      await database.close();
    }
    const seeded = await seedHandoffs(
      client,
      workspaces.map((w, k) => ({ team: w.id, member: memberOf(k + 1).id })),
      new Date(),
    );
    // Started as the operator is told to start it for n installations (runtime/heapRoom.ts): npm start's cap, or more.
    const heapMb = heapNeededMb(n);
    step(`${fmt(n, 0)} installations: starting, the heap capped at ${fmt(heapMb, 0)} MB`);
    const started = performance.now();
    app = new AppProcess(
      await freePort(),
      {
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: ready.apiUrl,
        DATABASE_URL: url,
        SLACK_CLIENT_ID: '1111.2222',
        SLACK_CLIENT_SECRET: 'bench-client-secret',
        SLACK_STATE_SECRET: 'bench-state-secret-0123456789',
        SLACK_TOKEN_KEY: key.current.toString('base64'),
        ...pacingEnv(),
      },
      [
        ...(heapMb > START_HEAP_MB ? [`--max-old-space-size=${heapMb}`] : []),
        ...(cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${join(cpuProf, `tenants-${n}`)}`] : []),
      ],
    );
    const everyOne = n > 1 ? app.logged('every installation started') : undefined;
    await startedAll(app, 60_000 + n * 1_000);
    const startSeconds = (performance.now() - started) / 1000;
    // The idle figures are of every installation started.
    // The wait is cleared once every installation started: left pending, it held the bench's exit for up to 17 min.
    let wait: NodeJS.Timeout | undefined;
    const allStartedSeconds = everyOne
      ? await Promise.race([
          everyOne.then((ms) => ms / 1000),
          new Promise<undefined>((resolve) => {
            wait = setTimeout(() => resolve(undefined), 60_000 + n * 1_000);
          }),
        ]).finally(() => clearTimeout(wait))
      : startSeconds;
    const pid = app.child.pid ?? 0;
    const diedStarting = app.exited();
    if (diedStarting) {
      step(`${fmt(n, 0)} installations: the app ${diedStarting}`);
      return { installations: n, heapMb, seeded, startSeconds, rssMb: Number.NaN, died: diedStarting };
    }

    step(`${fmt(n, 0)} installations: idle for ${idleSeconds} s`);
    const statements = async () =>
      Number(
        (
          await client.query<{ n: string }>(
            'select coalesce(sum(xact_commit + xact_rollback), 0) as n from pg_stat_database where datname = current_database()',
          )
        ).rows[0]?.n ?? 0,
      );
    const work = serverWork(server, `tenants_${n}`);
    await work.start();
    const appBefore = cpuMs(pid);
    const serverBefore = serverCpuMs(server);
    const statementsBefore = await statements();
    await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
    const appCpu = cpuMs(pid) - appBefore;
    const serverCpu = serverCpuMs(server) - serverBefore;
    const statementsIdle = (await statements()) - statementsBefore;
    // Per installation and minute: the run's counts divided by n × the minutes watched.
    const byStatement = await work.stop(n * (idleSeconds / 60)).finally(() => work.close());
    const idle = {
      rssMb: rssNowMb(pid),
      appCpuPerSecond: appCpu / idleSeconds,
      serverCpuPerSecond: serverCpu / idleSeconds,
      statementsPerSecond: statementsIdle / idleSeconds,
      perInstallationMinute: {
        statements: byStatement.statements,
        frequent: byStatement.frequent.map((w) => ({ query: w.query, calls: w.callsPerAccept })),
      },
    };
    const rss = peakRssMb(pid);

    step(`${fmt(n, 0)} installations: ${RATE} requests a second, spread unevenly`);
    const open = await openHandoffs(client);
    const warm = await unevenLoad(app.url, { fake, client, open }, n, 0, WARM_SECONDS);
    const { result, busy, small, decisions } = await unevenLoad(app.url, { fake, client, open }, n, 0);

    const sweep = await sweptSlot(client, n, step, () => app?.exited() === undefined);
    const isolation =
      n >= 3 && !app.exited()
        ? await stormedTwo(n, { client, fake, open, url: app.url, tokens: bots.map((b) => b.token), step })
        : undefined;
    const died = app.exited();
    if (died) step(`${fmt(n, 0)} installations: the app ${died}`);
    return {
      installations: n,
      heapMb,
      seeded,
      startSeconds,
      ...(allStartedSeconds === undefined ? {} : { allStartedSeconds }),
      rssMb: died ? rss : peakRssMb(pid),
      ...(died ? { died } : {}),
      idle,
      ...(sweep ? { sweep } : {}),
      load: {
        warmUp: { requests: warm.result.requests, p99: warm.result.p99, max: warm.result.max ?? Number.NaN },
        requests: result.requests,
        answered: result.requests - result.non2xx - result.errors,
        p50: result.p50,
        p99: result.p99,
        busy: {
          count: busy.length,
          medianP99: Math.round(quantile(busy, 0.5)),
          slowestP99: Math.round(Math.max(...busy)),
        },
        small: { count: small.length, p99: Math.round(quantile(small.flat(), 0.99)) },
        decisions,
      },
      ...(isolation ? { isolation } : {}),
    };
  } finally {
    await app?.stop();
    await fake.stop();
    await client.end();
  }
}

/** Each installation's open handoffs (by its number, 1-based), with their AE: what its Accepts decide. */
type OpenHandoffs = Map<number, { id: number; ae: string }[]>;

async function openHandoffs(client: pg.Client): Promise<OpenHandoffs> {
  const { rows } = await client.query<{ id: number; team: string; ae: string }>(
    `select h.id, i.team_id as team, h.ae_user_id as ae from handoffs h join installations i on i.id = h.installation_id
     where h.status = 'sent' order by h.id`,
  );
  const open: OpenHandoffs = new Map();
  for (const row of rows) {
    const i = Number(row.team.slice(TEAM_PREFIX.length));
    open.set(i, [...(open.get(i) ?? []), { id: row.id, ae: row.ae }]);
  }
  return open;
}

/**
 * The steady load at RATE a second for LOAD_SECONDS, each request from an installation drawn unevenly from `skip + 1`
 * to `n`: DECIDE_SHARE of them its AE's Accept of one of its open handoffs (each once, while it has any left), the
 * rest `/handoff help`. Each installation's latencies, those with a p99 of their own (`busy`) and the rest (`small`);
 * the Accepts sent, then recorded (read from the database once every Accept was answered) and refused.
 */
async function unevenLoad(
  url: string,
  ctx: { fake: Helper; client: pg.Client; open: OpenHandoffs },
  n: number,
  skip: number,
  seconds = LOAD_SECONDS,
) {
  const total = RATE * seconds;
  const urls = await ctx.fake.request<string[]>({ type: 'responseUrls', count: total });
  const templates = new Map<number, ReturnType<typeof acceptSubmissions>>();
  const accepted: number[] = [];
  let sent = 0;
  const result = await steady(
    url,
    () => {
      const i = skip + unevenly(n - skip);
      const handoff = Math.random() < DECIDE_SHARE ? ctx.open.get(i)?.pop() : undefined;
      sent += 1;
      if (!handoff) return { ...helpCommand(i, urls[sent % urls.length] as string), tag: `${i}:help` };
      const template = templates.get(i) ?? acceptSubmissions(teamOf(i));
      templates.set(i, template);
      accepted.push(handoff.id);
      return { ...template(handoff.id, handoff.ae), tag: `${i}:accept` };
    },
    { rate: RATE, seconds, connections: 20 },
  );
  const recorded = await ctx.client.query<{ n: string }>(
    `select count(*) as n from handoffs where id = any($1::int[]) and status = 'accepted'`,
    [accepted],
  );
  // Each request's tag is its installation and its kind: by installation, and by kind.
  const byInstallation = new Map<string, number[]>();
  const byKind = { accept: [] as number[], help: [] as number[] };
  for (const [tag, latencies] of Object.entries(result.byTag ?? {})) {
    const [i = '', kind] = tag.split(':');
    byInstallation.set(i, [...(byInstallation.get(i) ?? []), ...latencies]);
    byKind[kind === 'accept' ? 'accept' : 'help'].push(...latencies);
  }
  const decisions: Decisions = {
    sent: accepted.length,
    recorded: Number(recorded.rows[0]?.n ?? 0),
    refused: Object.values(result.modalErrors ?? {}).reduce((sum, k) => sum + k, 0),
    p99: Math.round(quantile(byKind.accept, 0.99)),
    othersP99: Math.round(quantile(byKind.help, 0.99)),
  };
  const tagged = [...byInstallation.values()];
  const busy = tagged.filter((latencies) => latencies.length >= OWN_P99_MIN).map((l) => quantile(l, 0.99));
  const small = tagged.filter((latencies) => latencies.length < OWN_P99_MIN);
  return { result, busy, small, decisions };
}

/**
 * Installation 1's Slack answers every call 429 (Retry-After 1 s) and installation 2's is down (503), each with
 * STORM_CONVERSATIONS × STORM_PER_CONVERSATION posts queued (as requests would queue them: the outbox's bell wakes
 * their outboxes at the commit); meanwhile the uneven load runs over installations 3 to n. Slack is released after.
 */
async function stormedTwo(
  n: number,
  ctx: {
    client: pg.Client;
    fake: Helper;
    open: OpenHandoffs;
    url: string;
    tokens: string[];
    step: (what: string) => void;
  },
): Promise<NonNullable<TenantsRun['isolation']>> {
  const { client, fake, tokens } = ctx;
  const [limitedToken, downToken] = tokens as [string, string];
  ctx.step(`${fmt(n, 0)} installations: the same load over the others, 1 rate-limited and 2 down`);
  await fake.request({
    type: 'holdTokens',
    holds: [
      { token: limitedToken, as: 'ratelimited' },
      { token: downToken, as: 'down' },
    ],
  });
  const before = await fake.request<Record<string, TokenCalls>>({
    type: 'tokenCalls',
    tokens: [limitedToken, downToken],
  });
  for (const k of [1, 2]) {
    // One statement per installation: its posts, to its member's DM, due now.
    await client.query(
      `insert into outbox (dedupe_key, channel_key, method, payload, status, attempts, next_attempt_at, created_at, installation_id)
       select 'storm:' || $1 || ':' || c || ':' || m, $2 || '-' || c, 'chat.postMessage',
              jsonb_build_object('text', 'storm ' || c || ' #' || m), 'pending', 0, now(), now(),
              (select id from installations where team_id = $3)
       from generate_series(1, $4) as c, generate_series(1, $5) as m`,
      [k, memberOf(k).id, teamOf(k), STORM_CONVERSATIONS, STORM_PER_CONVERSATION],
    );
  }
  try {
    const { result, busy, decisions } = await unevenLoad(ctx.url, ctx, n, 2);
    const after = await fake.request<Record<string, TokenCalls>>({
      type: 'tokenCalls',
      tokens: [limitedToken, downToken],
    });
    const since = (token: string): TokenCalls => ({
      calls: (after[token]?.calls ?? 0) - (before[token]?.calls ?? 0),
      refused: (after[token]?.refused ?? 0) - (before[token]?.refused ?? 0),
    });
    return {
      queued: STORM_CONVERSATIONS * STORM_PER_CONVERSATION,
      requests: result.requests,
      answered: result.requests - result.non2xx - result.errors,
      p99: result.p99,
      busy: {
        count: busy.length,
        medianP99: Math.round(quantile(busy, 0.5)),
        slowestP99: Math.round(Math.max(...busy)),
      },
      decisions,
      limited: since(limitedToken),
      down: since(downToken),
    };
  } finally {
    await fake.request({ type: 'release' });
  }
}

/**
 * A minute in which every installation's sweep has work: one accepted handoff of each is made due for its first
 * step's check (the AE asked whether it happened), so each installation's next tick claims its slot and sweeps (a
 * minute with nothing due claims nothing: the sweeper's `due`). Each installation's first sweep after that, from the
 * job claims (its claim and end): how many swept, the time from the checks made due to the last one done (the ticks
 * come over the next minute and a half: each installation's second of the minute's first 30), and the installations'
 * own durations. Waits for every one, at most two minutes and a half.
 */
async function sweptSlot(client: pg.Client, n: number, step: (what: string) => void, alive: () => boolean) {
  step(`${fmt(n, 0)} installations: a first step's check due in every one, waiting for their sweeps`);
  const { rows: made } = await client.query<{ at: Date }>(
    `update handoffs set next_step_check_at = now()
     where id in (select min(id) from handoffs where status = 'accepted' group by installation_id)
     returning now() as at`,
  );
  const since = made[0]?.at ?? new Date();
  const deadline = Date.now() + 150_000;
  const read = async () =>
    (
      await client.query<{ swept: string; last: Date | null; median: number | null; max: number | null }>(
        `select count(*) as swept, max(done_at) as last,
           percentile_cont(0.5) within group (order by extract(epoch from done_at - claimed_at) * 1000) as median,
           max(extract(epoch from done_at - claimed_at) * 1000) as max
         from (select distinct on (installation_id) claimed_at, done_at from job_claims
               where job = 'response-window-sweep' and claimed_at >= $1 and done_at is not null
               order by installation_id, claimed_at) first_sweeps`,
        [since],
      )
    ).rows[0];
  for (;;) {
    const row = await read();
    const swept = Number(row?.swept ?? 0);
    if (swept >= n || Date.now() >= deadline || !alive())
      return row?.last
        ? {
            slotSeconds: (row.last.getTime() - since.getTime()) / 1000,
            swept,
            medianMs: Number(row.median),
            maxMs: Number(row.max),
          }
        : undefined;
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

export async function tenantsSection(
  ctx: SectionContext & { tenants: number; tenantsOnly?: boolean },
): Promise<TenantsFigures> {
  console.log(`\n7. Tenants: one app serving up to ${fmt(ctx.tenants, 0)} installations on one Postgres`);
  const began = performance.now();
  const step = (what: string) =>
    console.log(`   ${what} (at ${((performance.now() - began) / 1000).toFixed(0)} s)`);
  const server = await startBenchPostgres();
  const runs: TenantsRun[] = [];
  try {
    for (const n of ctx.tenantsOnly ? [ctx.tenants] : tenantCounts(ctx.tenants))
      runs.push(await measureCount(idleSecondsOf(ctx.duration), ctx.cpuProf, n, server, step));
  } finally {
    server.stop();
  }
  tenantsRows({ runs }, ctx.add);
  return { runs };
}

/** How the app ended, and its fatal error when its output has one (V8's out-of-memory among them). */
function why(died: string): string {
  const lines = died.split('\n').filter((line) => line.trim() !== '');
  const fatal = lines.find((line) => /FATAL|heap|out of memory|Error/i.test(line)) ?? lines.at(-1) ?? '';
  return `${lines[0] ?? ''} ${fatal}`.slice(0, 400);
}

const decided = (d: Decisions) =>
  `${fmt(d.sent, 0)}, ${fmt(d.recorded, 0)}, ${fmt(d.refused, 0)} (their p99 ${d.sent > 0 ? `${fmt(d.p99)} ms` : '-'}, the others' ${fmt(d.othersP99)} ms)`;

export function tenantsRows(f: TenantsFigures, add: SectionContext['add']): void {
  for (const r of f.runs) {
    const row = (measure: string, value: string, target = '', ok?: boolean) =>
      add({
        section: 'tenants',
        measure: `${fmt(r.installations, 0)} installation${r.installations === 1 ? '' : 's'} on one app and one Postgres (heap ${fmt(r.heapMb, 0)} MB): ${measure}`,
        value,
        target,
        ...(ok === undefined ? {} : { ok }),
      });
    if (r.died && !r.idle) {
      row(
        'start, process to /healthz 200 (serving)',
        `not served: the app ended after ${fmt(r.startSeconds)} s`,
      );
      row('why the app ended', why(r.died));
      continue;
    }
    row(
      `the installations' handoffs (${AES_PER_INSTALLATION} AEs each; 400 in the largest 1%, 40 in the next 9%, 4 in the rest): written; open`,
      `${fmt(r.seeded.handoffs, 0)}; ${fmt(r.seeded.open, 0)}`,
    );
    row(
      'start, process to /healthz 200 (serving every installation: the first started, the others on their first request or in the background); to every installation started',
      `${fmt(r.startSeconds)} s; ${r.allStartedSeconds === undefined ? 'not within the wait' : `${fmt(r.allStartedSeconds)} s`}`,
      'serving within 5 s',
      r.startSeconds <= 5,
    );
    if (r.died)
      row('the app ended before the measures did', r.died.split('\n').slice(0, 4).join(' ').slice(0, 400));
    if (r.idle)
      row(
        "idle: the app's CPU, the server's, transactions (per second); resident memory at the end of the idle watch; its peak over the whole run",
        `${fmt(r.idle.appCpuPerSecond, 0)} ms + ${fmt(r.idle.serverCpuPerSecond, 0)} ms of CPU a second, ${fmt(r.idle.statementsPerSecond, 0)} transactions a second; ${fmt(r.idle.rssMb, 0)} MB; ${fmt(r.rssMb, 0)} MB`,
        'idle at most 400 MB',
        r.idle.rssMb <= 400,
      );
    const perMinute = r.idle?.perInstallationMinute;
    if (perMinute)
      row(
        'idle: statements each installation sends a minute, all; the most frequent (calls a minute)',
        `${fmt(perMinute.statements)}; ${perMinute.frequent
          .slice(0, 5)
          .map((f) => `${f.query.slice(0, 60)} (${fmt(f.calls, 2)})`)
          .join('; ')}`,
      );
    row(
      "the response-window sweep in every installation once a first step's check is due in each: installations swept; from the checks made due to the last one done (the installations' ticks spread over the minute's first 30 s); each one's claim to done, median / slowest",
      r.sweep
        ? `${fmt(r.sweep.swept, 0)} of ${fmt(r.installations, 0)}; ${fmt(r.sweep.slotSeconds)} s; ${fmt(r.sweep.medianMs)} / ${fmt(r.sweep.maxMs)} ms`
        : 'none swept within 150 s',
    );
    const l = r.load;
    if (l)
      row(
        `${RATE} requests a second spread unevenly (an AE's Accept of an open handoff, else /handoff help), after ${WARM_SECONDS} s of the same (its p99, its slowest): answered; Accepts sent, recorded, refused (their p99, the others'); p50 / p99; the busy installations' (${OWN_P99_MIN}+ requests) median p99 / slowest p99; the others' p99`,
        `(warm-up: ${fmt(l.warmUp.p99)} ms, ${fmt(l.warmUp.max)} ms) ${fmt(l.answered, 0)} of ${fmt(l.requests, 0)}; ${decided(l.decisions)}; ${fmt(l.p50)} / ${fmt(l.p99)} ms; ${fmt(l.busy.medianP99)} / ${fmt(l.busy.slowestP99)} ms over ${l.busy.count}; ${l.small.count === 0 ? 'none with fewer' : `${fmt(l.small.p99)} ms over ${fmt(l.small.count, 0)}`}`,
        "Accepts' p99 at most 100 ms; slowest within 2x the median",
        l.answered === l.requests &&
          l.decisions.recorded === l.decisions.sent &&
          l.decisions.p99 <= 100 &&
          l.busy.slowestP99 <= 2 * Math.max(l.busy.medianP99, 1),
      );
    const iso = r.isolation;
    if (l && iso)
      row(
        `the same load over installations 3 to ${fmt(r.installations, 0)} while 1 is rate-limited (every call 429) and 2 is down (503), ${fmt(iso.queued, 0)} posts queued in each: answered; Accepts sent, recorded, refused (their p99, the others'); p99 (calm: ${fmt(l.p99)} ms); the busy installations' median / slowest p99; the calls made with 1's token and 2's, refused`,
        `${fmt(iso.answered, 0)} of ${fmt(iso.requests, 0)}; ${decided(iso.decisions)}; ${fmt(iso.p99)} ms; ${fmt(iso.busy.medianP99)} / ${fmt(iso.busy.slowestP99)} ms over ${iso.busy.count}; ${fmt(iso.limited.calls, 0)} (${fmt(iso.limited.refused, 0)} refused) and ${fmt(iso.down.calls, 0)} (${fmt(iso.down.refused, 0)} refused)`,
        "the others' p99 within 2x the calm run's",
        iso.answered === iso.requests &&
          iso.decisions.recorded === iso.decisions.sent &&
          iso.p99 <= 2 * Math.max(l.p99, 1),
      );
  }
}
