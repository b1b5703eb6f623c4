import { connect } from 'node:net';
import type { HTTPReceiver } from '@slack/bolt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import {
  BODY_BUDGET_BYTES,
  BODY_LIMIT,
  createRefusalLog,
  REFUSALS_LOGGED_PER_REASON,
  REQUEST_TIMEOUT_MS,
  receiverLoad,
  TIMEOUT_CHECK_MS,
} from '../../src/receiver.js';
import { openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, quiet, SIGNING_SECRET, startHarness, waitFor } from '../support/harness.js';
import { appHomeOpened, blockAction, slashCommand } from '../support/payloads.js';
import { people, TEAM } from '../support/people.js';
import { postRaw } from '../support/signing.js';

/**
 * The receiver's limits (src/receiver.ts), through the real app and its real HTTP receiver:
 * - a request whose headers already say it is unsigned, stale, from the future or too large is answered from its
 *   headers, before its body is read: a client that sends the headers and then never sends the body still gets its
 *   401 or 413 at once, and the connection is closed behind it;
 * - bodies are read at once within one byte budget: a body still arriving when Node's request timeout runs out gets
 *   408, and so does one still arriving when a newer body needs the budget's room, so a small signed request (an
 *   Accept) goes through at once however many slow bodies hold the budget, from however many addresses;
 * - a correctly signed body with a field of a shape Slack never sends gets 400 at once; one Bolt cannot route gets
 *   Bolt's own answer (404 once its 3-second timer runs out); everything Slack does send still passes.
 * The flood itself, with the process's memory measured, is test/drills/flood.test.ts.
 */

const FORM = 'application/x-www-form-urlencoded';
const JSON_TYPE = 'application/json';

/**
 * "At once", with room for a loaded 2-core machine: well under Bolt's 3 s acknowledgement timer (its 404s) and
 * REQUEST_TIMEOUT_MS (the time a slow body may hold its room when nobody needs it).
 */
const PROMPT_MS = 1800;

/** When Node's request timeout answers 408: after REQUEST_TIMEOUT_MS, within one more check of its timers. */
const TIMED_OUT_MS = { from: REQUEST_TIMEOUT_MS - 50, to: REQUEST_TIMEOUT_MS + TIMEOUT_CHECK_MS + 1000 };

/** Bodies of a view submission's size (512 kB) that fill the byte budget. */
const MID_BODY_BYTES = 512 * 1024;
const BUDGET_SOCKETS = BODY_BUDGET_BYTES / MID_BODY_BYTES;

/** Unix seconds now. */
const nowSec = () => Math.floor(Date.now() / 1000);

/** Headers in Slack's format whose signature is well formed but wrong (the HMAC of nothing this test sends). */
const signedLooking = (extra: Record<string, string> = {}) => ({
  'x-slack-signature': `v0=${'ab'.repeat(32)}`,
  'x-slack-request-timestamp': String(nowSec()),
  'content-type': FORM,
  ...extra,
});

interface RawAnswer {
  /** The status the app answered (0: none before the deadline). */
  status: number;
  /** Milliseconds from the request's headers to the answer's status line. */
  ms: number;
  /** Whether the app closed the connection after answering (within the deadline). */
  closed: boolean;
}

/**
 * A POST over a bare socket: the headers, then `body` (if any: possibly less than the declared Content-Length, or
 * nothing at all). Resolves when the app has answered and closed the connection, or at `deadlineMs`.
 */
function rawPost(
  h: Harness,
  headers: Record<string, string>,
  opts: { body?: string; deadlineMs?: number; path?: string; trickleMs?: number } = {},
): Promise<RawAnswer> {
  const { port } = new URL(h.baseUrl);
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    const started = Date.now();
    let received = '';
    let status = 0;
    let ms = 0;
    let trickle: NodeJS.Timeout | undefined;
    const finish = (closed: boolean) => {
      clearTimeout(timer);
      clearInterval(trickle);
      socket.destroy();
      resolve({ status, ms, closed });
    };
    const timer = setTimeout(() => finish(false), opts.deadlineMs ?? 6000);
    socket.on('data', (chunk) => {
      received += String(chunk);
      const match = /^HTTP\/1\.1 (\d{3})/.exec(received);
      if (match && !status) {
        status = Number(match[1]);
        ms = Date.now() - started;
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => finish(status !== 0));
    socket.on('end', () => finish(status !== 0));
    const lines = Object.entries({ host: '127.0.0.1', ...headers }).map(([k, v]) => `${k}: ${v}`);
    socket.write(`POST ${opts.path ?? '/slack/events'} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
    if (opts.body !== undefined) socket.write(opts.body);
    // A slow loris: one byte every trickleMs, never the whole body.
    if (opts.trickleMs !== undefined)
      trickle = setInterval(() => {
        if (!socket.destroyed) socket.write('x');
      }, opts.trickleMs);
  });
}

/** A correctly signed POST, timed: its status and how long the app took. */
async function timedPost(h: Harness, body: string, contentType: string) {
  const started = Date.now();
  const response = await postRaw(h.eventsUrl, SIGNING_SECRET, body, contentType);
  const text = await response.text();
  return { status: response.status, ms: Date.now() - started, text };
}

/** The receiver's refusals logged since `from`: status and reason. */
const refusals = (h: Harness, from = 0) =>
  h.logs
    .slice(from)
    .filter((l) => l.msg === 'Slack request refused')
    .map((l) => ({ status: l.status, reason: l.reason }));

/** A JSON value nested `depth` levels deep: `{"a":{"a":…}}`. */
const nested = (depth: number, leaf = '1') => `${'{"a":'.repeat(depth)}${leaf}${'}'.repeat(depth)}`;

/** The app's receiver byte budget now: bytes reserved, bodies being read. */
const load = () => receiverLoad((h.app.app as unknown as { receiver: HTTPReceiver }).receiver);

/** The budget back to nothing: each reservation released exactly once (a double release would go negative). */
const budgetEmpty = () => load().used === 0 && load().reading === 0;

/** The 408 of a body still arriving when a newer one needed the budget's room. */
const CUT_OFF = 'body still arriving when a newer one needed its room';

/** The 408 of a body still arriving when Node's request timeout ran out. */
const TIMED_OUT = 'body not received within the request timeout';

/** Headers of a client seen through a proxy on loopback: the address a proxy would say it forwards for. */
const from = (client: string) => ({ 'x-forwarded-for': client });

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(() => h?.stop());

describe('unsigned, stale and oversized requests are refused from their headers, before the body is read', () => {
  // Each declares a 3.9 MB body and never sends a byte of it: only an answer from the headers can come back.
  const declared = { 'content-length': String(Math.floor(3.9 * 1024 * 1024)) };
  const at = (seconds: number) =>
    signedLooking({ 'x-slack-request-timestamp': String(seconds), ...declared });
  const cases: [name: string, headers: Record<string, string>, status: number, reason: string][] = [
    ['no signature', { 'x-slack-request-timestamp': String(nowSec()), ...declared }, 401, 'no signature'],
    [
      'a garbled signature',
      signedLooking({ 'x-slack-signature': 'v0=not-hex', ...declared }),
      401,
      'signature malformed',
    ],
    [
      'a signature of the wrong version',
      signedLooking({ 'x-slack-signature': `v1=${'ab'.repeat(32)}`, ...declared }),
      401,
      'signature malformed',
    ],
    [
      'no timestamp',
      { 'x-slack-signature': `v0=${'ab'.repeat(32)}`, ...declared },
      401,
      'timestamp missing or not a number',
    ],
    [
      'a timestamp that is not a number',
      signedLooking({ 'x-slack-request-timestamp': 'soon', ...declared }),
      401,
      'timestamp missing or not a number',
    ],
    ['a timestamp six minutes old', at(nowSec() - 360), 401, 'timestamp too old'],
    ['a timestamp six minutes ahead', at(nowSec() + 360), 401, 'timestamp in the future'],
    [
      'a declared body over the 4 MB limit',
      signedLooking({ 'content-length': String(BODY_LIMIT + 1) }),
      413,
      'body too large',
    ],
  ];

  it.each(cases)(
    '%s: %i at once, without waiting for the body, and the connection is closed',
    async (_, headers, status, reason) => {
      const from = h.logs.length;
      const answer = await rawPost(h, headers);
      expect(answer.status).toBe(status);
      // Answered from the headers: no body ever came, and the app did not wait for one.
      expect(answer.ms).toBeLessThan(PROMPT_MS);
      expect(answer.closed, 'the app closes the connection rather than read the unread body').toBe(true);
      expect(refusals(h, from)).toEqual([{ status, reason }]);
      expect(JSON.stringify(h.logs.slice(from))).not.toContain('ab'.repeat(32));
    },
  );

  it('a large unsigned body already on its way gets its 401, not a reset, and the next request is served', async () => {
    const body = 'x'.repeat(Math.floor(3.9 * 1024 * 1024));
    const response = await fetch(h.eventsUrl, {
      method: 'POST',
      headers: { 'content-type': FORM, 'x-slack-request-timestamp': String(nowSec()) },
      body,
    });
    await response.arrayBuffer();
    expect(response.status).toBe(401);
    const command = await h.command({ text: 'help' });
    expect(command.status).toBe(200);
  });

  it('a signed-looking body whose HMAC is wrong is read, then refused with 401 (signature mismatch)', async () => {
    const from = h.logs.length;
    const answer = await rawPost(
      h,
      { ...signedLooking(), 'content-length': '11', connection: 'close' },
      { body: 'payload=%7B' },
    );
    expect(answer.status).toBe(401);
    expect(refusals(h, from)).toEqual([{ status: 401, reason: 'signature mismatch' }]);
  });
});

describe("bodies are read within one byte budget, and within Node's request timeout", () => {
  it('a body that stops arriving, or trickles in, is cut off with 408 by the request timeout, and its bytes are released', async () => {
    const logFrom = h.logs.length;
    const answers = await Promise.all(
      [undefined, 100].map((trickleMs) =>
        rawPost(
          h,
          { ...signedLooking(), 'content-length': '1000' },
          { body: 'payload=', trickleMs, deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
        ),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(408);
      expect(answer.ms).toBeGreaterThanOrEqual(TIMED_OUT_MS.from);
      expect(answer.ms).toBeLessThan(TIMED_OUT_MS.to);
      expect(answer.closed).toBe(true);
    }
    expect(refusals(h, logFrom)).toEqual([
      { status: 408, reason: TIMED_OUT },
      { status: 408, reason: TIMED_OUT },
    ]);
    await waitFor(budgetEmpty, 2000, 'the budget released');
  });

  it(`slow uploads filling the budget (${BUDGET_SOCKETS} × 512 kB, one byte at a time) do not delay a signed command: it takes the room of the oldest, cut off with 408 at once`, async () => {
    const logFrom = h.logs.length;
    const lorises = Array.from({ length: BUDGET_SOCKETS }, (_, i) =>
      rawPost(
        h,
        { ...signedLooking(from(`198.51.100.${i + 1}`)), 'content-length': String(MID_BODY_BYTES) },
        { body: 'p', trickleMs: 200, deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
      ),
    );
    await waitFor(() => load().reading === BUDGET_SOCKETS, 5000, 'the budget full');
    expect(load().used).toBe(BODY_BUDGET_BYTES);
    const started = Date.now();
    const command = await h.command({ text: 'help' });
    expect(command.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    const answers = await Promise.all(lorises);
    expect(
      answers.every((a) => a.status === 408),
      JSON.stringify(answers.map((a) => a.status)),
    ).toBe(true);
    // The command's few hundred bytes needed the room of one: it was cut off at once, the others by the timeout.
    expect(answers.filter((a) => a.ms < TIMED_OUT_MS.from - 500)).toHaveLength(1);
    expect(refusals(h, logFrom)).toContainEqual({ status: 408, reason: CUT_OFF });
    await waitFor(budgetEmpty, 3000, 'the budget released');
    await quiet(h);
  }, 20_000);

  it('while slow 4 MB bodies fill the budget, newer bodies take the room of the oldest (408 at once), and a small signed request still passes at once', async () => {
    const logFrom = h.logs.length;
    const large = String(BODY_LIMIT);
    const holding = BODY_BUDGET_BYTES / BODY_LIMIT;
    // Enough 4 MB bodies that trickle in to fill the budget, one per client.
    const holders = Array.from({ length: holding }, (_, i) =>
      rawPost(
        h,
        { ...signedLooking(from(`203.0.113.${i + 1}`)), 'content-length': large },
        { trickleMs: 200, deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
      ),
    );
    await waitFor(() => load().reading === holding, 5000, 'the budget full');
    // A small signed request is answered at once, in place of the oldest holder.
    const started = Date.now();
    const command = await h.command({ text: 'help' });
    expect(command.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(PROMPT_MS);
    // A body of 4 MB less a byte and a chunked one (unknown length: counted as 4 MB): each is read at once, the chunked
    // one in place of the last holder. Neither sends a byte, so each runs into the request timeout.
    const justUnder = rawPost(
      h,
      { ...signedLooking(from('203.0.113.101')), 'content-length': String(BODY_LIMIT - 1) },
      { deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
    );
    await waitFor(() => load().reading === holding, 5000, 'the body of 4 MB less a byte admitted');
    const chunked = rawPost(
      h,
      { ...signedLooking(from('203.0.113.102')), 'transfer-encoding': 'chunked' },
      { deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
    );

    const held = await Promise.all(holders);
    for (const holder of held) {
      expect(holder.status).toBe(408);
      expect(holder.closed).toBe(true);
      // Cut off for the newer ones, not run to the timeout.
      expect(holder.ms).toBeLessThan(TIMED_OUT_MS.from);
    }
    for (const stalled of [await justUnder, await chunked]) {
      expect(stalled.status).toBe(408);
      expect(stalled.ms).toBeGreaterThanOrEqual(TIMED_OUT_MS.from);
    }
    expect(refusals(h, logFrom)).toContainEqual({ status: 408, reason: CUT_OFF });
    await waitFor(budgetEmpty, 3000, 'the budget released');
    await quiet(h);
  }, 20_000);

  it('however many slow large bodies arrive at once, each is read at once and the budget never holds more than its bytes', async () => {
    const logFrom = h.logs.length;
    const large = String(BODY_LIMIT);
    // As many as the budget and the old lanes' queue of 128 held (one more got 503 at once).
    const count = BODY_BUDGET_BYTES / BODY_LIMIT + 128;
    let most = 0;
    const sampler = setInterval(() => {
      most = Math.max(most, load().used);
    }, 5);
    const answers = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        rawPost(
          h,
          { ...signedLooking(from(`10.0.${i >> 8}.${i & 255}`)), 'content-length': large },
          { trickleMs: 200, deadlineMs: REQUEST_TIMEOUT_MS + 4000 },
        ),
      ),
    );
    clearInterval(sampler);
    // Each is cut off with 408: at once for a newer one, or, the last ones to come (nobody needed their room), by
    // the request timeout. None waited, none got 503.
    expect(
      answers.every((a) => a.status === 408),
      JSON.stringify(answers.map((a) => a.status)),
    ).toBe(true);
    expect(answers.filter((a) => a.ms >= TIMED_OUT_MS.from - 500)).toHaveLength(
      BODY_BUDGET_BYTES / BODY_LIMIT,
    );
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThanOrEqual(BODY_BUDGET_BYTES);
    expect(refusals(h, logFrom).filter((r) => r.status === 503)).toEqual([]);
    await waitFor(budgetEmpty, 3000, 'the budget released');
  }, 30_000);

  it('the Accept goes through while large signed-looking bodies and unsigned ones pour in', async () => {
    const { handoff } = await sendHandoff(h, {
      accountName: 'Flooded Accept',
      accountDomain: 'flooded.example',
    });
    const big = 'x'.repeat(Math.floor(3.9 * 1024 * 1024));
    const pour = () =>
      Array.from({ length: 12 }, (_, i) =>
        fetch(h.eventsUrl, {
          method: 'POST',
          headers: i % 2 === 0 ? signedLooking() : { 'content-type': FORM },
          body: big,
        })
          .then(async (r) => {
            await r.arrayBuffer();
            return r.status;
          })
          .catch(() => 0),
      );
    // The Accept is two requests (the click opens the accept modal; its submission records the accept). Each meets a
    // flood of its own, arriving (its signed-looking bodies hold the budget's room) before it: not a fixed wait.
    const flood = pour();
    await waitFor(() => load().reading > 0, 5000, 'the flood arriving');
    let started = Date.now();
    const modal = await openAcceptModal(h, {
      handoffId: handoff.id,
      user: { id: people.ae.id, team_id: TEAM },
      responseUrl: h.slack.responseUrl(),
    });
    // Slack's deadline: the click answered 200 (openAcceptModal checks it) and its modal opened (a trigger id lasts
    // 3 s).
    const clickMs = Date.now() - started;
    expect(clickMs).toBeLessThan(3000);
    const secondFlood = pour();
    await waitFor(() => load().reading > 0, 5000, 'the second flood arriving');
    started = Date.now();
    // Recorded (nothing inline) and answered 200 (submitAccept checks it).
    expect(await submitAccept(h, modal)).toEqual({});
    const acceptMs = Date.now() - started;
    // Slack's deadline.
    expect(acceptMs).toBeLessThan(3000);
    const statuses = [...(await Promise.all(flood)), ...(await Promise.all(secondFlood))];
    // Every flood request is refused: 401 (unsigned, or its HMAC is wrong) or 408 (still arriving when a newer one
    // needed the budget's room).
    expect(
      statuses.every((s) => s === 401 || s === 408),
      JSON.stringify(statuses),
    ).toBe(true);
    await waitFor(
      async () =>
        (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).length === 1,
      8000,
      'the decision',
    );
    await quiet(h);
  }, 30_000);
});

describe('slow bodies from many addresses never make a Slack request wait', () => {
  /** The red team's sockets: each its own client behind the proxy on loopback, as a proxy would forward them. */
  const DRIBBLERS = 300;
  /** A body of Slack's size (a block action on a long message), signed-looking, declared up front. */
  const DRIBBLE_BYTES = 64 * 1024;
  /** One byte this often: the socket is never idle, only slow. */
  const DRIBBLE_MS = 400;

  it(`${DRIBBLERS} sockets dribbling a Slack-sized body from ${DRIBBLERS} forwarded addresses: every Accept and command is answered 200 within Slack's 3 s`, async () => {
    const logFrom = h.logs.length;
    const decided = (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id))
      .length;
    const sent: Awaited<ReturnType<typeof sendHandoff>>[] = [];
    for (const i of [0, 1, 2])
      sent.push(
        await sendHandoff(h, { accountName: `Dribbled Accept ${i}`, accountDomain: `dribbled-${i}.example` }),
      );
    await quiet(h);
    const dribblers = Array.from({ length: DRIBBLERS }, (_, i) =>
      rawPost(
        h,
        {
          ...signedLooking(from(`198.18.${i >> 8}.${(i & 255) + 1}`)),
          'content-length': String(DRIBBLE_BYTES),
        },
        // A generous deadline for their 408 on a loaded machine (the Accepts' own deadline, below, is Slack's 3 s).
        { body: 'p', trickleMs: DRIBBLE_MS, deadlineMs: REQUEST_TIMEOUT_MS + 6000 },
      ),
    );
    // The budget is as full as the dribblers can make it before the first Accept (more of them than fit: the newest
    // keep cutting off the oldest).
    await waitFor(
      () => load().reading >= BODY_BUDGET_BYTES / DRIBBLE_BYTES,
      5000,
      'the budget full of dribblers',
    );
    expect(load().used).toBeLessThanOrEqual(BODY_BUDGET_BYTES);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Real clicks across the first 1.5 s of the attack (before the lanes: 503 at once or after LANE_WAIT_MS), and a
    // command.
    const answers = await Promise.all([
      ...sent.map(async ({ handoff }, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 600));
        // The click: answered 200 (openAcceptModal checks it), its modal opened (a trigger id lasts 3 s).
        let started = Date.now();
        const modal = await openAcceptModal(h, {
          handoffId: handoff.id,
          user: { id: people.ae.id, team_id: TEAM },
          responseUrl: h.slack.responseUrl(),
        });
        const clicked = { what: `accept ${i} (click)`, status: 200, ms: Date.now() - started };
        // Its submission, which records the accept (issue 51): answered 200 (submitAccept checks it), nothing inline.
        started = Date.now();
        expect(await submitAccept(h, modal)).toEqual({});
        return [clicked, { what: `accept ${i} (submitted)`, status: 200, ms: Date.now() - started }];
      }),
      (async () => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        const started = Date.now();
        const response = await h.command({ text: 'help' });
        await response.arrayBuffer();
        return [{ what: 'command', status: response.status, ms: Date.now() - started }];
      })(),
    ]).then((all) => all.flat());
    for (const answer of answers) {
      expect(answer.status, JSON.stringify(answers)).toBe(200);
      // Slack's deadline.
      expect(answer.ms, JSON.stringify(answers)).toBeLessThan(3000);
    }
    const dribbled = await Promise.all(dribblers);
    // Every dribbler is cut off: 408, whether it made room for a newer body or ran out of time.
    expect(
      dribbled.every((a) => a.status === 408),
      JSON.stringify(dribbled.filter((a) => a.status !== 408)),
    ).toBe(true);
    expect(refusals(h, logFrom).filter((r) => r.status === 503)).toEqual([]);
    await waitFor(
      async () =>
        (await h.database.db.select().from(h.tables.decisions).orderBy(h.tables.decisions.id)).length ===
        decided + sent.length,
      8000,
      'the decisions',
    );
    await waitFor(budgetEmpty, 3000, 'the budget released');
    await quiet(h);
  }, 20_000);
});

const formOf = (payload: string) => new URLSearchParams({ payload }).toString();

describe('a correctly signed body with a field Slack never sends gets 400 at once', () => {
  const accept = (value = '1') => blockAction({ actionId: ACTION_ID.accept, value });
  const homeOpened = (id: string, more: object) =>
    JSON.stringify({ ...appHomeOpened(people.ae.id, id), ...more });
  const cases: [name: string, body: string, contentType: string, reason: string][] = [
    ['a payload nested 10,000 levels deep, without a type', formOf(nested(10_000)), FORM, 'nested too deep'],
    ['a JSON body nested 10,000 levels deep, without a type', nested(10_000), JSON_TYPE, 'nested too deep'],
    [
      'a block action whose value is nested 10,000 levels deep',
      formOf(JSON.stringify(accept('VALUE')).replace('"VALUE"', nested(10_000))),
      FORM,
      'nested too deep',
    ],
    ['a JSON body whose type is a number', JSON.stringify({ type: 5 }), JSON_TYPE, 'type is not a string'],
    ['a form with an event field', 'event=x&team_id=T1', FORM, 'event is not an object'],
    [
      'a slash command form that also carries an event',
      new URLSearchParams({ ...slashCommand({ text: 'help' }), event: 'x' }).toString(),
      FORM,
      'event is not an object',
    ],
    [
      'a block action whose user is missing',
      formOf(JSON.stringify({ ...accept(), user: undefined })),
      FORM,
      'payload has no user',
    ],
    [
      'an event whose channel is null',
      homeOpened('Ev0NULLCHAN', { event: { type: 'app_home_opened', user: people.ae.id, channel: null } }),
      JSON_TYPE,
      'event channel is neither an id nor an object',
    ],
    [
      'an event whose first authorization is null',
      homeOpened('Ev0NULLAUTH', { authorizations: [null] }),
      JSON_TYPE,
      'authorization is not an object',
    ],
    [
      'an interactive message whose actions are not a list',
      formOf(
        JSON.stringify({ type: 'interactive_message', user: { id: people.ae.id }, actions: { name: 'x' } }),
      ),
      FORM,
      'actions is not a list',
    ],
  ];

  it.each(cases)('%s: 400 at once, logged with its reason', async (_, body, contentType, reason) => {
    const from = h.logs.length;
    const answer = await timedPost(h, body, contentType);
    expect(answer.status).toBe(400);
    // Bolt would have waited 3 s for an acknowledgement: this is the receiver's own answer.
    expect(answer.ms).toBeLessThan(PROMPT_MS);
    expect(refusals(h, from)).toEqual([{ status: 400, reason: `malformed: ${reason}` }]);
  });
});

describe('a correctly signed body that names no installation is acknowledged and ignored', () => {
  const cases: { name: string; body: string; contentType: string }[] = [
    { name: 'payload={}', body: formOf('{}'), contentType: FORM },
    { name: 'a JSON body {}', body: '{}', contentType: JSON_TYPE },
    {
      name: 'a JSON body of an unknown type',
      body: JSON.stringify({ type: 'nope', token: 'x' }),
      contentType: JSON_TYPE,
    },
    {
      name: 'a block action without actions',
      body: formOf(JSON.stringify({ type: 'block_actions', user: { id: people.ae.id } })),
      contentType: FORM,
    },
    { name: 'a form with neither payload nor command', body: 'foo=bar', contentType: FORM },
  ];

  it(`${cases.map((c) => c.name).join(', ')}: acknowledged empty (Slack sends it no more), ignored and logged`, async () => {
    const from = h.logs.length;
    const answers = await Promise.all(cases.map((c) => timedPost(h, c.body, c.contentType)));
    expect(answers.map((a) => a.status)).toEqual(cases.map(() => 200));
    // Not the receiver's refusal: the app found no installation it is for, and said so once for each.
    expect(refusals(h, from)).toEqual([]);
    const ignored = h.logs
      .slice(from)
      .filter((l) => l.msg === 'a Slack request for another installation of the app: ignored');
    expect(ignored.map((l) => l.why)).toEqual(cases.map(() => 'no installation in force'));
    expect(h.logs.slice(from).filter((l) => String(l.msg).includes('Could not determine the type'))).toEqual(
      [],
    );
  });
});

describe('everything Slack sends still passes', () => {
  it('a slash command (also one padded to a few hundred kB), an SSL check, a URL verification, an event and app_rate_limited are answered 200 at once', async () => {
    const from = h.logs.length;
    const command = (more: Record<string, string> = {}) =>
      new URLSearchParams({
        ...slashCommand({ text: 'help', response_url: h.slack.responseUrl() }),
        ...more,
      });
    // Padded with a field nobody reads, to just under SMALL_BODY_BYTES: the size of a click on a large App Home.
    const padded = command({ pad: 'y'.repeat(400_000) }).toString();
    expect(padded.length).toBeGreaterThan(400_000);
    expect(padded.length).toBeLessThan(MID_BODY_BYTES);
    const rateLimited = {
      token: 'x',
      type: 'app_rate_limited',
      team_id: TEAM,
      minute_rate_limited: nowSec() - 60,
      api_app_id: 'A0APP',
    };
    const answers = [
      await timedPost(h, command().toString(), FORM),
      await timedPost(h, padded, FORM),
      await timedPost(h, 'ssl_check=1&token=legacy-verification-token', FORM),
      await timedPost(h, JSON.stringify(appHomeOpened(people.ae.id, 'Ev0LIMITS')), JSON_TYPE),
      // No listener could acknowledge it: the receiver answers it, and logs it.
      await timedPost(h, JSON.stringify(rateLimited), JSON_TYPE),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.ms).toBeLessThan(PROMPT_MS);
    }
    const challenge = await timedPost(
      h,
      JSON.stringify({ type: 'url_verification', challenge: 'c-123', token: 'x' }),
      JSON_TYPE,
    );
    expect(challenge).toMatchObject({ status: 200, text: JSON.stringify({ challenge: 'c-123' }) });
    expect(h.logs.slice(from).map((l) => l.msg)).toContain(
      'Slack paused event deliveries to the app (app_rate_limited)',
    );
    expect(refusals(h, from)).toEqual([]);
    await quiet(h);
  });
});

describe('what the receiver logs', () => {
  const CLOCK = "ahead of this server's clock: check NTP";

  it('a timestamp far in the future is refused, and an error says the server clock looks wrong, at most once a minute', async () => {
    const ahead = 600;
    for (let i = 0; i < 3; i += 1) {
      const answer = await rawPost(h, {
        ...signedLooking({ 'x-slack-request-timestamp': String(nowSec() + ahead) }),
        'content-length': '0',
      });
      expect(answer.status).toBe(401);
    }
    // Logged once for this app (an earlier test of this file may have been the first), at error level.
    const warnings = h.logs.filter((l) => String(l.msg).includes(CLOCK));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.level).toBe(50);
    expect(String(warnings[0]?.msg)).toMatch(
      /^Slack request timestamp is \d+ s ahead of this server's clock/,
    );
  });

  it('a flood of refusals logs the first few of each reason, then counts the rest', async () => {
    const logFrom = h.logs.length;
    const answers = await Promise.all(
      Array.from({ length: 40 }, () =>
        rawPost(h, {
          ...signedLooking({ 'x-slack-request-timestamp': String(nowSec() - 600) }),
          'content-length': '0',
        }),
      ),
    );
    expect(answers.every((a) => a.status === 401)).toBe(true);
    // 40 refused, at most REFUSALS_LOGGED_PER_REASON logged (the header test's one may count in this window).
    const lines = refusals(h, logFrom).filter((r) => r.reason === 'timestamp too old');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThanOrEqual(REFUSALS_LOGGED_PER_REASON);
    // Another reason, seen once before in this window, is still logged in full: the flood did not use up its quota.
    await rawPost(h, signedLooking({ 'content-length': String(BODY_LIMIT + 2) }));
    expect(refusals(h, logFrom)).toContainEqual({ status: 413, reason: 'body too large' });
  });

  it('the summary line counts what was left out, and a correctly signed 400 is always logged', async () => {
    const lines: { obj: Record<string, unknown>; msg: string }[] = [];
    const logger = { warn: (obj: Record<string, unknown>, msg: string) => lines.push({ obj, msg }) };
    const log = createRefusalLog(logger as never, { first: 3, windowMs: 100 });
    for (let i = 0; i < 20; i += 1) log.refused({}, 401, 'signature mismatch');
    for (let i = 0; i < 10; i += 1) log.refused({}, 400, 'malformed: no type');
    log.refused({}, 503, 'too many bodies waiting');
    const full = (status: number) =>
      lines.filter((l) => l.msg === 'Slack request refused' && l.obj.status === status);
    expect(full(401)).toHaveLength(3);
    expect(full(400)).toHaveLength(10);
    expect(full(503)).toHaveLength(1);
    await waitFor(
      () => lines.some((l) => l.msg.startsWith('Slack requests refused (summary)')),
      2000,
      'the summary',
    );
    const summary = lines.find((l) => l.msg.startsWith('Slack requests refused (summary)'));
    expect(summary?.obj).toMatchObject({ total: 17, suppressed: { '401 signature mismatch': 17 } });
    // A new window logs in full again.
    log.refused({}, 401, 'signature mismatch');
    expect(full(401)).toHaveLength(4);
    log.flush();
  });
});
