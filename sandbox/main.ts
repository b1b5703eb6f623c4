/**
 * `npm run sandbox`: the app against the fake Slack, with the sandbox page on http://127.0.0.1:3100 (SANDBOX_PORT).
 * The database is ./data/sandbox.db (SANDBOX_DATABASE_PATH): kept between runs, so handoffs stay; delete it to
 * start over.
 */
import { startSandbox } from './sandbox.js';

const sandbox = await startSandbox({
  port: Number(process.env.SANDBOX_PORT ?? 3100),
  databasePath: process.env.SANDBOX_DATABASE_PATH ?? './data/sandbox.db',
  env: { LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' },
});
console.log(`Handoff sandbox: open ${sandbox.url} (Ctrl-C to stop)`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    void sandbox.stop().then(() => process.exit(0));
  });
}
