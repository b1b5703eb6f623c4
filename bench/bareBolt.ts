/**
 * The framework's own limit: a Bolt app with Bolt's HTTPReceiver (signature check, body parsing, routing) whose
 * only listener acknowledges the Accept button. Same action id, same payloads, same machine as the real app.
 *
 * Environment: PORT, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN, SLACK_API_URL.
 */
import { App, HTTPReceiver, LogLevel } from '@slack/bolt';
import { ACTION_ID } from '../src/blocks/ids.js';

const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';
const receiver = new HTTPReceiver({ signingSecret, endpoints: '/slack/events', logLevel: LogLevel.ERROR });
const app = new App({
  token: process.env.SLACK_BOT_TOKEN ?? '',
  receiver,
  logLevel: LogLevel.ERROR,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL ?? '' },
});
app.action(ACTION_ID.accept, async ({ ack }) => {
  await ack();
});
await app.start(Number(process.env.PORT));
process.send?.({ type: 'ready' });
process.on('disconnect', () => {
  void app.stop().then(() => process.exit(0));
});
