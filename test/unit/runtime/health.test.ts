import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.js';
import { SlackConnection } from '../../../src/runtime/health.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

const silent = createLogger('silent');

describe('SlackConnection', () => {
  const answer =
    (body: string, status = 200) =>
    async () =>
      new Response(body, { status, headers: { 'content-type': 'application/json' } });

  it('is disconnected by a refused token, connected again by any accepted call, and leaves the body to the client', async () => {
    const connection = new SlackConnection(silent);
    const revoked = connection.watch(answer('{"ok":false,"error":"token_revoked"}'));
    const response = await revoked('https://slack.test/api/chat.postMessage');
    expect(await response.json()).toEqual({ ok: false, error: 'token_revoked' });
    expect(connection.rejected).toBe('token_revoked');

    await connection.watch(answer('{"ok":false,"error":"channel_not_found"}'))('https://slack.test/api/x');
    expect(connection.rejected).toBe('token_revoked');

    await connection.watch(answer('{"ok":true,"user_id":"U1"}'))('https://slack.test/api/auth.test');
    expect(connection.rejected).toBeUndefined();
  });

  it('asks Slack again at most once per interval while disconnected, never while connected', () => {
    let now = 0;
    const connection = new SlackConnection(silent, () => now);
    expect(connection.shouldRecheck(30_000)).toBe(false);
    connection.refusedToken('invalid_auth');
    expect(connection.shouldRecheck(30_000)).toBe(true);
    now += 29_999;
    expect(connection.shouldRecheck(30_000)).toBe(false);
    now += 1;
    expect(connection.shouldRecheck(30_000)).toBe(true);
  });

  it('revoke (app_uninstalled, tokens_revoked) disconnects until a restart: an accepted call does not reconnect, nothing asks again, one error logged', async () => {
    const { logger, lines } = capturedLogger();
    const connection = new SlackConnection(logger);
    expect(connection.revoke('app_uninstalled')).toBe(true);
    expect(connection.revoke('tokens_revoked')).toBe(false);
    expect(connection.rejected).toBe('app_uninstalled');
    expect(connection.revoked).toBe('app_uninstalled');

    await connection.watch(answer('{"ok":true}'))('https://slack.test/api/auth.test');
    expect(connection.rejected).toBe('app_uninstalled');
    expect(connection.shouldRecheck(0)).toBe(false);
    // Calls Slack refuses afterwards are the same outage: not logged again.
    connection.refusedToken('token_revoked');
    expect(connection.revoked).toBe('app_uninstalled');
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
  });
});
