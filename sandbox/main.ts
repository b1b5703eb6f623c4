/**
 * `npm run sandbox`: the app against the fake Slack, with the sandbox page on http://127.0.0.1:3100 (SANDBOX_PORT).
 * The database is ./data/sandbox.db (SANDBOX_DATABASE_PATH), started afresh each run: the fake Slack's messages,
 * views and clock live in memory, so handoffs kept from a previous run would point at messages that are gone.
 */
import { rmSync } from 'node:fs';
import { DateTime } from 'luxon';
import { DatabaseInUseError, type DatabaseLock, DatabaseLockError, lockDatabase } from '../src/db/lock.js';
import { startSandbox } from './sandbox.js';

const databasePath = process.env.SANDBOX_DATABASE_PATH ?? './data/sandbox.db';
// One sandbox per database file (src/db/lock.ts): a second one would delete the first one's database below.
let lock: DatabaseLock;
try {
  lock = lockDatabase(databasePath);
} catch (error) {
  if (!(error instanceof DatabaseInUseError || error instanceof DatabaseLockError)) throw error;
  process.stderr.write(`${error.message.replace('DATABASE_PATH', 'SANDBOX_DATABASE_PATH')}\n`);
  process.exit(1);
}
process.once('exit', () => lock.release());
for (const suffix of ['', '-wal', '-shm']) rmSync(`${databasePath}${suffix}`, { force: true });

// SANDBOX_START=2026-11-22T20:35: the sandbox clock starts then (New York time), e.g. a Sunday evening before a week
// with Thanksgiving; by default it starts now.
const start = process.env.SANDBOX_START
  ? DateTime.fromISO(process.env.SANDBOX_START, { zone: 'America/New_York' })
  : undefined;
if (start && !start.isValid) {
  process.stderr.write(
    `SANDBOX_START is not a date and time: ${process.env.SANDBOX_START} (e.g. 2026-11-22T20:35)\n`,
  );
  process.exit(1);
}

const sandbox = await startSandbox({
  port: Number(process.env.SANDBOX_PORT ?? 3100),
  databasePath,
  ...(start ? { startAt: start.toJSDate() } : {}),
  env: {
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
    // As an install: what the app sends a person on its own waits for their working hours (true: at once).
    SEND_OUTSIDE_WORKING_HOURS: process.env.SEND_OUTSIDE_WORKING_HOURS ?? 'false',
    // Public holidays: by default each person's own country's, from their time zone (the cast in New York: US
    // Thanksgiving; Sam in Berlin: German holidays). HOLIDAY_REGIONS=none (or a list such as US,DE-BY) to try others.
    ...(process.env.HOLIDAY_REGIONS !== undefined ? { HOLIDAY_REGIONS: process.env.HOLIDAY_REGIONS } : {}),
    // Your own policy file instead of sandbox/policies.json (pools and routes name the cast: U0AE, U0AE2, …).
    ...(process.env.ESCALATION_POLICY_FILE
      ? { ESCALATION_POLICY_FILE: process.env.ESCALATION_POLICY_FILE }
      : {}),
  },
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
