import { spawn, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { INSTALL_PATH, OAUTH_REDIRECT_PATH } from '../../src/install/oauth.js';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** A systemd unit's `Key=value` lines (the last of a key wins, as in systemd). */
function unit(file: string): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const line of read(file).split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (match) keys.set(match[1] as string, [...(keys.get(match[1] as string) ?? []), match[2] as string]);
  }
  return keys;
}

/** systemd's time spans as the units write them: 30s, 10min, 1h. */
function seconds(span: string): number {
  const match = /^(\d+)(s|min|h)?$/.exec(span);
  if (!match) throw new Error(`not a time span: ${span}`);
  return Number(match[1]) * { s: 1, min: 60, h: 3600 }[(match[2] ?? 's') as 's' | 'min' | 'h'];
}

/**
 * Whether systemd gives up on a unit whose every start fails after `runSeconds` (the start's own wait), restarted
 * RestartSec later, within `outageSeconds`: it does when StartLimitBurst starts fall within StartLimitIntervalSec.
 */
function givesUp(file: string, runSeconds: number, outageSeconds: number): boolean {
  const keys = unit(file);
  const interval = seconds(keys.get('StartLimitIntervalSec')?.at(-1) ?? '10s');
  const burst = Number(keys.get('StartLimitBurst')?.at(-1) ?? 5);
  const restart = seconds(keys.get('RestartSec')?.at(-1) ?? '100ms');
  const starts: number[] = [];
  for (let at = 0; at < outageSeconds; at += runSeconds + restart) {
    starts.push(at);
    if (starts.filter((t) => t > at - interval).length > burst) return true;
  }
  return false;
}

const UNITS = ['deploy/cosell-handoff.service', 'deploy/cosell-handoff@.service'];
const configWith = (env: Record<string, string> = {}) =>
  loadConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'x', ...env });
const defaults = configWith();
/** The Node.js binaries a unit line runs (`/usr/bin/node`, or one of a drop-in's). */
const nodesOf = (line: string) => line.split(/\s+/).filter((word) => /(^|\/)node$/.test(word));

describe.each(UNITS)('the systemd unit %s', (file) => {
  it('restarts through an hour or a day of Slack outage (the start waits for Slack), not forever for a refused start', () => {
    const wait = defaults.startupWaitMs / 1000;
    expect(wait).toBe(600);
    expect(givesUp(file, wait, 3600)).toBe(false);
    expect(givesUp(file, wait, 86_400)).toBe(false);
    // The start's own wait is what carries it: one that gave up after 16 s (6 tries of auth.test) would not.
    expect(givesUp(file, 16, 3600)).toBe(true);
    expect(unit(file).get('Restart')).toEqual(['on-failure']);
    // A start refused for good (a wrong setting, exit within seconds) is not retried forever.
    expect(givesUp(file, 2, 3600)).toBe(true);
  });

  it('listens on the loopback (the proxy on the machine forwards there), and runs node itself on dist/main.js after checking its version', () => {
    const keys = unit(file);
    expect(keys.get('Environment') ?? []).toContain('HOST=127.0.0.1');
    // Before EnvironmentFile, so the settings file may say otherwise.
    const text = read(file);
    expect(text.indexOf('Environment=HOST=')).toBeLessThan(text.indexOf('EnvironmentFile='));
    const start = keys.get('ExecStart') ?? [];
    const pre = (keys.get('ExecStartPre') ?? []).filter((line) => line.includes('scripts/node-version.mjs'));
    expect(start).toHaveLength(1);
    expect(pre).toHaveLength(1);
    expect(nodesOf(pre[0] as string)).toEqual(nodesOf(start[0] as string));
    expect(nodesOf(start[0] as string)).toHaveLength(1);
    // SIGTERM reaches the app: no npm in between.
    expect(start[0]).toMatch(
      /\/node --enable-source-maps --max-old-space-size=384 --max-semi-space-size=32 dist\/main\.js$/,
    );
    expect(start[0]).not.toMatch(/\bnpm\b/);
  });
});

describe('HOST, the units and the proxies agree', () => {
  it('nginx and Caddy forward to 127.0.0.1, never to a name that may be IPv6 first', () => {
    expect(new Set(read('deploy/nginx.conf').match(/proxy_pass [^;]+;/g))).toEqual(
      new Set(['proxy_pass http://127.0.0.1:3000;']),
    );
    expect(new Set(read('deploy/Caddyfile').match(/reverse_proxy \S+/g))).toEqual(
      new Set(['reverse_proxy 127.0.0.1:3000']),
    );
    expect(new Set(read('deploy/Caddyfile.ports').match(/reverse_proxy [^{]+/g))).toEqual(
      new Set(['reverse_proxy 127.0.0.1:3101 127.0.0.1:3102 ']),
    );
  });

  it("every shipped proxy passes each path the app serves, the OAuth install's included", () => {
    const paths = ['/slack/events', '/healthz', INSTALL_PATH, OAUTH_REDIRECT_PATH];
    expect(paths.filter((path) => !read('deploy/nginx.conf').includes(`location = ${path} {`))).toEqual([]);
    for (const file of ['deploy/Caddyfile', 'deploy/Caddyfile.ports', 'deploy/Caddyfile.replicas']) {
      const matched = [...read(file).matchAll(/^\s*path (.+)$/gm)].flatMap((m) => (m[1] ?? '').split(/\s+/));
      expect(
        paths.filter((path) => !matched.includes(path)),
        file,
      ).toEqual([]);
    }
  });

  it('the containers listen on every interface of their own network, published on the loopback', () => {
    for (const file of ['compose.yaml', 'compose.postgres.yaml'])
      expect(read(file)).toMatch(/\n {6}HOST: 0\.0\.0\.0\n/);
    expect(read('compose.yaml')).toContain(['"127.0.0.1:', '{HANDOFF_PORT:-3000}:3000"'].join('$'));
  });

  it('HOST is read as an address of this machine, unset meaning every interface', () => {
    expect(defaults.host).toBeUndefined();
    for (const host of ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost', '10.0.0.5'])
      expect(configWith({ HOST: host }).host).toBe(host);
    for (const host of ['http://127.0.0.1', '127.0.0.1:3000', 'a b', '-x'])
      expect(() => configWith({ HOST: host })).toThrow(/HOST must be an IP address of this machine/);
  });
});

describe('Node.js older than the engines is refused in one line, before the app loads', () => {
  const engines = JSON.parse(read('package.json')).engines.node as string;

  it('says which version is needed and how to get it, for any version below package.json’s engines', async () => {
    const { nodeVersionProblem } = await import('../../scripts/node-version.mjs');
    expect(engines).toBe('>=22.12.0');
    for (const ok of ['22.12.0', '22.20.1', '24.21.0', '25.0.0'])
      expect(nodeVersionProblem(ok, engines)).toBeUndefined();
    expect(nodeVersionProblem('20.20.2', engines)).toBe(nodeVersionLine('20.20.2'));
    expect(nodeVersionProblem('22.11.9', engines)).toMatch(
      /^This is Node\.js 22\.11\.9; the app needs Node\.js 22\.12\.0/,
    );
  });

  /** npm start's prestart (and every npm run command's first step) in `dir`, as Node.js `version` would run it. */
  const prestart = (dir: string, version: string) =>
    spawnSync(
      process.execPath,
      [
        '--import',
        `data:text/javascript,Object.defineProperty(process.versions,"node",{value:"${version}"})`,
        'scripts/build-if-needed.mjs',
      ],
      { cwd: dir, encoding: 'utf8' },
    );

  it('stops npm start’s prestart with that line and exit 1; a supported Node.js goes on', () => {
    const dir = packageCopy();
    try {
      const old = prestart(dir, '20.20.2');
      expect(old.status).toBe(1);
      expect(old.stderr).toBe(`${nodeVersionLine('20.20.2')}\n`);
      // Built, with no sources to compare: nothing else to do.
      const current = prestart(dir, '24.21.0');
      expect(current.stderr).toBe('');
      expect(current.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The check must itself run on the old Node.js (no syntax or API it lacks): where the machine has one, on it.
  const systemNode = spawnSync('/usr/bin/node', ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  it.runIf(/^v(1[89]|20|21)\./.test(systemNode))(`runs on the machine’s own Node.js ${systemNode}`, () => {
    const result = spawnSync('/usr/bin/node', ['scripts/node-version.mjs'], { cwd: root, encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe(`${nodeVersionLine(systemNode.slice(1))}\n`);
  });
});

function nodeVersionLine(version: string): string {
  return `This is Node.js ${version}; the app needs Node.js 22.12.0 or later (package.json "engines"). Get Node.js 24 beside the system's: export PATH="$(bash scripts/registry-node.sh 24.21.0)/bin:$PATH" (README, "Node.js").`;
}

describe('SIGTERM stops the app, however it was started', () => {
  it('the image runs node on dist/main.js itself, and has the version check its scripts run', () => {
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toContain(
      'CMD ["node", "--enable-source-maps", "--max-old-space-size=384", "--max-semi-space-size=32", "dist/main.js"]',
    );
    expect(dockerfile).toMatch(/^COPY scripts\/build-if-needed\.mjs scripts\/node-version\.mjs scripts\/$/m);
  });

  it('npm start passes SIGTERM to the app: the app stops, and npm with it', async () => {
    const dir = packageCopy();
    let app: number | undefined;
    try {
      // npm from PATH, running on this Node.js (its `#!/usr/bin/env node`).
      const npm = spawn('npm', ['start', '--silent'], {
        cwd: dir,
        env: { ...process.env, PATH: `${dirname(process.execPath)}:${process.env.PATH ?? ''}` },
        stdio: 'ignore',
      });
      const exited = new Promise<number | null>((resolve) => npm.on('exit', (code) => resolve(code)));
      await until(() => existsSync(join(dir, 'pid')));
      app = Number(readFileSync(join(dir, 'pid'), 'utf8'));
      npm.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(readFileSync(join(dir, 'stopped'), 'utf8')).toBe('SIGTERM');
      expect(alive(app)).toBe(false);
    } finally {
      // A stand-in left running (the failure this pins) is stopped here, not left behind.
      if (app !== undefined && alive(app)) process.kill(app, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  }, 20_000);
});

/**
 * A copy of the package (its package.json and scripts, no src/: nothing to build) whose dist/main.js is a stand-in
 * for the app: it writes its pid, and on SIGTERM writes "stopped" and exits.
 */
function packageCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'handoff-npm-start-'));
  mkdirSync(join(dir, 'scripts'));
  mkdirSync(join(dir, 'dist'));
  copyFileSync(join(root, 'package.json'), join(dir, 'package.json'));
  for (const script of ['build-if-needed.mjs', 'node-version.mjs'])
    copyFileSync(join(root, 'scripts', script), join(dir, 'scripts', script));
  writeFileSync(
    join(dir, 'dist', 'main.js'),
    [
      "import { writeFileSync } from 'node:fs';",
      "process.on('SIGTERM', () => { writeFileSync('stopped', 'SIGTERM'); process.exit(0); });",
      "writeFileSync('pid', String(process.pid));",
      'setInterval(() => {}, 1000);',
    ].join('\n'),
  );
  return dir;
}

/** Until `done` holds (a child process's step: checked every 20 ms, for at most 10 s). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !done(); i += 1) await new Promise((resolve) => setTimeout(resolve, 20));
  expect(done()).toBe(true);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('deploy/local-base.sh runs its build on runc where installed', () => {
  /**
   * The script with its tools stood in for on PATH (podman, debootstrap, npm, id, and runc when `runc`), Node.js from
   * a cache folder of its own: what podman was asked to do.
   */
  function localBase(opts: { runc: boolean; env?: Record<string, string> }) {
    const dir = mkdtempSync(join(tmpdir(), 'handoff-local-base-'));
    try {
      const bin = join(dir, 'bin');
      mkdirSync(bin);
      const stub = (name: string, body: string) =>
        writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
      stub('podman', `echo "$*" >> "${join(dir, 'podman.log')}"`);
      stub('debootstrap', 'exit 0');
      stub('id', 'echo 0');
      stub('npm', 'mkdir -p package && echo {} > package/package.json && tar -czf npm-11.0.0.tgz package');
      if (opts.runc) stub('runc', 'exit 0');
      const node = join(dir, 'node', '24.21.0');
      mkdirSync(join(node, 'bin'), { recursive: true });
      mkdirSync(join(node, 'include', 'node'), { recursive: true });
      writeFileSync(join(node, 'bin', 'node'), '#!/bin/sh\necho v24.21.0\n', { mode: 0o755 });
      writeFileSync(join(node, 'include', 'node', 'node_version.h'), '');
      const env: Record<string, string> = {
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        NODE_CACHE_DIR: join(dir, 'node'),
        HOME: dir,
        ...opts.env,
      };
      const run = spawnSync('bash', [join(root, 'deploy', 'local-base.sh'), 'localhost/base:test'], {
        cwd: dir,
        env,
        encoding: 'utf8',
      });
      return { ...run, podman: readFileSync(join(dir, 'podman.log'), 'utf8').trim().split('\n') };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('builds with --runtime runc when runc is installed (crun refuses hybrid cgroups), unless CONTAINERS_CONF says', () => {
    const run = localBase({ runc: true });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('localhost/base:test\n');
    expect(run.podman.at(-1)).toMatch(
      /^--runtime runc build --quiet --network host -t localhost\/base:test /,
    );
    // The runtime left to podman's settings when CONTAINERS_CONF names them.
    const configured = localBase({ runc: true, env: { CONTAINERS_CONF: '/dev/null' } });
    expect(configured.status).toBe(0);
    expect(configured.podman.at(-1)).toMatch(/^build --quiet --network host -t localhost\/base:test /);
  });
});

describe('npm install leaves package-lock.json as it is', () => {
  const lock = JSON.parse(read('package-lock.json')) as {
    name: string;
    version: string;
    packages: Record<string, Record<string, unknown>>;
  };

  it('names the package as package.json does, with the same dependencies and engines', () => {
    const pkg = JSON.parse(read('package.json'));
    expect([lock.name, lock.version]).toEqual([pkg.name, pkg.version]);
    const own = lock.packages[''] ?? {};
    expect(own).toMatchObject({
      name: pkg.name,
      version: pkg.version,
      engines: pkg.engines,
      dependencies: pkg.dependencies,
      devDependencies: pkg.devDependencies,
    });
  });

  it('marks each installed package with an install script (its own, or node-gyp’s for a binding.gyp) as npm does', () => {
    // npm writes hasInstallScript from the package it unpacked: a lock without it is rewritten by the first install.
    const differs: string[] = [];
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || !existsSync(join(root, path, 'package.json'))) continue;
      const scripts = JSON.parse(readFileSync(join(root, path, 'package.json'), 'utf8')).scripts ?? {};
      const has =
        ['preinstall', 'install', 'postinstall'].some((name) => name in scripts) ||
        existsSync(join(root, path, 'binding.gyp'));
      if (has !== (entry.hasInstallScript === true)) differs.push(path);
    }
    expect(differs).toEqual([]);
  });
});
