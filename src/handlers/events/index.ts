import type { HandlerDeps } from '../deps.js';
import type { EventTable } from '../routes.js';
import { appHomeOpened } from './appHomeOpened.js';
import { appUninstalled, tokensRevoked } from './appRevoked.js';
import { channelLeft } from './channelLeft.js';
import { channelShared, channelUnshared } from './channelSharing.js';
import { memberJoinedChannel } from './memberJoinedChannel.js';
import { teamAccessGranted, teamAccessRevoked } from './teamAccess.js';
import { userStatusChanged } from './userStatusChanged.js';

/** The Slack events the app handles (exactly the ones manifest.json subscribes to: test/unit/manifest.test.ts). */
export type HandledEvent =
  | 'app_home_opened'
  | 'member_joined_channel'
  | 'channel_shared'
  | 'channel_unshared'
  | 'user_status_changed'
  | 'app_uninstalled'
  | 'tokens_revoked'
  | 'channel_left'
  | 'group_left'
  | 'team_access_granted'
  | 'team_access_revoked';

export function eventTable(deps: HandlerDeps): EventTable<HandledEvent> {
  return {
    app_home_opened: appHomeOpened(deps),
    member_joined_channel: memberJoinedChannel(deps),
    channel_shared: channelShared(deps),
    channel_unshared: channelUnshared(deps),
    user_status_changed: userStatusChanged(deps),
    app_uninstalled: appUninstalled(deps),
    tokens_revoked: tokensRevoked(deps),
    channel_left: channelLeft(deps),
    group_left: channelLeft(deps),
    team_access_granted: teamAccessGranted(deps),
    team_access_revoked: teamAccessRevoked(deps),
  };
}
