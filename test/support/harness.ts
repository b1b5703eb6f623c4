import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, expect } from 'vitest';
import { type RunningApp, startHandoffApp } from '../../src/compose.js';
import { type Config, loadConfig } from '../../src/config.js';
import { type AppDatabase, openDatabase } from '../../src/db/client.js';
import { FIRST_INSTALLATION } from '../../src/db/columns.js';
import { type Tables, tablesOf } from '../../src/db/engine.js';
import { dueHeads, type OutboxRow } from '../../src/db/repositories/outbox.js';
import { type AppStorage, postgresStorage, sqliteStorage } from '../../src/db/storage.js';
import { createLogger } from '../../src/logger.js';
import { DELIVERY_KINDS } from '../../src/outbox/kinds/table.js';
import type { Timers } from '../../src/runtime/timers.js';
import { secretsOf } from '../../src/secrets.js';
import { createSlackClients, type SlackClientTimeouts } from '../../src/slackClients.js';
import { TestClock } from './clock.js';
import { EventSender, type FakeEvent } from './fakeSlack/events.js';
import { FakeSlack } from './fakeSlack.js';
import {
  type HarnessDatabase,
  harnessDatabase,
  harnessEngine,
  newPostgresDatabase,
} from './harnessEngine.js';
import { slashCommand } from './payloads.js';
import { channels, people, rivalPeople, TEAM, teams } from './people.js';
import { RequestClock } from './requestClock.js';
import { migratedCopy } from './scratchDb.js';
import { postInteraction, postSlashCommand, type SignedPostOptions } from './signing.js';

export const SIGNING_SECRET = 'test-signing-secret-8f14e45fceea167a';

export interface Harness {
  slack: FakeSlack;
  app: RunningApp;
  /**
   * The app's database. On Postgres (the `integration-pg` project) `sqlite` is not there: a test that reads SQLite's
   * connection runs on SQLite only.
   */
  database: HarnessDatabase;
  /** What `databasePath` takes to start again on the same data: the SQLite file, or the Postgres database's URL. */
  databaseKey: string;
  engine: 'sqlite' | 'postgres';
  /**
   * The engine's tables (db/engine.ts `tablesOf`), for a test's own queries, awaited (no `.all()`/`.get()`): the same
   * query then runs on both engines.
   */
  tables: Tables;
  config: Config;
  clock: TestClock;
  /** How long requests wait for their answers: still (none late) until the test makes answers take longer. */
  requestClock: RequestClock;
  eventsUrl: string;
  baseUrl: string;
  /** Everything the app logged, as parsed JSON lines. */
  logs: Record<string, unknown>[];
  command(fields?: Record<string, string>, opts?: SignedPostOptions): Promise<Response>;
  interact(payload: unknown, opts?: SignedPostOptions): Promise<Response>;
  /** Stops the app; `keepDatabase` leaves the SQLite file for a restart. */
  stop(opts?: { keepDatabase?: boolean }): Promise<void>;
}

export interface HarnessOptions {
  now?: string;
  env?: Record<string, string>;
  /** Reuse a running fake Slack and an existing database (a restart): `databasePath` is a Harness's `databaseKey`. */
  slack?: FakeSlack;
  databasePath?: string;
  /** Slack client timeouts (production's by default): a test of a lost answer need not wait 5 s for it. */
  timeouts?: SlackClientTimeouts;
  /** Real time for the app's outbox (the process's own by default): a replica whose wall clock is off. */
  outboxTimers?: Timers;
  /**
   * Real time for the scheduler's ticks, the program's follow and the CRMs' rate limits (the process's own by
   * default, so a minutely job may run at any real minute of a test): a test whose steps a job must not come between,
   * or that counts HubSpot's searches a second, gives timers it steps.
   */
  timers?: Timers;
  /** Told the app's port while its start waits (an OAuth install waits for /slack/install). */
  onStatusPort?: (port: number) => void;
  /** false: the harness is ready once the app serves, while its other installations still start (default: all). */
  everyInstallation?: boolean;
}

/**
 * The workspace the harness seeds when it starts its own fake Slack: everyone in `people` and `rivalPeople`, the
 * own and both partner teams (team.info), and the channels of `channels` (the bot in all but `notJoined`). For tests
 * that start a fake Slack themselves (e.g. with rate limits) and hand it to `startHarness`.
 */
export function seedWorkspace(slack: FakeSlack): void {
  for (const user of Object.values(people)) slack.addUser(user);
  for (const user of Object.values(rivalPeople)) slack.addUser(user);
  for (const team of Object.values(teams)) slack.addTeam(team);
  slack.addChannel({ ...channels.partner, members: [slack.botUserId] });
  slack.addChannel({ ...channels.internal, members: [slack.botUserId] });
  slack.addChannel(channels.notJoined);
  slack.addChannel({ ...channels.rival, members: [slack.botUserId] });
  slack.addChannel({ ...channels.multi, members: [slack.botUserId] });
}

/** The SQLite files the apps of this test process have open, each with its writing connections. */
const openFiles = new Map<string, Set<AppDatabase['sqlite']>>();

/**
 * Opens a SQLite file for an app, once every other app of this process that has it open (a replica, the app before a
 * restart) is between transactions. Separate processes each wait in SQLite's busy handler; in one process, the open's
 * synchronous wait would block the event loop the other app's transaction needs to finish (SQLITE_BUSY after 5 s).
 */
async function openShared(path: string): Promise<AppDatabase> {
  const writers = openFiles.get(path) ?? new Set();
  openFiles.set(path, writers);
  while ([...writers].some((w) => w.open && w.inTransaction)) await new Promise((r) => setImmediate(r));
  const database = openDatabase(path);
  writers.add(database.sqlite);
  return database;
}

/**
 * Starts the real app as `npm start` does (startHandoffApp: Bolt's HTTP receiver on a free port, a real migrated
 * SQLite file) against a fake Slack Web API server.
 */
export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const slack = opts.slack ?? (await FakeSlack.start());
  if (!opts.slack) seedWorkspace(slack);
  const onPostgres = harnessEngine() === 'postgres';
  const dir = opts.databasePath || onPostgres ? undefined : mkdtempSync(join(tmpdir(), 'handoff-test-'));
  const databasePath =
    opts.databasePath ?? (onPostgres ? await newPostgresDatabase() : join(dir as string, 'handoff.db'));
  const env = {
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    ...(onPostgres ? { DATABASE_URL: databasePath } : { DATABASE_PATH: databasePath }),
    LOG_LEVEL: 'info',
    OUTBOX_POLL_INTERVAL_MS: '100',
    // Pacing at production's second is tested on stepped time (test/unit/outbox/worker.test.ts) and in the
    // outage drill; here a short gap keeps the path exercised without making every test wait on it.
    OUTBOX_CHANNEL_INTERVAL_MS: '20',
    // Production waits 30 s before looking for a post whose answer was lost; tests that need that wait set it.
    OUTBOX_UNCERTAIN_WAIT_MS: '1000',
    // Figures are computed when asked unless that takes this long (production: 200 ms): a test machine under load
    // must not turn a small workspace's App Home into "as of" figures. Tests of the snapshots set it.
    METRICS_MAX_WAIT_MS: '10000',
    // An outcome reaches the partner at once here (production holds it OUTCOME_UNDO_SECONDS, default 60, for Undo):
    // the undo window's own tests set it (test/integration/outcomeUndo.test.ts) and move the test clock past it.
    OUTCOME_UNDO_SECONDS: '0',
    // What the app sends a person on its own goes at once here (production waits for its reader's working hours):
    // the tests of those hours set it to false (test/integration/reachHours.test.ts) and move the test clock.
    SEND_OUTSIDE_WORKING_HOURS: 'true',
    ...opts.env,
  };
  const config = loadConfig(env);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  const clock = new TestClock(new Date(opts.now ?? '2026-11-23T14:00:00Z'));
  // Statuses expire on the app's clock: a status set to expire at the fixture's Thursday 15:00 is still set when the
  // test clock says Wednesday, whatever day the suite runs on (real time made that test fail on that Thursday).
  slack.statusClock = () => clock.now().getTime();
  const logger = createLogger(config.logLevel, sink, secretsOf(env));
  const storage: AppStorage & { database?: AppDatabase } = onPostgres
    ? await postgresStorage(databasePath, logger, { max: 4, background: 2 })
    : // A new database is a copy of one migrated once per test process (test/support/scratchDb.ts): the same file
      // the app's start would make, for a tenth of the time. A restart opens the file it was given.
      sqliteStorage(await openShared(opts.databasePath ? databasePath : migratedCopy(databasePath)));
  // The app's installation, once it has started (a token deployment's is known then); the first until then.
  let running: RunningApp | undefined;
  const database = harnessDatabase(
    storage,
    () => running?.tenants()[0]?.db.installationId ?? FIRST_INSTALLATION,
  );
  const clients = opts.timeouts ? createSlackClients(config, logger, opts.timeouts) : undefined;
  const requestClock = new RequestClock();
  const app = await startHandoffApp({
    config,
    db: storage.db,
    storage,
    ...(storage.bell ? { bell: storage.bell } : {}),
    clock,
    logger,
    requestClock: requestClock.now,
    ...(clients ? { clients } : {}),
    ...(opts.outboxTimers ? { outboxTimers: opts.outboxTimers } : {}),
    ...(opts.timers ? { timers: opts.timers } : {}),
    ...(opts.onStatusPort ? { onStatusPort: opts.onStatusPort } : {}),
  });
  // The app serves from its first installation and starts the others meanwhile: a test starts from all of them.
  if (opts.everyInstallation !== false) await app.started;
  running = app;
  const { port } = app;
  const baseUrl = `http://127.0.0.1:${port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  // Slack Connect changes (slack.shareChannel / unshareChannel) reach this app, also on a reused fake Slack (a restart).
  slack.subscribeEvents(eventsUrl, SIGNING_SECRET);
  return {
    slack,
    app,
    database,
    databaseKey: databasePath,
    engine: storage.engine,
    tables: tablesOf(storage.db),
    config,
    clock,
    requestClock,
    eventsUrl,
    baseUrl,
    logs,
    command: (fields = {}, postOpts) =>
      postSlashCommand(
        eventsUrl,
        SIGNING_SECRET,
        slack.asSentFromOrg(
          slashCommand({ trigger_id: slack.issueTriggerId(), response_url: slack.responseUrl(), ...fields }),
        ),
        postOpts,
      ),
    // As Slack sends them: a workspace of an org names it (fakeSlack `asSentFromOrg`).
    interact: (payload, postOpts) =>
      postInteraction(eventsUrl, SIGNING_SECRET, slack.asSentFromOrg(payload), postOpts),
    async stop(stopOpts = {}) {
      // Only this app's subscription: a reused fake Slack may already deliver to a successor.
      slack.unsubscribeEvents(eventsUrl);
      await app.stop();
      await storage.close();
      if (!opts.slack && !stopOpts.keepDatabase) await slack.stop();
      if (dir && !stopOpts.keepDatabase) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One app per test: the function it returns starts a harness with `base` under the test's own options (their env
 * merged), and every harness it started and the test did not stop is stopped after the test.
 */
export function harnessPerTest(base: HarnessOptions = {}): (opts?: HarnessOptions) => Promise<Harness> {
  const running = new Set<Harness>();
  afterEach(async () => {
    for (const h of running) await h.stop();
    running.clear();
  });
  return async (opts = {}) => {
    const h = await startHarness({ ...base, ...opts, env: { ...base.env, ...opts.env } });
    const stop = h.stop;
    h.stop = async (stopOpts) => {
      running.delete(h);
      await stop(stopOpts);
    };
    running.add(h);
    return h;
  };
}

/** Sends the app one event of this workspace, signed as Slack's Events API sends it; the app answers 200. */
export async function deliverEvent(h: Harness, event: FakeEvent): Promise<void> {
  const sender = new EventSender({ teamId: TEAM, botUserId: h.slack.botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  expect((await sender.deliver(event)).status).toBe(200);
}

/**
 * Polls until `check` returns (or resolves to) a truthy value (or throws on timeout with the last error). A check
 * that reads the database is async (the repositories are): its promise is awaited, never taken as the truthy value.
 */
export async function waitFor<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 8000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Waits until nothing more can happen without the test doing something: no listener or background work running, the
 * outbox worker idle (no wake-up after a commit waiting to look) with no conversation's next message due now (by the
 * test clock; paced and uncertain ones are waited for; a method waiting out a 429's Retry-After holds its rows, as
 * in the worker's own looks), no call to the fake Slack unanswered and no event delivery to the app in flight, twice
 * in a row. For asserting that something did NOT happen, without guessing how long "long enough" is.
 */
export async function quiet(
  h: Pick<Harness, 'app' | 'database' | 'slack' | 'clock'>,
  timeoutMs = 8000,
): Promise<void> {
  const isQuiet = async () =>
    h.app.background.size === 0 &&
    !h.app.outbox.wakePending() &&
    h.slack.calls.every((c) => c.status !== 0) &&
    h.slack.events.every((e) => !e.url || e.status !== undefined) &&
    // The worker's own question: which conversations have a message due now (a later one waits behind its head),
    // leaving out the methods held by a 429's Retry-After, and the rows of any other limit held so (a CRM's 429
    // holds its rows in pacing alone, due by the clock until the test steps it past the wait).
    (await notHeld(h.app.outbox.heldLimits(), () =>
      dueHeads(h.database.db, h.clock.now(), 500, [], h.app.outbox.heldMethods()),
    )) === 0;
  const deadline = Date.now() + timeoutMs;
  for (let stable = 0; stable < 2; ) {
    await h.app.outbox.idle();
    if (await isQuiet()) stable += 1;
    else {
      stable = 0;
      if (Date.now() > deadline) throw new Error('the app did not go quiet');
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** How many of the due heads no held limit holds back (the kind's limit, as the worker's pacing reads it). */
async function notHeld(held: string[], due: () => Promise<OutboxRow[]>): Promise<number> {
  const holds = new Set(held);
  return (await due()).filter((row) => !holds.has(DELIVERY_KINDS[row.method].limitKey(row))).length;
}

/** Waits a fixed time: only for what `quiet` cannot see (a timer inside the test itself). Prefer `quiet`. */
export const settle = (ms = 600) => new Promise((resolve) => setTimeout(resolve, ms));

/** The JSON body Bolt answered a view submission with (`response_action: errors`, …). */
export async function ackBody(
  response: Response,
): Promise<{ response_action?: string; errors?: Record<string, string> }> {
  return (await response.json()) as { response_action?: string; errors?: Record<string, string> };
}
