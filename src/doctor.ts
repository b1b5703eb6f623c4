/**
 * `npm run doctor`: checks a real install (settings, the Slack token and its scopes, channels, people, the database,
 * the escalation policy file, the CRM, holidays) and prints a checklist with what to do for each failure, and the ids
 * of the channels and people it found. Exit code 1 when any check failed. Reads `.env` in the current folder like
 * `npm start`; talks to Slack through SLACK_API_URL; only reads the database, and takes no lock (the app may run).
 */
import { existsSync } from 'node:fs';
import { systemClock } from './clock.js';
import { runDoctor } from './doctor/run.js';

async function main(): Promise<void> {
  if (process.argv.includes('--help') || process.argv.includes('-h')) {
    process.stdout.write(
      'Usage: npm run doctor\nChecks this install with the settings of .env and the environment.\n',
    );
    return;
  }
  if (existsSync('.env')) process.loadEnvFile('.env');
  const report = await runDoctor({ env: process.env, clock: systemClock });
  process.stdout.write(report.text);
  process.exitCode = report.exitCode;
}

await main();
