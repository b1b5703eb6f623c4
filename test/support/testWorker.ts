import { LogLevel, WebClient } from '@slack/web-api';
import type { Clock } from '../../src/clock.js';
import type { Db } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import type { OutboxWorkerOptions } from '../../src/outbox/types.js';
import { OutboxWorker } from '../../src/outbox/worker.js';
import type { Timers } from '../../src/runtime/timers.js';
import type { FakeSlack } from './fakeSlack.js';

/**
 * An outbox worker as the outbox tests build it, against the fake Slack: a client that throws on rate limits and
 * never retries by itself (the outbox owns retries), quiet logs, a 1 s poll and channel gap, 5 attempts, a 30 s wait
 * before looking for a lost post. `over` changes any of it (a guard, a holder, a lease).
 */
export function testWorker(
  slack: FakeSlack,
  base: { db: Db; clock: Clock; timers: Timers; clientTimeoutMs?: number },
  over: Partial<ConstructorParameters<typeof OutboxWorker>[0]> = {},
): OutboxWorker {
  const options: ConstructorParameters<typeof OutboxWorker>[0] = {
    db: base.db,
    clock: base.clock,
    timers: base.timers,
    logger: createLogger('silent'),
    client: new WebClient(slack.token, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: base.clientTimeoutMs ?? 5000,
      // Lost answers and refusals are on purpose in these tests: no warnings on their output.
      logLevel: LogLevel.ERROR,
    }),
    pollIntervalMs: 1000,
    channelIntervalMs: 1000,
    maxAttempts: 5,
    uncertainWaitMs: 30_000,
    ...over,
  } satisfies OutboxWorkerOptions;
  return new OutboxWorker(options);
}
