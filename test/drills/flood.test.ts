/**
 * Flood drill: the built app (dist/main.js with the V8 heap cap of `npm start`) takes a flood of large bodies on
 * `POST /slack/events`, hundreds of ≈3.9 MB requests at once, half unsigned and half signed-looking (the header
 * format right, the HMAC wrong, so each must be read before it can be refused), while people Accept handoffs. The
 * Accepts (the click, which opens the accept modal in its trigger's life, and the modal's submit, which records it)
 * are answered within Slack's 3-second deadline, /healthz keeps answering, every flood request is refused
 * (401, 408, or its connection closed), and the process's resident memory stays under the bench's target (250 MB)
 * plus the young generation this Node.js gives the app beyond Node.js 22's (RSS_TARGET_MB below).
 * FLOOD_REQUESTS sets the number of each kind (default 200).
 */

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CALLBACK_ID } from '../../src/blocks/ids.js';
import { type AppProcess, spawnApp } from '../support/appProcess.js';
import { acceptSubmission, clickAcceptOver } from '../support/drill.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { SIGNING_SECRET, seedWorkspace, waitFor } from '../support/harness.js';
import { confirmationsOn, packetSubmission, reviewSubmission } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { postInteraction } from '../support/signing.js';

const FLOOD = Number(process.env.FLOOD_REQUESTS ?? 200);
/**
 * The heap capped tighter than `npm start` caps it (384 MB since issue 56): the flood must not need more heap than the
 * app had before, and Buffers are not capped at all.
 */
const OLD_SPACE_MB = 160;
const NODE_OPTIONS = `--max-old-space-size=${OLD_SPACE_MB}`;
/** The bench's target for the app's peak RSS (bench/run.ts), set on Node.js 20. */
const BENCH_RSS_TARGET_MB = 250;
/** The young generation V8 allowed beside that cap on Node.js 20 and 22 (three 16 MB semi-spaces). */
const YOUNG_GENERATION_AT_TARGET_MB = 48;
/**
 * V8 sizes the young generation from the machine's memory, up to a cap, whatever the old-space cap. On a 24 GiB
 * machine: 48 MB on Node.js 22, 192 MB on Node.js 24 (V8 13.6 raised the cap to 64 MB semi-spaces), which grows to it
 * while loading the app and keeps those pages. Measured there after three handoffs, before any flood, three runs each:
 * 173-182 MB on Node.js 22, 311-312 MB on Node.js 24, 188-189 MB on Node.js 24 with --max-semi-space-size=16. So
 * the target is the bench's plus the young generation this Node.js allows beyond Node.js 22's: 250 MB on Node.js 22,
 * 394 MB on Node.js 24 there (bench/README.md, "Memory on Node.js 24").
 */
const RSS_TARGET_MB = BENCH_RSS_TARGET_MB + youngGenerationMb() - YOUNG_GENERATION_AT_TARGET_MB;
/** The flood's own cost: the peak stays within this much of the process's memory before it. */
const FLOOD_GROWTH_MB = 100;
/** Slack's deadline for an acknowledgement. */
const SLACK_DEADLINE_MS = 3000;
/** Accepts sent during the flood, this far into it. */
const ACCEPT_AT_MS = [150, 700, 1500];

/**
 * The flood, as a script for a process of its own: FLOOD unsigned and FLOOD signed-looking (right format, wrong HMAC)
 * POSTs of one shared 3.9 MB body, all at once. Prints `sent` once every request is under way, then the count of each
 * status (0: the connection was closed before an answer could be read).
 */
const FLOODER = `
import { Agent, request } from 'node:http';
const port = Number(process.env.PORT);
const count = Number(process.env.FLOOD);
const body = Buffer.alloc(Math.floor(3.9 * 1024 * 1024), 'x');
const agent = new Agent({ keepAlive: false, maxSockets: Infinity });
const now = String(Math.floor(Date.now() / 1000));
const post = (headers) => new Promise((resolve) => {
  let status = 0;
  const req = request({ host: '127.0.0.1', port, method: 'POST', path: '/slack/events', agent, headers: {
    'content-type': 'application/x-www-form-urlencoded', 'content-length': String(body.length), ...headers } },
    (res) => { status = res.statusCode ?? 0; res.resume(); res.on('end', () => resolve(status)); res.on('error', () => resolve(status)); });
  req.on('error', () => resolve(status));
  req.setTimeout(15000, () => req.destroy());
  req.end(body);
});
const all = [];
for (let i = 0; i < count; i += 1) {
  all.push(post({ 'x-slack-request-timestamp': now }));
  all.push(post({ 'x-slack-request-timestamp': now, 'x-slack-signature': 'v0=' + 'ab'.repeat(32) }));
}
process.stdout.write('sent\\n');
const counts = {};
for (const status of await Promise.all(all)) counts[status] = (counts[status] ?? 0) + 1;
process.stdout.write(JSON.stringify(counts));
agent.destroy();
`;

/**
 * The young generation V8 allows the app (NODE_OPTIONS) on this Node.js and machine, in MB: its heap limit past the
 * old space.
 */
function youngGenerationMb(): number {
  const limit = execFileSync(process.execPath, ['-p', 'v8.getHeapStatistics().heap_size_limit'], {
    env: { PATH: process.env.PATH ?? '', NODE_OPTIONS },
    encoding: 'utf8',
  });
  return Number(limit) / (1024 * 1024) - OLD_SPACE_MB;
}

/** The process's resident memory now and its high-water mark, in MB (Linux /proc). */
function memory(pid: number): { rss: number; hwm: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 };
}

describe('flood drill: hundreds of 3.9 MB bodies while people Accept', () => {
  let slack: FakeSlack;
  let dir: string;
  let app: AppProcess;

  beforeAll(async () => {
    slack = await FakeSlack.start();
    seedWorkspace(slack);
    dir = mkdtempSync(join(tmpdir(), 'handoff-flood-'));
    app = spawnApp(
      {
        SLACK_BOT_TOKEN: slack.token,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        SLACK_API_URL: slack.apiUrl,
        PORT: '0',
        DATABASE_PATH: join(dir, 'handoff.db'),
        LOG_LEVEL: 'info',
        SWEEP_SCHEDULE: '0 0 1 1 *',
        DIGEST_SCHEDULE: '0 0 1 1 *',
        OUTBOX_POLL_INTERVAL_MS: '100',
        NODE_OPTIONS,
      },
      { keepOutput: 200_000 },
    );
    await app.healthy(20_000);
  }, 30_000);
  afterAll(async () => {
    await app?.stop('SIGKILL');
    await slack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const events = () => `${app.url()}/slack/events`;

  /** A handoff sent to the AE through the app (packet, review, Send); its id. */
  async function handoff(i: number): Promise<number> {
    const viewId = `V0FLOOD${i}`;
    const submitted = await postInteraction(
      events(),
      SIGNING_SECRET,
      packetSubmission({
        viewId,
        values: { accountName: `Flood Account ${i}`, accountDomain: `flood-${i}.example` },
      }),
    );
    expect(submitted.status).toBe(200);
    const pushed = (await submitted.json()) as { view: { private_metadata: string; blocks: unknown[] } };
    const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
    const sent = await postInteraction(
      events(),
      SIGNING_SECRET,
      reviewSubmission({ draftId, confirm: confirmationsOn(pushed.view) }),
    );
    expect(await sent.json()).toEqual({ response_action: 'clear' });
    const db = new Database(join(dir, 'handoff.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('select id from handoffs where source_view_id = ?').get(viewId) as {
        id: number;
      };
      return row.id;
    } finally {
      db.close();
    }
  }

  it(`Accepts within ${SLACK_DEADLINE_MS} ms and RSS under ${RSS_TARGET_MB} MB while ${FLOOD} unsigned and ${FLOOD} signed-looking 3.9 MB bodies arrive at once`, async () => {
    const ids: number[] = [];
    for (let i = 0; i < ACCEPT_AT_MS.length; i += 1) ids.push(await handoff(i));
    const pid = app.child.pid as number;
    // Settle after the handoffs (their DMs delivered), then measure where the process starts from.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const before = memory(pid);

    let peak = before.rss;
    const sampler = setInterval(() => {
      if (app.exitCode() === undefined) peak = Math.max(peak, memory(pid).rss);
    }, 20);
    const healthz: number[] = [];
    let probes = 0;
    const probing = setInterval(() => {
      probes += 1;
      const started = Date.now();
      void fetch(`${app.url()}/healthz`, { signal: AbortSignal.timeout(10_000) })
        .then(async (r) => {
          await r.arrayBuffer();
          healthz.push(r.status === 200 ? Date.now() - started : Number.POSITIVE_INFINITY);
        })
        .catch(() => healthz.push(Number.POSITIVE_INFINITY));
    }, 250);

    // The flood comes from a process of its own, as it would from elsewhere: this one only measures, and its event
    // loop is not the one busy writing hundreds of bodies.
    const flooder = spawn(process.execPath, ['--input-type=module', '-e', FLOODER], {
      env: { PATH: process.env.PATH ?? '', PORT: String(app.port()), FLOOD: String(FLOOD) },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let floodOut = '';
    const flooding = new Promise<void>((resolve, reject) => {
      flooder.stdout.on('data', (d) => {
        floodOut += String(d);
        if (floodOut.startsWith('sent\n')) resolve();
      });
      flooder.on('exit', () => reject(new Error('the flooder exited before sending')));
    });
    const flood = new Promise<Record<string, number>>((resolve, reject) =>
      flooder.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(floodOut.slice('sent\n'.length)) as Record<string, number>)
          : reject(new Error(`the flooder exited with ${code}`)),
      ),
    );
    await flooding;
    const floodStarted = Date.now();
    const ae = { id: people.ae.id, team_id: TEAM };
    const post = (payload: unknown) => postInteraction(events(), SIGNING_SECRET, payload);
    // Accept as the AE does: the click (it opens the accept modal while its trigger is fresh), then the modal's
    // submit (it records the accept). Each is one answer Slack waits for.
    const accepts = ACCEPT_AT_MS.map(async (at, i) => {
      await new Promise((resolve) => setTimeout(resolve, at));
      const clicked = await clickAcceptOver(slack, post, {
        handoffId: ids[i] as number,
        user: ae,
        responseUrl: slack.responseUrl(),
      });
      if (!clicked.modal) return { click: clicked, submit: { status: 0, ms: 0, answer: 'no accept modal' } };
      const started = Date.now();
      const response = await post(
        acceptSubmission(clicked.modal, ae, clicked.viewId ? { viewId: clicked.viewId } : {}),
      );
      const answer = await response.text();
      return { click: clicked, submit: { status: response.status, ms: Date.now() - started, answer } };
    });
    let accepted: Awaited<(typeof accepts)[number]>[];
    let counts: Record<string, number>;
    let floodMs: number;
    try {
      accepted = await Promise.all(accepts);
      counts = await flood;
      floodMs = Date.now() - floodStarted;
      clearInterval(probing);
      await waitFor(() => healthz.length >= probes, 12_000, 'the /healthz probes');
    } finally {
      clearInterval(probing);
      clearInterval(sampler);
      flooder.kill('SIGKILL');
    }
    // Memory once the flood is over.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const after = memory(pid);
    // The kernel's high-water mark catches a spike between two samples, if it rose during the flood.
    if (after.hwm > before.hwm) peak = Math.max(peak, after.hwm);

    console.info(
      `flood drill: ${JSON.stringify({
        rssMb: { before: Math.round(before.rss), peak: Math.round(peak), after: Math.round(after.rss) },
        acceptMs: accepted.map((a) => ({ click: a.click.ms, opened: a.click.openedMs, submit: a.submit.ms })),
        healthzMaxMs: Math.max(...healthz),
        healthzProbes: healthz.length,
        floodMs,
        statuses: counts,
      })}`,
    );

    expect(app.exitCode(), 'the app is still running').toBeUndefined();
    for (const a of accepted) {
      // The click answered in time, and the accept modal opened (within the trigger's 3 s).
      expect(a.click.status).toBe(200);
      expect(a.click.ms).toBeLessThan(SLACK_DEADLINE_MS);
      expect(a.click.modal?.callback_id).toBe(CALLBACK_ID.accept);
      // Its submit answered in time, recorded (an empty answer closes the modal).
      expect(a.submit).toMatchObject({ status: 200, answer: '' });
      expect(a.submit.ms).toBeLessThan(SLACK_DEADLINE_MS);
    }
    // Every flood request was refused: unsigned or wrong HMAC (401), a body still arriving when a newer one needed the
    // byte budget's room, or not all there when Node's request timeout ran out while the flooder is busy writing the
    // others (408), or its connection was closed under a body still being sent (0). None waited for room (the receiver
    // answers no 503), none was taken, none failed the app (500).
    expect(
      Object.keys(counts).every((s) => ['0', '401', '408'].includes(s)),
      JSON.stringify(counts),
    ).toBe(true);
    // The unsigned ones are refused from their headers: a 401, or, when the answer and the close come while the
    // flooder is still writing its 3.9 MB, a connection reset before it reads the 401 (seen in one CI run: 172 + 60).
    expect((counts[401] ?? 0) + (counts[0] ?? 0)).toBeGreaterThanOrEqual(FLOOD * 0.9);
    expect(peak - before.rss).toBeLessThan(FLOOD_GROWTH_MB);
    expect(peak).toBeLessThan(RSS_TARGET_MB);
    expect(Math.max(...healthz)).toBeLessThan(SLACK_DEADLINE_MS);
    // The Accepts were recorded.
    const db = new Database(join(dir, 'handoff.db'), { readonly: true, fileMustExist: true });
    try {
      const decided = db.prepare("select count(*) as n from decisions where decision = 'accepted'").get() as {
        n: number;
      };
      expect(decided.n).toBe(ACCEPT_AT_MS.length);
    } finally {
      db.close();
    }
  }, 60_000);
});
