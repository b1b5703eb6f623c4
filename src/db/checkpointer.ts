import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Logger } from '../logger.js';

/**
 * WAL checkpoints off the event loop. By default SQLite copies the write-ahead log back into the database inside
 * whichever commit crosses 1,000 pages, fsync included, so every few dozen decisions one Slack request waits for the
 * disk. Here the request path's connection never checkpoints; a worker thread with its own connection runs a PASSIVE
 * checkpoint (it never blocks writers or readers) every `intervalMs`. If the worker stops for any reason, the main
 * connection checkpoints by itself again, so the log cannot grow without bound.
 */
export function startCheckpointer(
  sqlite: Database.Database,
  logger: Logger,
  intervalMs = 500,
  /** The worker's script (tests give one that fails). */
  script: URL = new URL('./checkpointWorker.js', import.meta.url),
): { stop(): Promise<void> } {
  if (sqlite.memory) return { stop: async () => {} };
  const worker = new Worker(script, {
    workerData: { path: sqlite.name, intervalMs },
  });
  worker.unref();
  sqlite.pragma('wal_autocheckpoint = 0');
  let stopping = false;
  const restore = () => {
    if (sqlite.open) sqlite.pragma('wal_autocheckpoint = 1000');
  };
  worker.on('error', (error) => {
    logger.error({ err: error }, 'WAL checkpoint worker failed; checkpointing on the main connection again');
    restore();
  });
  worker.on('exit', (code) => {
    if (!stopping) {
      logger.error({ code }, 'WAL checkpoint worker exited; checkpointing on the main connection again');
      restore();
    }
  });
  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      restore();
      // Let it close its connection (the last one to close removes the log); do not wait on it forever.
      const exited = new Promise((resolve) => worker.once('exit', resolve));
      worker.postMessage('stop');
      const timeout = new Promise((resolve) => setTimeout(resolve, 2000).unref());
      if ((await Promise.race([exited.then(() => 'exited'), timeout])) !== 'exited') await worker.terminate();
    },
  };
}
