import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppProcess, spawnApp } from '../support/appProcess.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { SIGNING_SECRET, seedWorkspace, waitFor } from '../support/harness.js';
import { installAt, OAUTH_CLIENT, OAUTH_ENV } from '../support/oauthFlow.js';

/**
 * The shipped nginx configuration (deploy/nginx.conf) in front of the built app on OAuth: a person installs the app
 * through it, from the install page to Slack's redirect back, and what the app does not serve stays closed. Debian's
 * nginx-light, installed here as root when it is missing (as `npm test` installs its Chromium).
 */

const root = join(import.meta.dirname, '..', '..');
const has = (command: string) => spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;

function nginxMissing(): string | undefined {
  if (has('nginx')) return undefined;
  if (process.getuid?.() !== 0 || !has('apt-get'))
    return 'nginx is not installed (as root: apt-get install -y nginx-light)';
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const install = () =>
    spawnSync('apt-get', ['install', '-y', '--no-install-recommends', 'nginx-light'], {
      env,
      stdio: 'ignore',
    });
  if (install().status !== 0) spawnSync('apt-get', ['update'], { env, stdio: 'ignore' });
  return has('nginx') || install().status === 0 ? undefined : 'apt-get could not install nginx-light';
}
const skip = nginxMissing();

/** A port nobody listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The shipped file's HTTPS server block as it is, but listening on `listen` without TLS (the certificate is the
 * operator's) and passing to the app's port, inside the smallest nginx.conf that runs it in `dir`.
 */
function nginxConf(dir: string, listen: number, appPort: number): string {
  const shipped = readFileSync(join(root, 'deploy', 'nginx.conf'), 'utf8');
  const start = shipped.indexOf('server {');
  const end = shipped.indexOf('\n}\n', start) + 2;
  const server = shipped
    .slice(start, end)
    .replace(/^\s*listen \[::\]:443.*$/m, '')
    .replace(/listen 443 ssl http2;/, `listen 127.0.0.1:${listen};`)
    .replace(/^\s*ssl_.*$/gm, '')
    .replaceAll('127.0.0.1:3000', `127.0.0.1:${appPort}`);
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((name) => `  ${name}_temp_path ${join(dir, name)};`)
    .join('\n');
  return `daemon off;\nworker_processes 1;\nerror_log ${join(dir, 'error.log')};\npid ${join(dir, 'nginx.pid')};\nevents {}\nhttp {\n  access_log off;\n${temp}\n${server}\n}\n`;
}

describe.skipIf(skip)(`OAuth install through deploy/nginx.conf${skip ? ` (skipped: ${skip})` : ''}`, () => {
  let dir: string;
  let slack: FakeSlack;
  let app: AppProcess;
  let nginx: ChildProcess;
  let front: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'handoff-nginx-'));
    // nginx's workers run as nobody: they read its temporary folders.
    chmodSync(dir, 0o755);
    for (const name of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, name));
    slack = await FakeSlack.start();
    seedWorkspace(slack);
    app = spawnApp({
      ...OAUTH_ENV,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: slack.apiUrl,
      DATABASE_PATH: join(dir, 'handoff.db'),
      HOST: '127.0.0.1',
      PORT: '0',
    });
    await waitFor(() => app.port() > 0 || app.exitCode() !== undefined, 60_000, 'the app listening');
    const listen = await freePort();
    writeFileSync(join(dir, 'nginx.conf'), nginxConf(dir, listen, app.port()));
    const check = spawnSync('nginx', ['-t', '-p', dir, '-c', join(dir, 'nginx.conf')], { encoding: 'utf8' });
    expect(check.status, check.stderr).toBe(0);
    nginx = spawn('nginx', ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: 'ignore' });
    front = `http://127.0.0.1:${listen}`;
    await waitFor(
      async () => (await fetch(`${front}/healthz`).catch(() => undefined)) !== undefined,
      10_000,
      'nginx listening',
    );
  }, 90_000);

  afterAll(async () => {
    nginx?.kill('SIGTERM');
    await app?.stop();
    await slack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes an install from the install page to the redirect, then serves Slack through the same front', async () => {
    // Before the first install, /healthz says why it cannot serve yet, through the front as directly.
    const waiting = await fetch(`${front}/healthz`);
    expect(waiting.status).toBe(503);
    expect(JSON.stringify(await waiting.json())).toContain('not installed');
    slack.oauthApp = { ...OAUTH_CLIENT, redirectUri: `${front}/slack/oauth_redirect`, tokenRotation: false };
    const installed = await installAt(slack, front);
    expect(installed.status).toBe(200);
    expect(installed.page).toContain('installed');
    await waitFor(async () => (await fetch(`${front}/healthz`)).status === 200, 30_000, 'the app serving');
  });

  it('keeps everything else closed: other paths, and other methods on the install pages', async () => {
    expect((await fetch(`${front}/slack/other`)).status).toBe(404);
    expect((await fetch(`${front}/slack/install`, { method: 'POST' })).status).toBe(403);
    expect((await fetch(`${front}/slack/events`)).status).toBe(403);
  });
});
