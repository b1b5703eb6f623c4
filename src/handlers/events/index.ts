import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';
import { appHomeOpened } from './appHomeOpened.js';
import { channelShared, channelUnshared } from './channelSharing.js';
import { memberJoinedChannel } from './memberJoinedChannel.js';

export function registerEvents(app: App, deps: HandlerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('member_joined_channel', memberJoinedChannel(deps));
  app.event('channel_shared', channelShared(deps));
  app.event('channel_unshared', channelUnshared(deps));
}
