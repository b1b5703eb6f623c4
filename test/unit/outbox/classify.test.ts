import { LogLevel, WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure, snippet } from '../../../src/outbox/failures.js';
import { type Failure, FakeSlack } from '../../support/fakeSlack.js';

/**
 * How the outbox sorts what a Slack call can answer, through the real @slack/web-api client (as the outbox builds
 * it: no retries, rate limits thrown) against the fake Slack: the client's own handling of a 200 whose body is not
 * JSON is part of what is tested.
 */

const PAGE = `<!DOCTYPE html>
<html><head><title>502 Bad Gateway</title></head>
<body><center><h1>502 Bad Gateway</h1></center><hr><center>an edge proxy</center>
${'<p>padding that must never reach the log</p>\n'.repeat(40)}</body></html>`;

describe('classifyFailure: what an answer means for a message in the outbox', () => {
  let slack: FakeSlack;
  let client: WebClient;
  beforeAll(async () => {
    slack = await FakeSlack.start();
    slack.addChannel({ id: 'C0ONE', name: 'one', members: [slack.botUserId] });
    client = new WebClient(slack.token, {
      slackApiUrl: slack.apiUrl,
      rejectRateLimitedCalls: true,
      retryConfig: { retries: 0 },
      timeout: 2000,
      logLevel: LogLevel.ERROR,
    });
  });
  afterAll(async () => {
    await slack.stop();
  });

  /** Posts once with `failure` injected; returns the classification of what the client threw. */
  async function answer(
    failure: Failure,
  ): Promise<{ failure: ReturnType<typeof classifyFailure>; thrown: unknown }> {
    slack.clearFailures();
    slack.fail('chat.postMessage', failure, 1);
    try {
      await client.chat.postMessage({ channel: 'C0ONE', text: 'hello' });
    } catch (thrown) {
      return { failure: classifyFailure(thrown), thrown };
    }
    throw new Error('the call did not fail');
  }

  it('a 200 HTML page: the client makes it a platform error whose `error` is the page; an edge failure, short in the log', async () => {
    const { failure, thrown } = await answer({ body: PAGE, afterProcessing: true });
    // @slack/web-api 8 (WebClient.buildResult): a body that does not parse is `{ ok: false, error: <the text> }`.
    expect((thrown as { code?: string }).code).toBe('slack_webapi_platform_error');
    expect((thrown as { data: { error: string } }).data.error).toBe(PAGE);
    expect(failure).toMatchObject({ transient: true, uncertain: true, edge: true });
    expect(failure.message).toMatch(/^edge failure: an HTML page instead of Slack's answer: <!DOCTYPE html>/);
    expect(failure.message).not.toContain('padding');
    expect(failure.message.length).toBeLessThan(170);
    // The call was processed: the message is there although the answer was lost.
    expect(slack.messages('C0ONE').at(-1)?.text).toBe('hello');
  });

  it.each([
    [{ truncateAt: 25 }, `edge failure: not Slack's JSON (cut short or garbled): {"ok":true,"channel":"C0O`],
    [{ body: '', contentType: 'application/json' }, 'edge failure: an empty answer'],
    [
      { body: '{"message":"Internal server error"}', contentType: 'application/json' },
      "edge failure: an answer without Slack's ok/error",
    ],
  ])('a 200 with %j (truncated, empty, or JSON that is not a Slack answer): %s', async (failure, message) => {
    expect((await answer(failure)).failure).toEqual({
      transient: true,
      uncertain: true,
      edge: true,
      message,
    });
  });

  // 403, 404, 413: a refusal that will not pass by itself (retried, then parked), certain; the rest may pass.
  it.each([
    ...[403, 404, 413].map((s) => [s, false] as const),
    ...[502, 503, 504, 500, 520, 408].map((s) => [s, true] as const),
  ])(
    'HTTP %i with an HTML page: an edge failure that may pass by itself (transient, uncertain): %s',
    async (status, passes) => {
      const { failure } = await answer({ status, body: PAGE });
      expect(failure).toMatchObject({
        transient: passes,
        uncertain: passes,
        edge: true,
        message: `HTTP ${status}`,
      });
      expect(failure.answer).toMatch(/^<!DOCTYPE html> <html><head><title>502 Bad Gateway/);
      expect(failure.answer?.length).toBeLessThanOrEqual(101);
    },
  );

  // Slack's own errors: one that may have partly succeeded is transient and uncertain; its own refusal keeps today's
  // handling, neither; a refused token is transient (every message waits for the app to be reconnected) but certain.
  const alike = (errors: string[], transient: boolean, uncertain: boolean, edge: boolean) =>
    errors.map((error) => [error, transient, uncertain, edge] as const);
  it.each([
    ...alike(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout'], true, true, true),
    ...alike(['channel_not_found', 'not_in_channel', 'invalid_blocks', 'msg_too_long'], false, false, false),
    ...alike(['token_revoked', 'invalid_auth', 'account_inactive'], true, false, false),
  ])("Slack's %s: transient %s, uncertain %s, edge %s", async (error, transient, uncertain, edge) => {
    expect((await answer({ error })).failure).toEqual({ transient, uncertain, edge, message: error });
  });

  it('ratelimited and a 429 with Retry-After: transient, certain (Slack did not act on it)', async () => {
    expect((await answer({ error: 'ratelimited' })).failure).toMatchObject({
      transient: true,
      uncertain: false,
    });
    expect((await answer({ retryAfter: 7 })).failure).toEqual({
      transient: true,
      uncertain: false,
      edge: false,
      retryAfterMs: 7000,
      message: 'rate limited for 7s',
    });
  });

  it('a connection dropped after Slack took the post (as a timeout): a failed request, transient and uncertain', async () => {
    const posted = slack.messages('C0ONE').length;
    const { failure, thrown } = await answer({ dropConnection: true, afterProcessing: true });
    expect((thrown as { code?: string }).code).toBe('slack_webapi_request_error');
    expect(failure).toMatchObject({ transient: true, uncertain: true, edge: false });
    expect(failure.message).toMatch(/^request failed: /);
    expect(slack.messages('C0ONE')).toHaveLength(posted + 1);
  });

  it('a lost connection and a bug of ours', () => {
    const cut = Object.assign(new TypeError('terminated'), { cause: { code: 'UND_ERR_SOCKET' } });
    expect(classifyFailure(cut)).toMatchObject({ transient: true, uncertain: true });
    expect(
      classifyFailure(new TypeError("Cannot read properties of undefined (reading 'ts')")),
    ).toMatchObject({
      transient: false,
      uncertain: false,
    });
  });

  it('snippet keeps a page to one short line', () => {
    expect(snippet('a\n\n  b\tc')).toBe('a b c');
    expect(snippet('x'.repeat(300))).toBe(`${'x'.repeat(100)}…`);
  });
});
