/**
 * `npm run doctor`: checks a real install (settings, the Slack token and its scopes, channels, people, the database,
 * the escalation policy file, the CRM, holidays) and prints a checklist with what to do for each failure, and the ids
 * of the channels and people it found. Exit code 1 when any check failed. Reads `.env` in the current folder like
 * `npm start`; talks to Slack through SLACK_API_URL; only reads the database, and takes no lock (the app may run).
 */
import { existsSync } from 'node:fs';
import { systemClock } from './clock.js';
import { type Config, ConfigError, loadConfig } from './config.js';
import { privacyStatement, readOwnCrms } from './doctor/privacy.js';
import { runDoctor } from './doctor/run.js';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'Usage: npm run doctor [-- --privacy]\nChecks this install with the settings of .env and the environment.\n--privacy: prints what this deployment stores about people, where, for how long, and who receives it (docs/privacy.md).\n',
    );
    return;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  if (process.argv.includes('--privacy')) {
    await privacy();
    return;
  }
  const report = await runDoctor({ env: process.env, clock: systemClock });
  process.stdout.write(report.text);
  process.exitCode = report.exitCode;
}

/** `--privacy`: the privacy statement from the live settings (doctor/privacy.ts); settings the app refuses, exit 1. */
async function privacy(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(
      `The settings have problems, so no statement can be made from them:\n${error.problems.map((p) => `  - ${p}`).join('\n')}\n`,
    );
    process.exitCode = 1;
    return;
  }
  process.stdout.write(privacyStatement({ config, ...(await readOwnCrms(config)) }));
}

await main();
