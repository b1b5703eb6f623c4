/**
 * `npm run manifest -- --url https://handoff.acme.com [--oauth] [--out FILE [--force]]` or
 * `npm run manifest -- --socket-mode [--out FILE]`: the Slack app manifest for this deployment, made from the
 * repository's manifest.json (see manifest/deployment.ts), checked against the rules of Slack's manifest schema,
 * written to FILE or standard output. `--oauth`: the manifest for an install by OAuth (docs/install.md). Needs no
 * settings and no token. Bad arguments: a message and exit code 2; a manifest.json that cannot be made valid, or a
 * FILE that exists (without --force), is a link, or cannot be written (its folder missing): one line and exit code 1.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Deployment,
  EVENTS_PATH,
  type JsonObject,
  manifestFor,
  OAUTH_REDIRECT_PATH,
  parseBaseUrl,
} from './manifest/deployment.js';
import { writeManifest } from './manifest/output.js';

/** manifest.json at the repository's root: one level above src/ (tsx) and dist/ (built). */
const SOURCE = join(import.meta.dirname, '..', 'manifest.json');

const USAGE =
  'Usage: npm run manifest -- --url https://YOUR-HOST [--oauth] [--out FILE [--force]]\n' +
  '       npm run manifest -- --socket-mode [--out FILE [--force]]\n' +
  `  --url          the app's public HTTPS base URL; every request URL becomes <url>${EVENTS_PATH}\n` +
  '  --socket-mode  Socket Mode on, no request URLs (the app connects with SLACK_APP_TOKEN)\n' +
  `  --oauth        with --url: installed by OAuth, not a pasted token; redirect URL <url>${OAUTH_REDIRECT_PATH},\n` +
  '                 org-wide installs allowed on Enterprise Grid\n' +
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
        oauth: { type: 'boolean' },
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

type Args = ReturnType<typeof parse>;

/** Flags that only go with another one, and what is said when it is missing (exit code 2). */
const NEEDS: { flag: keyof Args; needs: keyof Args; message: string }[] = [
  { flag: 'force', needs: 'out', message: '--force only goes with --out.' },
  {
    flag: 'oauth',
    needs: 'url',
    message: `--oauth needs --url: Slack sends the installer back to <url>${OAUTH_REDIRECT_PATH}, so the app must have a public HTTPS URL.`,
  },
];

function deploymentOf(args: Args): Deployment {
  if (args.url !== undefined && args['socket-mode']) fail('Give --url or --socket-mode, not both.');
  for (const { flag, needs, message } of NEEDS) if (args[flag] && args[needs] === undefined) fail(message);
  if (args['socket-mode']) return { mode: 'socket' };
  if (args.url === undefined) fail('Give --url (HTTP) or --socket-mode.');
  const base = parseBaseUrl(args.url);
  if (base.kind === 'invalid') fail(base.message);
  return { mode: 'http', baseUrl: base.value, install: args.oauth ? 'oauth' : 'token' };
}

/** What the manifest written to --out is for, on standard error. */
function described(deployment: Deployment): string {
  if (deployment.mode === 'socket') return 'Socket Mode';
  const oauth =
    deployment.install === 'oauth' ? `, OAuth redirect ${deployment.baseUrl}${OAUTH_REDIRECT_PATH}` : '';
  return `request URLs ${deployment.baseUrl}${EVENTS_PATH}${oauth}`;
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
  if (args.out) {
    const written = writeManifest(args.out, text, args.force ?? false);
    if (written.kind === 'refused') {
      process.stderr.write(`${written.message}\n`);
      process.exit(1);
    }
    process.stderr.write(`Wrote the manifest (${described(deployment)}) to ${args.out}\n`);
  } else {
    process.stdout.write(text);
  }
}

main();
