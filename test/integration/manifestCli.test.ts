import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MANIFEST_USAGE, manifestRequest } from '../../src/manifest/command.js';
import { writeManifest } from '../../src/manifest/output.js';
import { runBuilt } from '../support/builtCli.js';

const root = join(import.meta.dirname, '..', '..');
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
// Slack's published manifest schema, as test/unit/manifest.test.ts uses it.
const schema = JSON.parse(
  readFileSync(join(root, 'test', 'fixtures', 'slack', 'manifest.schema.1.0.0.json'), 'utf8'),
);
const validate = addFormats(new Ajv({ strict: false, allErrors: true })).compile(schema);
const validateV2 = addFormats(new Ajv({ strict: false, allErrors: true })).compile(
  JSON.parse(readFileSync(join(root, 'test', 'fixtures', 'slack', 'manifest.schema.2.0.0.json'), 'utf8')),
);
/** What the command printed for `--url https://handoff.acme.com` before `--oauth`: manifest.json on that host. */
const tokenManifestText = `${JSON.stringify(
  JSON.parse(
    readFileSync(join(root, 'manifest.json'), 'utf8').replaceAll(
      'https://handoff.example.com/',
      'https://handoff.acme.com/',
    ),
  ),
  null,
  2,
)}\n`;

/** Every string in the manifest that is a URL. */
function urls(value: unknown): string[] {
  if (typeof value === 'string') return /^https?:\/\//i.test(value) ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(urls);
  if (value && typeof value === 'object') return Object.values(value).flatMap(urls);
  return [];
}

describe('npm run manifest (dist/manifest.js)', () => {
  let dir: string;

  // cwd: an empty folder (manifest.json is found beside dist/, not in the working directory).
  const cli = (args: string[]) => runBuilt('manifest', args, { cwd: dir });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-manifest-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the HTTP manifest to standard output: every request URL on the given host, byte for byte what it printed before --oauth, valid for Slack', () => {
    const result = cli(['--url', 'https://handoff.acme.com']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(tokenManifestText);
    const manifest = JSON.parse(result.stdout);
    expect(urls(manifest)).toEqual(Array(3).fill('https://handoff.acme.com/slack/events'));
    expect(manifest.settings.socket_mode_enabled).toBe(false);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });

  it('with --oauth --out, adds the redirect URL and org-wide installs and nothing else, valid for Slack, and says the redirect URL it wrote', () => {
    const out = join(dir, 'oauth.json');
    const result = cli(['--url', 'https://handoff.acme.com', '--oauth', '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `Wrote the manifest (request URLs https://handoff.acme.com/slack/events, OAuth redirect https://handoff.acme.com/slack/oauth_redirect) to ${out}\n`,
    );
    const text = readFileSync(out, 'utf8');
    const manifest = JSON.parse(text);
    expect(manifest.oauth_config.redirect_urls).toEqual(['https://handoff.acme.com/slack/oauth_redirect']);
    expect(manifest.settings.org_deploy_enabled).toBe(true);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
    expect(validateV2(manifest), JSON.stringify(validateV2.errors)).toBe(true);
    // Scopes, events, request URLs, Socket Mode off, token rotation as manifest.json has it: the token manifest's.
    const expected = JSON.parse(tokenManifestText);
    expected.oauth_config.redirect_urls = ['https://handoff.acme.com/slack/oauth_redirect'];
    expected.settings.org_deploy_enabled = true;
    expect(text).toBe(`${JSON.stringify(expected, null, 2)}\n`);
  });

  it('writes the Socket Mode manifest to --out: no request URL, valid for Slack', () => {
    const out = join(dir, 'socket.json');
    const result = cli(['--socket-mode', '--out', out]);
    expect(result.status).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`Wrote the manifest (Socket Mode) to ${out}`);
    const manifest = JSON.parse(readFileSync(out, 'utf8'));
    expect(urls(manifest)).toEqual([]);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(validate(manifest), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    // The URL's own refusals are parseBaseUrl's (unit/manifestDeployment.test.ts): one is passed through here.
    [['--url', 'http://handoff.acme.com'], 'must start with https://'],
    [['--url', 'https://handoff.acme.com', '--socket-mode'], 'not both'],
    [[], 'Give --url (HTTP) or --socket-mode.'],
    [['--host', 'x'], "Unknown option '--host'"],
    [['--socket-mode', '--force'], '--force only goes with --out.'],
    [['--oauth'], '--oauth needs --url'],
    [['--socket-mode', '--oauth'], '--oauth needs --url'],
    [['--oauth', '--out', 'app.json'], '--oauth needs --url'],
  ])('refuses %j with a message for the usage', (args, why) => {
    expect(manifestRequest(args)).toMatchObject({ kind: 'usage', message: expect.stringContaining(why) });
  });

  it('says a wrong command line with the usage and exit code 2', () => {
    const result = cli(['--oauth', '--out', join(dir, 'never.json')]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe(
      `--oauth needs --url: Slack sends the installer back to <url>/slack/oauth_redirect, so the app must have a public HTTPS URL.\n${MANIFEST_USAGE}`,
    );
    expect(result.stderr).toContain('Usage: npm run manifest');
    expect(() => readFileSync(join(dir, 'never.json'))).toThrow();
  });

  it('keeps an existing --out file without --force (exit code 1), and says a missing folder in one line', () => {
    const env = join(dir, '.env');
    writeFileSync(env, 'SLACK_BOT_TOKEN=xoxb-keep-me\n');
    const kept = cli(['--socket-mode', '--out', env]);
    expect(kept.status).toBe(1);
    expect(kept.stdout).toBe('');
    expect(kept.stderr).toBe(`${env} already exists: choose another file, or add --force to replace it.\n`);
    expect(readFileSync(env, 'utf8')).toBe('SLACK_BOT_TOKEN=xoxb-keep-me\n');
    // What the command prints for it, with exit code 1 as above.
    expect(writeManifest(join(dir, 'nowhere', 'app.json'), '{}\n', false)).toEqual({
      kind: 'refused',
      message: `The folder ${join(dir, 'nowhere')} does not exist: make it first, or choose another file.`,
    });
  });
});
