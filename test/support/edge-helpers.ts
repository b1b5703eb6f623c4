import { afterEach } from 'vitest';
import { EventSender } from './fakeSlack/events.js';
import { type Harness, SIGNING_SECRET } from './harness.js';

/** What a test started, stopped after it in the reverse order (push each stop as it is started). */
export function stopsAfterEach(): (() => Promise<void>)[] {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });
  return stops;
}

/** Events as Slack sends them for workspace `teamId`'s install (its bot), signed, to the app's events URL. */
export function eventsFrom(h: Harness, teamId: string, botUserId = h.slack.botUserId): EventSender {
  const sender = new EventSender({ teamId, botUserId, appId: 'A0APP' });
  sender.subscribe(h.eventsUrl, SIGNING_SECRET);
  return sender;
}

/** GET /healthz of the app at `base` (a harness's, or a URL): its status and JSON body. */
export async function healthOf(base: Pick<Harness, 'baseUrl'> | string) {
  const response = await fetch(`${typeof base === 'string' ? base : base.baseUrl}/healthz`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}
