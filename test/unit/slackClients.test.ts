import { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { onFirstUse } from '../../src/slackClients.js';
import { SteppedTimers } from '../support/steppedTimers.js';

describe('a Slack client is made at its first use and let go when nobody calls it', () => {
  it('makes none before a call, keeps it while it is called, and makes it again after it was let go', async () => {
    const timers = new SteppedTimers();
    const made: WebClient[] = [];
    const client = onFirstUse(
      () => {
        const real = new WebClient('xoxb-test', { slackApiUrl: 'http://127.0.0.1:9/api/' });
        made.push(real);
        return real;
      },
      { keptMs: 60_000, timers },
    );
    expect(client).toBeInstanceOf(WebClient);
    expect(made).toHaveLength(0);
    // A property read is a use: the client is made once, and its methods are the real client's.
    expect(client.token).toBe('xoxb-test');
    expect(typeof client.chat.postMessage).toBe('function');
    expect(made).toHaveLength(1);
    // Used again before the time runs out: kept, for as long after that last use.
    await timers.advance(50_000);
    expect(client.token).toBe('xoxb-test');
    await timers.advance(50_000);
    expect(client.token).toBe('xoxb-test');
    expect(made).toHaveLength(1);
    // Nobody called it for a whole minute: let go, and made again at the next use.
    await timers.advance(60_000);
    expect(made).toHaveLength(1);
    expect(client.token).toBe('xoxb-test');
    expect(made).toHaveLength(2);
    expect(made[1]).not.toBe(made[0]);
  });
});
