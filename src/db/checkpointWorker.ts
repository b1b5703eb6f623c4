/** Worker thread of checkpointer.ts: its own connection, a PASSIVE checkpoint on an interval, closed on 'stop'. */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

const { path, intervalMs } = workerData as { path: string; intervalMs: number };
const sqlite = new Database(path, { fileMustExist: true });
sqlite.pragma('busy_timeout = 5000');
const timer = setInterval(() => {
  sqlite.pragma('wal_checkpoint(PASSIVE)');
}, intervalMs);
parentPort?.on('message', (message) => {
  if (message !== 'stop') return;
  clearInterval(timer);
  sqlite.close();
  parentPort?.close();
});
