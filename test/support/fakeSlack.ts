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
 *
 * One fake can host several workspaces with the app installed, and Enterprise Grid orgs
 * (fakeSlack/tenants.ts): `fake.addWorkspace({ id: 'T0SECOND', name: 'Beta' })` gives that workspace's own
 * users, channels, bot and token; each call is answered by the workspace of its token. The fake's own workspace
 * may itself belong to an org: `FakeSlack.start({ enterprise: { id: 'E0ORG', name: 'Globex' } })`.
 */
export { LIMITS, type ValidationFailure, validateMessage, validateView } from './fakeSlack/blockLimits.js';
export type { EnterpriseUser } from './fakeSlack/common.js';
export type {
  ChannelSharedEvent,
  ChannelUnsharedEvent,
  EventAuthorization,
  EventDelivery,
  EventEnvelope,
  EventTarget,
  FakeEvent,
  TeamAccessEvent,
} from './fakeSlack/events.js';
export type { FakeEnterprise, FakeWorkspace } from './fakeSlack/fakeWorkspace.js';
export { FakeSlack } from './fakeSlack/server.js';
export type { EnterpriseSpec, WorkspaceSpec } from './fakeSlack/tenants.js';
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
