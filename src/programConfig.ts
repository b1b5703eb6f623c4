/**
 * `npm run config -- export [--out FILE]` and `npm run config -- import FILE [--apply]`: the program (pools, policies,
 * routes, limits, managers, closures, holidays, roles, people, partners) as a JSON file, for teams who keep it in git
 * (src/program/cli.ts). Reads `.env` in the current folder like `npm start`; needs no Slack token. Reads
 * DATABASE_PATH (or Postgres's DATABASE_URL) as `npm run export` does, never migrating it; only `import --apply`
 * writes, beside a running app. Exit code 0 done, 1 a problem, 2 a wrong command line.
 */
import { existsSync } from 'node:fs';
import { runConfigCli } from './program/cli.js';

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  process.exitCode = await runConfigCli(process.argv.slice(2), {
    env: process.env,
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  });
}

await main();
