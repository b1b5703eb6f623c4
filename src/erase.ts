/**
 * `npm run erase -- --person <Slack id | email | name> [--apply] [--installation T…]`: erases one person on request
 * (docs/privacy.md "Erasing a person"). Without --apply it lists every place the person appears,
 * what would stop the erasure and what it cannot reach, and changes nothing. With --apply (and nothing stopping it)
 * it rewrites those rows in one transaction, queues the edits of the app's Slack messages that show them (the running
 * app sends them; a stopped one at its next start), and prints the report. Reads the settings as `npm start` does.
 * Exit codes: 0 done (or listed), 1 the erasure is blocked or the settings are refused, 2 a wrong command line.
 */
import { existsSync } from 'node:fs';
import { ERASE_USAGE, eraseRequest } from './cliErase.js';
import { exitFailed, exitWithUsage } from './cliExit.js';
import { oneInstallation } from './cliInstallation.js';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/client.js';
import { postgresStorage, sqliteStorage } from './db/storage.js';
import { createErasure } from './erasure/erase.js';
import { planText, reportText } from './erasure/words.js';
import { createLogger } from './logger.js';

/** A wrong command line (exit code 2, with the usage), or with `code` 1 a refusal the person can act on. */
function fail(message: string, code: 1 | 2 = 2): never {
  return code === 2 ? exitWithUsage(message, ERASE_USAGE) : exitFailed(message);
}

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const request = eraseRequest(process.argv.slice(2));
  if (request.kind === 'help') {
    process.stdout.write(ERASE_USAGE);
    return;
  }
  if (request.kind === 'usage') fail(request.message);
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(`${error.message}\nSee docs/configuration.md.`, 1);
    throw error;
  }
  if (!config.databaseUrl && !existsSync(config.databasePath))
    fail(`There is no database at ${config.databasePath} (DATABASE_PATH).`, 1);
  const logger = createLogger('warn');
  const storage = config.databaseUrl
    ? await postgresStorage(config.databaseUrl, logger, { max: 2 })
    : sqliteStorage(openDatabase(config.databasePath));
  try {
    const db = await oneInstallation(storage.db, request.installation, fail);
    const erasure = createErasure({ db, clock: systemClock, logger, config });
    const plan = await erasure.plan(request.person);
    if ('problem' in plan) fail(plan.problem);
    process.stdout.write(`${planText(plan)}\n`);
    if (!request.apply) {
      process.stdout.write('\nNothing changed. Run again with --apply to erase.\n');
      return;
    }
    if (plan.blockers.length > 0)
      fail('\nNot erased: do what is listed under "First" above, then run again.', 1);
    const report = await erasure.apply(plan, 'cli');
    process.stdout.write(`\n${reportText(report)}\n`);
  } finally {
    await storage.close();
  }
}

await main();
