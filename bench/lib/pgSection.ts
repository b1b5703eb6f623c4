/**
 * 5. postgres (issue 34): the Accept with the app on a throwaway Postgres server started by the bench (durable:
 * fsync and synchronous_commit on) beside the app on SQLite and the durable baseline (bare Bolt writing one SQLite
 * row), in one run, each measured the same way (pgMeasure.ts); then two replicas of the app on that one Postgres,
 * the requests spread round-robin, with the check that every Accept was decided once, and a race of the same clicks
 * on both replicas at once. The data is the ack section's generator's, moved into Postgres by the app's own
 * `migrate-to-postgres` code.
 */
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { moveToPostgres } from '../../src/db/pg/moveToPostgres.js';
import type { FakeStats } from '../fakeSlackProcess.js';
import { appEnv, outboxState, startFake } from './apps.js';
import { makeCast, TEAM } from './cast.js';
import { generate } from './generate.js';
import { type LoadResult, load, withCpu } from './load.js';
import { acceptSubmissions, SIGNING_SECRET } from './payloads.js';
import { measure, race, type Setup } from './pgMeasure.js';
import { type PostgresFigures, postgresRows } from './pgRows.js';
import { benchReader, serverCpuMs, serverWork, startBenchPostgres } from './pgServer.js';
import { AppProcess, freePort, Helper } from './proc.js';
import { steady } from './steady.js';

export interface SectionContext {
  work: string;
  /** Seconds of each load run. */
  duration: number;
  add: (row: { section: string; measure: string; value: string; target: string; ok?: boolean }) => void;
  /** A directory for V8 CPU profiles of each app process the section starts (`--cpu-prof=DIR`: DIR/postgres/app-N). */
  cpuProf?: string;
}

/** No sweep during the runs (as in the ack section): it would add its own work at a random moment. */
const NO_SWEEP = { SWEEP_SCHEDULE: '0 0 1 1 *' };
/** Pairs of simultaneous clicks in the race, at most (fewer in a short run). */
const RACE_PAIRS = 200;

/** Accepted handoffs with ids in [from, to) of a SQLite database, and how many have more than one decision. */
function sqliteDecisions(dbPath: string, [from, to]: [number, number]) {
  const db = new Database(dbPath, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT count(*) FILTER (WHERE accepted > 0) AS accepted, count(*) FILTER (WHERE n > 1) AS decidedTwice
         FROM (SELECT handoff_id, count(*) AS n, sum(decision = 'accepted') AS accepted FROM decisions
               WHERE handoff_id >= ? AND handoff_id < ? GROUP BY handoff_id)`,
      )
      .get(from, to) as { accepted: number; decidedTwice: number };
  } finally {
    db.close();
  }
}

/** The durable baseline, bare Bolt writing one SQLite row before its ack: steady 100 req/s, then full speed. */
async function baseline(ctx: SectionContext, fake: { apiUrl: string; token: string }, click: Setup['click']) {
  const port = await freePort();
  const bare = new Helper('bareBolt.ts', {
    PORT: String(port),
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: fake.token,
    SLACK_API_URL: fake.apiUrl,
    BARE_SQLITE_PATH: join(ctx.work, 'pg-bare.db'),
  });
  await bare.first();
  const url = `http://127.0.0.1:${port}`;
  // The bare app ignores the handoff: the same payloads, cycling over the ids.
  let i = 0;
  const next = () => click((i++ % 1000) + 1);
  await load(url, next, { seconds: 2, connections: 10 });
  const steady100 = await steady(url, next, { rate: 100, seconds: ctx.duration, connections: 10 });
  const max: LoadResult = await withCpu(bare.child.pid ?? 0, () =>
    load(url, next, { seconds: ctx.duration, connections: 10 }),
  );
  await bare.stop();
  return { steady100, max };
}

export async function postgresSection(ctx: SectionContext): Promise<PostgresFigures> {
  console.log(
    '\n5. Postgres: the Accept on Postgres beside SQLite and the durable baseline; one and two replicas',
  );
  const began = performance.now();
  const step = (what: string) =>
    console.log(`   ${what} (at ${((performance.now() - began) / 1000).toFixed(0)} s)`);
  const cast = makeCast({ aes: 400, authors: 200, partners: 300 });
  // Enough open handoffs for the three setups on Postgres (one database) at full speed.
  const open = 3_000 + ctx.duration * 3_000;
  const dbPath = join(ctx.work, 'pg-source.db');
  // None falls due while the section runs (about 20 minutes): an expired handoff's Accept is refused, rightly, and
  // the race's and the steady run's counts would not add up.
  const generated = generate({
    path: dbPath,
    total: open,
    openShare: 1,
    now: new Date(),
    cast,
    firstDueAfterMs: 2 * 3_600_000,
  });
  const aeOf = (id: number) => cast.aes[id % cast.aes.length]?.id ?? '';
  const template = acceptSubmissions(TEAM);
  const click = (id: number) => template(id, aeOf(id));
  const server = await startBenchPostgres();
  // The statements, transactions and lock waits of the request-path runs (the database is made below as 'bench').
  const work = serverWork(server, 'bench');
  const apps: AppProcess[] = [];
  const fakes: Helper[] = [];
  let reader: ReturnType<typeof benchReader> | undefined;
  try {
    const url = await server.createDatabase('bench');
    const moveStarted = performance.now();
    await moveToPostgres({ sourcePath: dbPath, targetUrl: url });
    const moveSeconds = (performance.now() - moveStarted) / 1000;
    const pgReader = benchReader(url);
    reader = pgReader;
    await pgReader.vacuumAnalyze();
    const settings = await pgReader.settings();
    const outboxAtStart = await pgReader.outbox();

    const start = async (env: NodeJS.ProcessEnv) => {
      const profile = ctx.cpuProf
        ? ['--cpu-prof', `--cpu-prof-dir=${join(ctx.cpuProf, `app-${apps.length + 1}`)}`]
        : [];
      const app = new AppProcess(await freePort(), env, profile);
      apps.push(app);
      await app.healthy();
      return app;
    };
    const fakeFor = async () => {
      const started = await startFake(cast);
      fakes.push(started.fake);
      // The messages the generated database says were posted, so the app can edit them.
      await started.fake.request({ type: 'import', dbPath });
      return started;
    };

    // The durable baseline and the app on SQLite, on the generated file itself (already copied to Postgres).
    const sqliteFake = await fakeFor();
    step('the durable baseline');
    const bare = await baseline(ctx, sqliteFake.ready, click);
    step('the app on SQLite');
    const sqliteApp = await start(appEnv(sqliteFake.ready, dbPath, NO_SWEEP));
    const sqliteSetup: Setup = {
      urls: [sqliteApp.url],
      pids: [sqliteApp.child.pid ?? 0],
      click,
      ids: { next: 1 },
      pending: () => outboxState(dbPath).pending ?? 0,
      fake: sqliteFake.fake,
    };
    const sqlite = await measure(sqliteSetup, ctx.duration);
    await sqliteApp.stop();
    const sqliteSteadyDecisions = sqliteDecisions(dbPath, sqlite.steadyIds);

    // The app on Postgres: one replica, then two on the same database (the handoff ids go on from the first's).
    const pgFake = await fakeFor();
    const pgEnv = appEnv(pgFake.ready, { DATABASE_URL: url }, NO_SWEEP);
    const ids = { next: 1 };
    const pgSetup = (replicas: AppProcess[]): Setup => ({
      urls: replicas.map((app) => app.url),
      pids: replicas.map((app) => app.child.pid ?? 0),
      serverCpu: () => serverCpuMs(server),
      click,
      ids,
      pending: async () => (await pgReader.outbox()).pending,
      fake: pgFake.fake,
      serverWork: work,
    });
    step('the app on Postgres');
    const oneApp = await start(pgEnv);
    const deadlocksAtStart = await work.deadlocks();
    const one = await measure(pgSetup([oneApp]), ctx.duration);
    await oneApp.stop();
    const deadlocksOfOne = (await work.deadlocks()) - deadlocksAtStart;
    const oneSteadyDecisions = await pgReader.decisions(one.steadyIds);

    step('two replicas on one Postgres');
    const twoApps = [await start(pgEnv), await start(pgEnv)];
    const twoFrom = ids.next;
    const two = await measure(pgSetup(twoApps), ctx.duration);
    const raced = await race(pgSetup(twoApps), Math.min(RACE_PAIRS, ctx.duration * 20));
    for (const app of twoApps) await app.stop();
    const deadlocksOfTwo = (await work.deadlocks()) - deadlocksAtStart - deadlocksOfOne;
    const twoSteadyDecisions = await pgReader.decisions(two.steadyIds);
    const twoAllDecisions = await pgReader.decisions([twoFrom, ids.next]);
    const raceDecisions = await pgReader.decisions(raced.ids);
    const replies = await pgReader.replies();
    const outboxAtEnd = await pgReader.outbox();
    const slack = await pgFake.fake.request<FakeStats>({ type: 'stats' });
    // What the Postgres runs' Slack refused (the holds' 429s among them): each a call the outbox made and will make again.
    step(`Slack's refusals over the Postgres runs: ${JSON.stringify(slack.failed)}`);

    const measured = { sqlite, one, two };
    for (const [name, m] of Object.entries(measured)) {
      if (m.failures > 0) {
        const by = (r: LoadResult) =>
          `${r.non2xx} non-2xx${r.codes ? ` ${JSON.stringify(r.codes)}` : ''}, ${r.errors} errors`;
        // The apps' last output says why (a 500's error is logged there).
        const logs = apps
          .map((app, i) => `--- app ${i + 1}'s warnings:\n${app.warnings.join('\n')}`)
          .join('\n');
        throw new Error(
          `postgres section, ${name}: a load run had failures (${m.failures}; steady: ${by(m.steady100)}; full speed: ${m.held.runs.map(by).join(' / ')}; the rest in the warm-up)\n${logs}`,
        );
      }
      if (!m.drained) throw new Error(`postgres section, ${name}: the held-back backlog did not drain`);
    }
    const figures: PostgresFigures = {
      settings,
      generated,
      moveSeconds,
      bare,
      measured,
      decisions: {
        sqliteSteady: sqliteSteadyDecisions,
        oneSteady: oneSteadyDecisions,
        twoSteady: twoSteadyDecisions,
        twoAll: twoAllDecisions,
        race: raceDecisions,
      },
      raced,
      replies,
      deadlocks: { one: deadlocksOfOne, two: deadlocksOfTwo },
      posts: {
        sentBySlack: slack.ok['chat.postMessage'] ?? 0,
        deliveredRows: outboxAtEnd.postsDelivered - outboxAtStart.postsDelivered,
        dead: outboxAtEnd.dead - outboxAtStart.dead,
      },
    };
    step('done');
    try {
      postgresRows(figures, ctx.add);
    } catch (error) {
      // A lost or doubled Accept: the apps' last warnings say what they met (a listener's failure is logged there).
      const logs = apps
        .map((app, i) => `--- app ${i + 1}'s warnings:\n${app.warnings.join('\n')}`)
        .join('\n');
      throw new Error(`${(error as Error).message}\n${logs}`);
    }
    return figures;
  } finally {
    for (const app of apps) await app.stop();
    for (const fake of fakes) await fake.stop();
    await reader?.close();
    await work.close();
    server.stop();
  }
}
