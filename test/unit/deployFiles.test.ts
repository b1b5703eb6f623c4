import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';

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
const defaults = loadConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'x' });

describe('the systemd units restart through an outage of Slack (issue 50 item 12)', () => {
  it.each(UNITS)(
    '%s: a start that waits for Slack and gives up is started again, an hour and a day long',
    (file) => {
      const wait = defaults.startupWaitMs / 1000;
      expect(wait).toBe(600);
      expect(givesUp(file, wait, 3600)).toBe(false);
      expect(givesUp(file, wait, 86_400)).toBe(false);
      // The start's own wait is what carries it: one that gave up after 16 s (6 tries of auth.test, before) would not.
      expect(givesUp(file, 16, 3600)).toBe(true);
      expect(unit(file).get('Restart')).toEqual(['on-failure']);
    },
  );

  it.each(UNITS)(
    '%s: a start refused for good (a wrong setting, exit within seconds) is not retried forever',
    (file) => {
      expect(givesUp(file, 2, 3600)).toBe(true);
    },
  );
});

describe('HOST, the units and the proxies agree (issue 50 item 13)', () => {
  it.each(UNITS)('%s listens on the loopback, where the proxy on the machine forwards', (file) => {
    const environment = unit(file).get('Environment') ?? [];
    expect(environment).toContain('HOST=127.0.0.1');
    // Before EnvironmentFile, so the settings file may say otherwise.
    const text = read(file);
    expect(text.indexOf('Environment=HOST=')).toBeLessThan(text.indexOf('EnvironmentFile='));
  });

  it('nginx and Caddy forward to 127.0.0.1, never to a name that may be IPv6 first', () => {
    expect(read('deploy/nginx.conf').match(/proxy_pass [^;]+;/g)).toEqual([
      'proxy_pass http://127.0.0.1:3000;',
      'proxy_pass http://127.0.0.1:3000;',
    ]);
    expect(read('deploy/Caddyfile').match(/reverse_proxy \S+/g)).toEqual([
      'reverse_proxy 127.0.0.1:3000',
      'reverse_proxy 127.0.0.1:3000',
    ]);
    expect(read('deploy/Caddyfile.ports').match(/reverse_proxy [^{]+/g)).toEqual([
      'reverse_proxy 127.0.0.1:3101 127.0.0.1:3102 ',
    ]);
  });

  it('the containers listen on every interface of their own network, published on the loopback', () => {
    for (const file of ['compose.yaml', 'compose.postgres.yaml'])
      expect(read(file)).toMatch(/\n {6}HOST: 0\.0\.0\.0\n/);
    expect(read('compose.yaml')).toContain(['"127.0.0.1:', '{HANDOFF_PORT:-3000}:3000"'].join('$'));
  });

  it('HOST is read as an address of this machine, unset meaning every interface', () => {
    expect(defaults.host).toBeUndefined();
    for (const host of ['127.0.0.1', '::1', '0.0.0.0', '::', 'localhost', '10.0.0.5'])
      expect(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'x', HOST: host }).host).toBe(
        host,
      );
    for (const host of ['http://127.0.0.1', '127.0.0.1:3000', 'a b', '-x'])
      expect(() => loadConfig({ SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 'x', HOST: host })).toThrow(
        /HOST must be an IP address of this machine/,
      );
  });
});
