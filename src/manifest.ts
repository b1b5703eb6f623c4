/**
 * `npm run manifest -- --url https://handoff.acme.com [--out FILE [--force]]` or `npm run manifest -- --socket-mode [--out FILE]`:
 * the Slack app manifest for this deployment, made from the repository's manifest.json (see manifest/deployment.ts),
 * checked against the rules of Slack's manifest schema, written to FILE or standard output. Needs no settings and no
 * token. Bad arguments: a message and exit code 2; a manifest.json that cannot be made valid, or a FILE that exists
 * (without --force), is a link, or cannot be written (its folder missing): one line and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Deployment,
  EVENTS_PATH,
  type JsonObject,
  manifestFor,
  parseBaseUrl,
} from './manifest/deployment.js';
import { writeManifest } from './manifest/output.js';

/** manifest.json at the repository's root: one level above src/ (tsx) and dist/ (built). */
const SOURCE = join(import.meta.dirname, '..', 'manifest.json');

const USAGE =
  'Usage: npm run manifest -- --url https://YOUR-HOST [--out FILE [--force]]\n' +
  '       npm run manifest -- --socket-mode [--out FILE [--force]]\n' +
  `  --url          the app's public HTTPS base URL; every request URL becomes <url>${EVENTS_PATH}\n` +
  '  --socket-mode  Socket Mode on, no request URLs (the app connects with SLACK_APP_TOKEN)\n' +
  '  --out          write the manifest to FILE (default: standard output); an existing FILE is kept\n' +
  '  --force        with --out: replace FILE if it exists (a symbolic link is replaced, never written through)\n';

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}`);
  process.exit(2);
}

function parse() {
  try {
    return parseArgs({
      options: {
        url: { type: 'string' },
        'socket-mode': { type: 'boolean' },
        out: { type: 'string' },
        force: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
}

function deploymentOf(args: ReturnType<typeof parse>): Deployment {
  if (args.url !== undefined && args['socket-mode']) fail('Give --url or --socket-mode, not both.');
  if (args['socket-mode']) return { mode: 'socket' };
  if (args.url === undefined) fail('Give --url (HTTP) or --socket-mode.');
  const base = parseBaseUrl(args.url);
  if (base.kind === 'invalid') fail(base.message);
  return { mode: 'http', baseUrl: base.value };
}

function main(): void {
  const args = parse();
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const deployment = deploymentOf(args);
  const source = JSON.parse(readFileSync(SOURCE, 'utf8')) as JsonObject;
  const made = manifestFor(source, deployment);
  if (made.kind === 'invalid') {
    process.stderr.write(`${made.message}\n(from ${SOURCE})\n`);
    process.exit(1);
  }
  const text = `${JSON.stringify(made.value, null, 2)}\n`;
  if (args.force && !args.out) fail('--force only goes with --out.');
  if (args.out) {
    const written = writeManifest(args.out, text, args.force ?? false);
    if (written.kind === 'refused') {
      process.stderr.write(`${written.message}\n`);
      process.exit(1);
    }
    const what =
      deployment.mode === 'http' ? `request URLs ${deployment.baseUrl}${EVENTS_PATH}` : 'Socket Mode';
    process.stderr.write(`Wrote the manifest (${what}) to ${args.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

main();
