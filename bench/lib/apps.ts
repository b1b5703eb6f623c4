/** What the sections share to run the app under load: its environment, the fake Slack, and its outbox's state. */
import Database from 'better-sqlite3';
import type { Cast } from './cast.js';
import { SIGNING_SECRET } from './payloads.js';
import { Helper } from './proc.js';

/** The apps' gap between two posts to one conversation, when the run sets one (`--pace-ms`). */
let paceMs: number | undefined;
export const setAppPacing = (ms: number | undefined) => {
  paceMs = ms;
};
/** The pacing part of every app's environment: empty unless the run set `--pace-ms`. */
export const pacingEnv = (): NodeJS.ProcessEnv =>
  paceMs === undefined ? {} : { OUTBOX_CHANNEL_INTERVAL_MS: String(paceMs) };

/** The app's environment on the fake Slack; `storage` says where its data is (DATABASE_PATH or DATABASE_URL). */
export const appEnv = (
  fake: { apiUrl: string; token: string },
  storage: string | { DATABASE_URL: string },
  extra: NodeJS.ProcessEnv = {},
) => ({
  SLACK_BOT_TOKEN: fake.token,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  SLACK_API_URL: fake.apiUrl,
  ...(typeof storage === 'string' ? { DATABASE_PATH: storage } : storage),
  LOG_LEVEL: 'info',
  ...pacingEnv(),
  ...extra,
});

/** The fake Slack Web API in its own process (fakeSlackProcess.ts), knowing the cast's people and channels. */
export async function startFake(cast: Cast) {
  const fake = new Helper('fakeSlackProcess.ts');
  const ready = await fake.first<{ apiUrl: string; token: string }>();
  await fake.request({ type: 'cast', cast });
  return { fake, ready };
}

/**
 * The Web API methods the outbox calls for an Accept (the AE's DM edited, posts to the author and the partner
 * thread) and for App Home refreshes: the ones the fake Slack rate-limits to hold deliveries back.
 */
export const DELIVERY_METHODS = ['chat.postMessage', 'chat.update', 'views.publish'];
/**
 * Retry-After (seconds) of the held methods. The outbox blocks a rate-limited method for that long and then tries
 * again, so a release takes effect within it; short, so the backlog's drain time is not mostly this wait.
 */
export const HOLD_RETRY_AFTER_S = 1;

export interface OutboxState {
  total: number;
  /** Pending rows to deliver now or within seconds (not those waiting for their reader's working hours). */
  pending: number;
  /** Pending rows waiting for their reader's working hours (HELD_FOR_HOURS_MS). */
  heldForHours: number;
  dead: number;
  delivered: number;
  postsDelivered: number;
  updatesDelivered: number;
}

/**
 * A pending row that waits for its reader's working hours (its conversation key `reach:…`, due more than a minute
 * from now: a reminder swept at night or at the weekend) is not backlog: the run's drain does not wait for Monday.
 * A row held back by a 429 is due within seconds, and counts.
 */
export const HELD_FOR_HOURS_MS = 60_000;

/** Open outbox rows of a SQLite database (read-only; WAL lets it read while the app writes). */
export function outboxState(dbPath: string): OutboxState {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare(
        `SELECT count(*) AS total,
           sum(status = 'pending' AND NOT (channel_key LIKE 'reach:%' AND next_attempt_at > :later)) AS pending,
           sum(status = 'pending' AND channel_key LIKE 'reach:%' AND next_attempt_at > :later) AS heldForHours,
           sum(status = 'dead') AS dead, sum(status = 'delivered') AS delivered,
          sum(status = 'delivered' AND method = 'chat.postMessage') AS postsDelivered,
          sum(status = 'delivered' AND method = 'chat.update') AS updatesDelivered FROM outbox`,
      )
      .get({ later: Date.now() + HELD_FOR_HOURS_MS }) as OutboxState;
  } finally {
    db.close();
  }
}

/**
 * The outbox methods that are local work, not Slack calls (a change of a handoff expanded into its messages, its
 * surfaces marked for refresh): a Slack hold does not hold them back, and an Accept's CPU includes them.
 */
const LOCAL_METHODS = ['handoff.change', 'surfaces.refresh'];

/** Pending local rows (LOCAL_METHODS) in the SQLite database's outbox: 0 for a build that has none. */
export function localPending(dbPath: string): number {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const row = db
      .prepare(
        `SELECT count(*) AS n FROM outbox WHERE status = 'pending' AND method IN (${LOCAL_METHODS.map(() => '?').join(', ')})`,
      )
      .get(...LOCAL_METHODS) as { n: number };
    return row.n;
  } finally {
    db.close();
  }
}

/** Waits until `pending()` says no outbox row is left to deliver; false after `timeoutMs`. */
export async function drainedBy(
  pending: () => number | Promise<number>,
  timeoutMs: number,
): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await pending()) === 0) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

/** Waits until the SQLite database's outbox has nothing pending; false after `timeoutMs`. */
export const drained = (dbPath: string, timeoutMs: number) =>
  drainedBy(() => outboxState(dbPath).pending ?? 0, timeoutMs);
