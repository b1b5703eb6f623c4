import type { App } from '@slack/bolt';
import type { HandlerDeps } from '../deps.js';
import { appHomeOpened } from './appHomeOpened.js';
import { appUninstalled, tokensRevoked } from './appRevoked.js';
import { channelLeft } from './channelLeft.js';
import { channelShared, channelUnshared } from './channelSharing.js';
import { memberJoinedChannel } from './memberJoinedChannel.js';
import { userStatusChanged } from './userStatusChanged.js';

export function registerEvents(app: App, deps: HandlerDeps): void {
  app.event('app_home_opened', appHomeOpened(deps));
  app.event('member_joined_channel', memberJoinedChannel(deps));
  app.event('channel_shared', channelShared(deps));
  app.event('channel_unshared', channelUnshared(deps));
  app.event('user_status_changed', userStatusChanged(deps));
  app.event('app_uninstalled', appUninstalled(deps));
  app.event('tokens_revoked', tokensRevoked(deps));
  app.event('channel_left', channelLeft(deps));
  app.event('group_left', channelLeft(deps));
}
