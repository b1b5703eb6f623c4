import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningApp, startHandoffApp } from '../../src/compose.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/client.js';
import { type AppStorage, sqliteStorage } from '../../src/db/storage.js';
import { createLogger } from '../../src/logger.js';
import { SlackAuthError } from '../../src/slackAuth.js';
import { StartupGaveUpError } from '../../src/startupRetry.js';
import { TestClock } from '../support/clock.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { seedWorkspace, waitFor } from '../support/harness.js';
import { SteppedTimers } from '../support/steppedTimers.js';

/**
 * A start while Slack cannot be reached (issue 50 item 12): the start-up checks are retried with backoff on injected
 * timers (1 s, 2 s, 4 s … up to 30 s, for STARTUP_WAIT_SECONDS), /healthz answers 503 saying why from the first
 * moment, and the app starts as soon as Slack answers. Running out of time ends in a message that says what to check.
 * And HOST (item 13): both the status server and the app listen on it only.
 */
let dir: string;
let slack: FakeSlack;
let storage: AppStorage;
let logs: Record<string, unknown>[];
let running: RunningApp | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'handoff-start-'));
  slack = await FakeSlack.start();
  seedWorkspace(slack);
  storage = sqliteStorage(openDatabase(join(dir, 'handoff.db')));
  logs = [];
  running = undefined;
});
afterEach(async () => {
  await running?.stop();
  await storage.close();
  await slack.stop();
  rmSync(dir, { recursive: true, force: true });
});

function start(env: Record<string, string>, timers: SteppedTimers) {
  const config = loadConfig({
    SLACK_BOT_TOKEN: slack.token,
    SLACK_SIGNING_SECRET: 'startup-secret',
    SLACK_API_URL: slack.apiUrl,
    PORT: '0',
    DATABASE_PATH: join(dir, 'handoff.db'),
    ...env,
  });
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) logs.push(JSON.parse(line));
      done();
    },
  });
  return startHandoffApp({
    config,
    db: storage.db,
    storage,
    clock: new TestClock(new Date('2026-11-23T14:00:00Z')),
    logger: createLogger('info', sink),
    timers,
  });
}

/** The status server's port, from its first log line. */
const statusPort = () =>
  waitFor(() => logs.find((line) => String(line.msg).startsWith('starting:'))?.port as number | undefined);

const health = async (port: number, host = '127.0.0.1') => {
  const response = await fetch(`http://${host}:${port}/healthz`);
  return { status: response.status, body: await response.json() };
};

describe('a start while Slack cannot be reached', () => {
  it('retries with backoff, says why on /healthz meanwhile, and starts once Slack answers', async () => {
    slack.fail('auth.test', { status: 503 }, 4);
    const timers = new SteppedTimers();
    const starting = start({}, timers);
    const port = await statusPort();
    for (const [attempt, waitMs] of [1_000, 2_000, 4_000, 8_000].entries()) {
      await waitFor(() => timers.scheduled()[0] === waitMs, 8000, `the wait of ${waitMs} ms`);
      expect(await health(port)).toEqual({
        status: 503,
        body: {
          ok: false,
          starting: true,
          reason: `waiting for Slack: Slack answered HTTP 503: checking again in ${waitMs / 1000} s (attempt ${attempt + 2}; the start gives up after 600 s)`,
        },
      });
      // A Slack request meanwhile is answered 503 (Slack retries it), not dropped.
      expect((await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST' })).status).toBe(503);
      await timers.advance(waitMs);
    }
    running = await starting;
    expect(running.port).toBe(port);
    expect(await health(port)).toEqual({ status: 200, body: { ok: true, database: 'ok', slack: 'ok' } });
    expect(logs.filter((line) => String(line.msg).startsWith('start-up check failed'))).toHaveLength(4);
  });

  it('waits at most 30 s between checks, and gives up after STARTUP_WAIT_SECONDS saying what to check', async () => {
    slack.fail('auth.test', { status: 503 });
    const timers = new SteppedTimers();
    const starting = start({ STARTUP_WAIT_SECONDS: '100' }, timers);
    const outcome = starting.then(
      () => undefined,
      (error: unknown) => error,
    );
    const port = await statusPort();
    const waits: number[] = [];
    for (;;) {
      const next = await Promise.race([
        waitFor(() => timers.scheduled()[0], 8000, 'the next wait'),
        outcome.then(() => 'done' as const),
      ]);
      if (next === 'done') break;
      waits.push(next);
      await timers.advance(next);
    }
    expect(waits).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    const error = await outcome;
    expect(error).toBeInstanceOf(StartupGaveUpError);
    const host = new URL(slack.apiUrl).host;
    expect((error as Error).message).toBe(
      `Slack could not be reached for 91 s at start (last: Slack answered HTTP 503), so the app did not start. Check this machine's network, DNS and any proxy to ${host} (curl -sI ${slack.apiUrl}auth.test answers when Slack is reachable), SLACK_API_URL (unset it for Slack itself), and Slack's status (https://slack-status.com). The start waits STARTUP_WAIT_SECONDS (100) before giving up; under systemd the unit starts it again.`,
    );
    // The status server is gone with the start: the port is free.
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
  });

  it('does not retry a token Slack rejects', async () => {
    slack.fail('auth.test', { error: 'invalid_auth' });
    const timers = new SteppedTimers();
    await expect(start({}, timers)).rejects.toBeInstanceOf(SlackAuthError);
    expect(timers.scheduled()).toEqual([]);
    expect(logs.filter((line) => String(line.msg).startsWith('start-up check failed'))).toEqual([]);
  });
});

/** An address of this machine that is not the loopback, if it has one. */
const outside = Object.values(networkInterfaces())
  .flat()
  .find((address) => address && address.family === 'IPv4' && !address.internal)?.address;

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

describe.runIf(outside)('HOST (issue 50 item 13)', () => {
  it('listens on HOST only: 127.0.0.1 is not reached from another address of the machine', async () => {
    slack.fail('auth.test', { status: 503 }, 1);
    const timers = new SteppedTimers();
    const starting = start({ HOST: '127.0.0.1' }, timers);
    const port = await statusPort();
    // While starting (the status server) and once running (Bolt's receiver): loopback only.
    expect(await reachable('127.0.0.1', port)).toBe(true);
    expect(await reachable(outside as string, port)).toBe(false);
    await waitFor(() => timers.scheduled()[0]);
    await timers.advance(1_000);
    running = await starting;
    expect(await reachable('127.0.0.1', running.port)).toBe(true);
    expect(await reachable(outside as string, running.port)).toBe(false);
    expect(logs.find((line) => line.msg === 'handoff app listening')).toMatchObject({ host: '127.0.0.1' });
  });

  it('listens on every interface without HOST, as before', async () => {
    running = await start({}, new SteppedTimers());
    expect(await reachable('127.0.0.1', running.port)).toBe(true);
    expect(await reachable(outside as string, running.port)).toBe(true);
  });
});
