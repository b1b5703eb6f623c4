import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import type { AckFn, App, ReceiverEvent } from '@slack/bolt';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createLogger, slackLogger } from '../../../src/logger.js';
import { createReceiver } from '../../../src/receiver.js';
import { REQUEST_KEY, type SlackRequest } from '../../../src/runtime/lateAnswers.js';
import { blockAction } from '../../support/payloads.js';
import { signal } from '../../support/signal.js';
import { slackSignature } from '../../support/signing.js';

/**
 * The receiver's side of late answers: each request's record (when its headers came, on the request clock) goes to
 * the app in Bolt's context; and a listener that acks after Bolt's own 404 (no ack within Bolt's 3 s) is not made to
 * fail: its answer is dropped and the record says Bolt answered, so the app tells its person what was saved.
 */

const SECRET = 'unit-signing-secret';

/** A receiver serving a stand-in app whose listener acks when `release` is called. */
async function serving(clockAt: number) {
  const logger = createLogger('fatal', new Writable({ write: (_c, _e, done) => done() }));
  const receiver = createReceiver({
    signingSecret: SECRET,
    customRoutes: [],
    logger,
    boltLogger: slackLogger(logger, 'bolt-receiver'),
    requestClock: () => clockAt,
  });
  const { fired: released, fire: release } = signal();
  let arrived: (event: ReceiverEvent) => void = () => undefined;
  const event = new Promise<ReceiverEvent>((resolve) => {
    arrived = resolve;
  });
  const acked = { result: undefined as 'ok' | Error | undefined };
  const app = {
    processEvent: async (e: ReceiverEvent) => {
      arrived(e);
      await released;
      acked.result = await (e.ack as AckFn<string>)('').then(
        () => 'ok' as const,
        (error: Error) => error,
      );
    },
  };
  receiver.init(app as unknown as App);
  const server = await receiver.start(0);
  const port = (server.address() as AddressInfo).port;
  return { receiver, port, event, release, acked };
}

/** A signed click, posted with node:http (no fetch: its timers are not the test's to step). */
function click(port: number): Promise<number> {
  const body = new URLSearchParams({
    payload: JSON.stringify(blockAction({ actionId: 'accept', value: '1' })),
  }).toString();
  const timestamp = Math.floor(Date.now() / 1000);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        port,
        method: 'POST',
        path: '/slack/events',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'content-length': Buffer.byteLength(body),
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': slackSignature(SECRET, timestamp, body),
        },
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** The request's record the receiver gave the app. */
const recordOf = (event: ReceiverEvent) => event.customProperties?.[REQUEST_KEY] as SlackRequest;

describe('the receiver and late answers', () => {
  let stop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    vi.useRealTimers();
    await stop?.();
    stop = undefined;
  });

  it('gives the app the request record: when its headers came, on the request clock; an ack in time is the answer', async () => {
    const s = await serving(42_000);
    stop = () => s.receiver.stop();
    const status = click(s.port);
    const event = await s.event;
    const request = recordOf(event);
    expect(request).toEqual({ arrivedAt: 42_000 });
    s.release();
    expect(await status).toBe(200);
    expect(s.acked.result).toBe('ok');
    expect(request.answeredByBolt).toBeUndefined();
  });

  it("an ack after Bolt's own 404 (no ack within its 3 s) does not fail the listener, and the record says Bolt answered", async () => {
    const s = await serving(0);
    stop = () => s.receiver.stop();
    // Bolt's timer is set when the request reaches the app: only timeouts are the test's, the sockets stay real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const status = click(s.port);
    const event = await s.event;
    vi.advanceTimersByTime(3_001);
    expect(await status).toBe(404);
    s.release();
    await vi.waitFor(() => expect(s.acked.result).toBeDefined(), { interval: 1 });
    expect(s.acked.result).toBe('ok');
    expect(recordOf(event).answeredByBolt).toBe(true);
  });
});
