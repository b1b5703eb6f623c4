import { describe, expect, it } from 'vitest';
import { SlackConnection } from '../../../src/runtime/health.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

/** A logger whose lines are kept, parsed. */

const accepted = async () =>
  new Response('{"ok":true}', { status: 200, headers: { 'content-type': 'application/json' } });

describe('SlackConnection.revoke (app_uninstalled, tokens_revoked)', () => {
  it('disconnects until a restart: an accepted call does not reconnect, nothing asks again, one error logged', async () => {
    const { logger, lines } = capturedLogger();
    const connection = new SlackConnection(logger);
    expect(connection.revoke('app_uninstalled')).toBe(true);
    expect(connection.revoke('tokens_revoked')).toBe(false);
    expect(connection.rejected).toBe('app_uninstalled');
    expect(connection.revoked).toBe('app_uninstalled');

    await connection.watch(accepted)('https://slack.test/api/auth.test');
    expect(connection.rejected).toBe('app_uninstalled');
    expect(connection.shouldRecheck(0)).toBe(false);
    // Calls Slack refuses afterwards are the same outage: not logged again.
    connection.refusedToken('token_revoked');
    expect(connection.revoked).toBe('app_uninstalled');
    expect(lines.filter((l) => l.level === 50)).toHaveLength(1);
  });
});
