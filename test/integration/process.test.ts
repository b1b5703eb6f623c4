import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { type IncomingHttpHeaders, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MIGRATIONS_FOLDER } from '../../src/db/client.js';
import { databaseReadyMessage, readJournal } from '../../src/db/migrationsCheck.js';
import { APP_VERSION } from '../../src/version.js';
import { spawnApp } from '../support/appProcess.js';
import { heldDelays } from '../support/fakeHttp.js';
import { slackEvent } from '../support/fakeSlack/events.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { deliverEvent, harnessPerTest, startHarness } from '../support/harness.js';

const start = harnessPerTest();

const run = spawnApp;

describe('the production entry point (dist/main.js, as npm start runs it)', () => {
  let dir: string;
  beforeAll(() => {
    // dist/ is built once for all tests by test/globalSetup.ts.
    dir = mkdtempSync(join(tmpdir(), 'handoff-main-'));
  }, 120_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("refuses to start on missing or malformed settings with one readable message and exit code 1, never reading a developer's .env beside the checkout", async () => {
    // A checkout of its own (its dist/ the repository's) with a .env that would fill in the missing settings (the
    // README says to make one): the repository's own .env, if there is one, is neither read nor touched.
    const checkout = join(dir, 'checkout');
    mkdirSync(checkout);
    symlinkSync(join(import.meta.dirname, '..', '..', 'dist'), join(checkout, 'dist'));
    writeFileSync(
      join(checkout, '.env'),
      'SLACK_BOT_TOKEN=xoxb-from-a-developers-env\nSLACK_SIGNING_SECRET=from-a-developers-env\nPORT=3999\n',
    );
    const p = run({ PORT: 'eighty', SLACK_API_URL: 'not a url' }, { checkout });
    expect(await p.exited).toBe(1);
    const message = p.err();
    expect(message).toContain('SLACK_BOT_TOKEN is missing');
    expect(message).toContain('SLACK_SIGNING_SECRET is missing');
    expect(message).toContain('PORT must be a whole number');
    expect(message).toContain('SLACK_API_URL must be an http(s) URL');
    expect(message).not.toMatch(/\n\s+at /);
  });

  it('stops with a clear message when Slack rejects the bot token', async () => {
    const slack = await FakeSlack.start();
    try {
      const p = run({
        SLACK_BOT_TOKEN: 'xoxb-revoked',
        SLACK_SIGNING_SECRET: 'secret',
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DATABASE_PATH: join(dir, 'auth.db'),
      });
      expect(await p.exited).toBe(1);
      expect(p.err()).toContain('Slack rejected SLACK_BOT_TOKEN (invalid_auth)');
      expect(p.err()).not.toMatch(/\n\s+at /);
    } finally {
      await slack.stop();
    }
  });

  it('creates and migrates the database, logging the version and the migrations applied, answers /healthz, and stops cleanly on SIGTERM', async () => {
    const slack = await FakeSlack.start();
    const databasePath = join(dir, 'nested', 'handoff.db');
    const p = run({
      SLACK_BOT_TOKEN: slack.token,
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: slack.apiUrl,
      PORT: '0',
      DATABASE_PATH: databasePath,
    });
    try {
      // The built app takes many seconds to load on a loaded machine (the cases above take as long to exit on a
      // setting): its first log line can come after 15 s. healthy() still fails at once if the app exits.
      await p.healthy(60_000);
      const health = await fetch(`${p.url()}/healthz`);
      expect(health.status, p.out() + p.err()).toBe(200);
      expect(await health.json()).toEqual({ ok: true, database: 'ok', slack: 'ok' });
      expect(existsSync(databasePath)).toBe(true);
      const tables = new Database(databasePath, { readonly: true })
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .all()
        .map((t) => (t as { name: string }).name);
      expect(tables).toEqual(expect.arrayContaining(['handoffs', 'decisions', 'outbox', 'posted_messages']));
      // The start says which version runs and which migrations it applied: an upgrade's log says what it changed.
      const version = (
        JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as {
          version: string;
        }
      ).version;
      expect(APP_VERSION).toBe(version);
      const tags = readJournal(MIGRATIONS_FOLDER).map((entry) => entry.tag);
      const ready = p
        .out()
        .split('\n')
        .find((l) => l.includes('database ready'));
      expect(JSON.parse(ready ?? '{}')).toMatchObject({
        version,
        migrationsApplied: tags,
        msg: databaseReadyMessage({ applied: tags, known: tags.length }),
      });
      expect(databaseReadyMessage({ applied: tags, known: tags.length })).toContain(
        `applied ${tags.length} of this version's ${tags.length} migrations`,
      );
      expect(databaseReadyMessage({ applied: tags, known: tags.length })).toContain(tags.at(-1));

      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.out()).toContain('handoff app stopped');
    } finally {
      p.child.kill('SIGKILL');
      await slack.stop();
    }
  }, 90_000);
});

/** One request with node:http, so that the bytes of the body (none for HEAD) are counted as they came. */
function raw(url: string, method: 'GET' | 'HEAD') {
  return new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /healthz', () => {
  it('answers 200 while running (404 for unknown paths); HEAD answers as GET does, with its status and headers and no body (healthy and not)', async () => {
    const h = await start();
    const same = (headers: IncomingHttpHeaders) => [headers['content-type'], headers['content-length']];
    const healthyGet = await raw(`${h.baseUrl}/healthz`, 'GET');
    const healthyHead = await raw(`${h.baseUrl}/healthz`, 'HEAD');
    expect(healthyGet).toMatchObject({ status: 200, body: '{"ok":true,"database":"ok","slack":"ok"}' });
    expect((await fetch(`${h.baseUrl}/nope`)).status).toBe(404);
    expect(same(healthyGet.headers)).toEqual(['application/json', String(healthyGet.body.length)]);
    expect(healthyHead).toMatchObject({ status: 200, body: '' });
    expect(same(healthyHead.headers)).toEqual(same(healthyGet.headers));

    await deliverEvent(h, slackEvent.appUninstalled());
    const sickGet = await raw(`${h.baseUrl}/healthz`, 'GET');
    const sickHead = await raw(`${h.baseUrl}/healthz`, 'HEAD');
    expect(sickGet.status).toBe(503);
    expect(sickHead).toMatchObject({ status: 503, body: '' });
    expect(same(sickHead.headers)).toEqual(same(sickGet.headers));
    expect(same(sickHead.headers)).toEqual(['application/json', String(sickGet.body.length)]);

    expect((await raw(`${h.baseUrl}/nope`, 'HEAD')).status).toBe(404);
  });
});

describe('shutdown', () => {
  it('finishes work still running after an ack before it reports stopped', async () => {
    const h = await startHarness();
    const { sendHandoff } = await import('../support/flow.js');
    const { blockAction } = await import('../support/payloads.js');
    const { ACTION_ID } = await import('../../src/blocks/ids.js');
    const { handoff } = await sendHandoff(h);
    // Slack answers views.open only when the test releases it (no real-time delay to outlast the test's own steps).
    const held = heldDelays();
    h.slack.delays = held.delays;
    h.slack.fail('views.open', { delayMs: 600 });
    const click = await h.interact(
      blockAction({
        actionId: ACTION_ID.decline,
        value: String(handoff.id),
        triggerId: h.slack.issueTriggerId(),
      }),
    );
    expect(click.status).toBe(200);
    // The click was acknowledged; opening the modal is still in flight when the stop begins, and the stop waits.
    expect(h.slack.callsTo('views.open')).toHaveLength(0);
    let stopped = false;
    const stopping = h.stop().then(() => {
      stopped = true;
    });
    await vi.waitFor(() => expect(held.asked).toEqual([600]), { timeout: 5000 });
    expect(stopped).toBe(false);
    held.release();
    await stopping;
    expect(h.slack.callsTo('views.open')).toHaveLength(1);
  });
});
