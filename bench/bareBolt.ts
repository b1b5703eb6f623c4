/**
 * The framework's own limit: a Bolt app with Bolt's HTTPReceiver (signature check, body parsing, routing) whose
 * only listener acknowledges the Accept button. Same action id, same payloads, same machine as the real app.
 *
 * With BARE_SQLITE_PATH set, the second baseline: the listener first writes one row (the button's value and the
 * clicking user) to that SQLite file, synchronously, then acknowledges. The connection is set up as the app sets up
 * its own (see APP_PRAGMAS and startCheckpointing below), so the difference to the app is the app's own work.
 *
 * Environment: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL, and optionally BARE_SQLITE_PATH.
 */
import { Worker } from 'node:worker_threads';
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import Database from 'better-sqlite3';
import { CALLBACK_ID } from '../src/blocks/ids.js';

/**
 * The pragmas of openDatabase in src/db/client.ts, in its order (copied: src does not export them as a list). Keep
 * in step with that file.
 */
const APP_PRAGMAS = [
  'journal_mode = WAL',
  'foreign_keys = ON',
  'busy_timeout = 5000',
  'synchronous = NORMAL',
];

/**
 * The app's WAL checkpointing (copied from src/db/checkpointer.ts and src/db/checkpointWorker.ts, which run on the
 * app's own logger and built worker script): the request connection never checkpoints (wal_autocheckpoint = 0), a
 * worker thread with its own connection runs a PASSIVE checkpoint every 500 ms. Without it this baseline would pay
 * SQLite's automatic checkpoint (an fsync) inside some requests, which the app does not.
 */
const CHECKPOINT_INTERVAL_MS = 500;
const CHECKPOINT_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require('better-sqlite3');
const sqlite = new Database(workerData.path, { fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const timer = setInterval(() => sqlite.pragma('wal_checkpoint(PASSIVE)'), workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  sqlite.close();
  parentPort.close();
});
`;

function startCheckpointing(sqlite: Database.Database): () => Promise<void> {
  const worker = new Worker(CHECKPOINT_WORKER, {
    eval: true,
    workerData: { path: sqlite.name, intervalMs: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  return async () => {
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    worker.postMessage('stop');
    await exited;
  };
}

function openClicks(path: string) {
  const sqlite = new Database(path);
  for (const pragma of APP_PRAGMAS) sqlite.pragma(pragma);
  sqlite.exec(
    `CREATE TABLE IF NOT EXISTS clicks (
       id INTEGER PRIMARY KEY,
       handoff_id INTEGER NOT NULL,
       user_id TEXT NOT NULL,
       at INTEGER NOT NULL
     )`,
  );
  const insert = sqlite.prepare('INSERT INTO clicks (handoff_id, user_id, at) VALUES (?, ?, ?)');
  const stopCheckpointing = startCheckpointing(sqlite);
  return {
    write: (handoffId: number, userId: string) => insert.run(handoffId, userId, Date.now()),
    close: async () => {
      await stopCheckpointing();
      sqlite.close();
    },
  };
}

const clicks = process.env.BARE_SQLITE_PATH ? openClicks(process.env.BARE_SQLITE_PATH) : undefined;

const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';
const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? '',
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
});
// The AE's Accept: the accept modal's submission (issue 51), its handoff in the modal's metadata.
app.view(CALLBACK_ID.accept, async ({ ack, view, body }) => {
  clicks?.write(
    Number((JSON.parse(view.private_metadata) as { handoffId?: number }).handoffId),
    body.user.id,
  );
  await ack();
});
await app.start(Number(process.env.PORT));
process.send?.({ type: 'ready' });
process.on('disconnect', () => {
  void app
    .stop()
    .then(() => clicks?.close())
    .then(() => process.exit(0));
});
