/**
 * What `npm run manifest` (manifest.ts) makes of its command line: pure, so the tests check each wrong command line
 * without starting the command.
 */
import { readCommandLine } from '../cliExit.js';
import { type Deployment, EVENTS_PATH, OAUTH_REDIRECT_PATH, parseBaseUrl } from './deployment.js';

export const MANIFEST_USAGE =
  'Usage: npm run manifest -- --url https://YOUR-HOST [--oauth] [--out FILE [--force]]\n' +
  '       npm run manifest -- --socket-mode [--out FILE [--force]]\n' +
  `  --url          the app's public HTTPS base URL; every request URL becomes <url>${EVENTS_PATH}\n` +
  '  --socket-mode  Socket Mode on, no request URLs (the app connects with SLACK_APP_TOKEN)\n' +
  `  --oauth        with --url: installed by OAuth, not a pasted token; redirect URL <url>${OAUTH_REDIRECT_PATH},\n` +
  '                 org-wide installs allowed on Enterprise Grid\n' +
  '  --out          write the manifest to FILE (default: standard output); an existing FILE is kept\n' +
  '  --force        with --out: replace FILE if it exists (a symbolic link is replaced, never written through)\n';

interface Args {
  url?: string;
  'socket-mode'?: boolean;
  oauth?: boolean;
  out?: string;
  force?: boolean;
}

/** The manifest asked for: the help, a wrong command line (its message; exit code 2 with the usage), or which. */
export type ManifestRequest =
  | { kind: 'help' }
  | { kind: 'usage'; message: string }
  | { kind: 'run'; deployment: Deployment; out: string | undefined; force: boolean };

/** Flags that only go with another one, and what is said when it is missing (exit code 2). */
const NEEDS: { flag: keyof Args; needs: keyof Args; message: string }[] = [
  { flag: 'force', needs: 'out', message: '--force only goes with --out.' },
  {
    flag: 'oauth',
    needs: 'url',
    message: `--oauth needs --url: Slack sends the installer back to <url>${OAUTH_REDIRECT_PATH}, so the app must have a public HTTPS URL.`,
  },
];

function deploymentOf(args: Args): Deployment | { message: string } {
  if (args.url !== undefined && args['socket-mode'])
    return { message: 'Give --url or --socket-mode, not both.' };
  for (const { flag, needs, message } of NEEDS)
    if (args[flag] && args[needs] === undefined) return { message };
  if (args['socket-mode']) return { mode: 'socket' };
  if (args.url === undefined) return { message: 'Give --url (HTTP) or --socket-mode.' };
  const base = parseBaseUrl(args.url);
  if (base.kind === 'invalid') return { message: base.message };
  return { mode: 'http', baseUrl: base.value, install: args.oauth ? 'oauth' : 'token' };
}

export function manifestRequest(argv: string[]): ManifestRequest {
  const line = readCommandLine<Args>(argv, {
    url: { type: 'string' },
    'socket-mode': { type: 'boolean' },
    oauth: { type: 'boolean' },
    out: { type: 'string' },
    force: { type: 'boolean' },
  });
  if (line.kind !== 'values') return line;
  const args = line.values;
  const deployment = deploymentOf(args);
  if ('message' in deployment) return { kind: 'usage', message: deployment.message };
  return { kind: 'run', deployment, out: args.out, force: args.force ?? false };
}

/** What the manifest written to --out is for, on standard error. */
export function described(deployment: Deployment): string {
  if (deployment.mode === 'socket') return 'Socket Mode';
  const oauth =
    deployment.install === 'oauth' ? `, OAuth redirect ${deployment.baseUrl}${OAUTH_REDIRECT_PATH}` : '';
  return `request URLs ${deployment.baseUrl}${EVENTS_PATH}${oauth}`;
}
