/**
 * A fake Slack Web API server for integration tests: point a WebClient (or Bolt's `clientOptions`) at
 * `fake.apiUrl`. It records every call, answers in Slack's shapes, enforces the Block Kit limits of
 * /work/shared/SLACK.md, simulates trigger ids and response URLs, and can inject failures.
 *
 *   const fake = await FakeSlack.start();
 *   fake.addUser({ id: 'U1', team_id: fake.teamId, name: 'ada' });
 *   const client = new WebClient(fake.token, { slackApiUrl: fake.apiUrl });
 *   await client.chat.postMessage({ channel: 'U1', text: 'hi' });
 *   fake.messages(fake.dmChannelFor('U1')); // [{ text: 'hi', ... }]
 *   await fake.stop();
 */
export { LIMITS, type ValidationFailure, validateMessage, validateView } from './fakeSlack/blockLimits.js';
export type {
  ChannelSharedEvent,
  ChannelUnsharedEvent,
  EventDelivery,
  EventEnvelope,
  FakeEvent,
} from './fakeSlack/events.js';
export { FakeSlack } from './fakeSlack/server.js';
export type {
  Failure,
  FakeChannel,
  FakeOAuthApp,
  FakeProfileStatus,
  FakeSlackOptions,
  FakeTeam,
  FakeUser,
  FakeView,
  RecordedCall,
  StoredMessage,
  StoredResponse,
} from './fakeSlack/types.js';
