/**
 * What people do in Slack that Slack tells the app about with an Events API event: a status set in the client, the
 * app removed from a channel or invited back, the app uninstalled or its bot token revoked. Each changes the fake's
 * state first, as Slack does, then delivers the event, signed, when events are subscribed (`EventSender`), with the
 * event's time on the fake's clock. They throw (before changing anything) on what Slack would not let happen: those
 * are mistakes in the test or the sandbox.
 */
import {
  type AppUninstalledEvent,
  type ChannelLeftEvent,
  type EventDelivery,
  type EventSender,
  type MemberJoinedChannelEvent,
  slackEvent,
  type TokensRevokedEvent,
  type UserStatusChangedEvent,
} from './events.js';
import type { FakeChannel, FakeUser } from './types.js';
import type { Workspace } from './workspace.js';

/**
 * What Slack answers for the bot token once it is gone: `token_revoked`, "Authentication token is for a deleted user
 * or workspace or the app has been removed" (Slack's Web API errors).
 */
export const REVOKED_TOKEN_ERROR = 'token_revoked';

/** How the bot token was lost: its revocation alone, or the app's uninstall (which revokes it too). */
export type TokenLoss = 'tokens_revoked' | 'app_uninstalled';

export interface StatusChange {
  text: string;
  emoji: string;
  /** When Slack clears it; null or absent: never. */
  expiration?: Date | null;
}

/** What PeopleActions needs to send events: deliver one as its workspace, and stop its events (an uninstall). */
export type EventPort = Pick<EventSender, 'deliver' | 'unsubscribe'>;

export class PeopleActions {
  /** Set once the bot token is gone: Slack answers it with REVOKED_TOKEN_ERROR from then on. */
  tokenLoss: TokenLoss | undefined;

  constructor(
    private readonly workspace: Workspace,
    /** Where the events go: the EventSender, as this workspace (see `EventPort`). */
    private readonly sender: EventPort,
    private readonly identity: { teamId: string; botUserId: string },
  ) {}

  /** A person's profile status changes, and nothing is told (`FakeSlack.setStatus`). */
  setStatus(userId: string, status: StatusChange): FakeUser {
    const user = this.workspace.users.get(userId);
    if (!user) throw new Error(`fake Slack: no user ${userId} (addUser first)`);
    user.profile = {
      ...user.profile,
      status_text: status.text,
      status_emoji: status.emoji,
      status_expiration: status.expiration ? Math.floor(status.expiration.getTime() / 1000) : 0,
    };
    return user;
  }

  /** A person sets (or clears) their status in Slack's client: the profile changes, then user_status_changed. */
  async changeStatus(userId: string, status: StatusChange): Promise<EventDelivery<UserStatusChangedEvent>> {
    const user = this.setStatus(userId, status);
    return this.sender.deliver(slackEvent.userStatusChanged(user, status, this.workspace.nextTs()));
  }

  /**
   * `actorId` removes the app from a channel (`/remove @app`, or the channel's settings): the bot user leaves its
   * members, then channel_left (group_left for a private channel).
   */
  async removeApp(channelId: string, actorId: string): Promise<EventDelivery<ChannelLeftEvent>> {
    const channel = this.channel(channelId);
    if (!channel.members.includes(this.identity.botUserId))
      throw new Error(`fake Slack: the app is not in ${channelId}`);
    channel.members = channel.members.filter((id) => id !== this.identity.botUserId);
    const opts = { private: channel.is_private === true, ts: this.workspace.nextTs() };
    return this.sender.deliver(slackEvent.channelLeft(channelId, actorId, opts));
  }

  /** `inviterId` invites the app to a channel (`/invite @app`): the bot user joins, then member_joined_channel. */
  async inviteApp(channelId: string, inviterId: string): Promise<EventDelivery<MemberJoinedChannelEvent>> {
    const channel = this.channel(channelId);
    if (this.tokenLoss) throw new Error(`fake Slack: the app's bot user is gone (${this.tokenLoss})`);
    if (channel.members.includes(this.identity.botUserId))
      throw new Error(`fake Slack: the app is already in ${channelId}`);
    channel.members = [...channel.members, this.identity.botUserId];
    const { teamId, botUserId } = this.identity;
    const opts = { private: channel.is_private === true, ts: this.workspace.nextTs() };
    return this.sender.deliver(slackEvent.memberJoinedChannel(botUserId, channelId, teamId, inviterId, opts));
  }

  /**
   * The bot token is revoked (auth.revoke, or an admin in the app's settings): Slack answers it with
   * REVOKED_TOKEN_ERROR from now on, and "deactivates the bot user and removes its channel memberships" (auth.revoke's
   * documentation); then tokens_revoked naming the bot user. The app stays installed: events still come.
   */
  async revokeBotToken(): Promise<EventDelivery<TokensRevokedEvent>> {
    if (this.tokenLoss) throw new Error(`fake Slack: the bot token is already gone (${this.tokenLoss})`);
    this.loseToken('tokens_revoked');
    return this.sender.deliver(slackEvent.tokensRevoked({ bot: [this.identity.botUserId] }));
  }

  /**
   * The app is uninstalled from the workspace: its bot token is revoked (as by `revokeBotToken`), then app_uninstalled
   * and tokens_revoked are delivered (Slack gives no order; this one; tokens_revoked only if the token was not revoked
   * before), and Slack sends the app nothing more: events stop. The deliveries, in order. Throws if it was
   * uninstalled already.
   */
  async uninstallApp(): Promise<EventDelivery<AppUninstalledEvent | TokensRevokedEvent>[]> {
    if (this.tokenLoss === 'app_uninstalled') throw new Error('fake Slack: the app is not installed');
    const revokedBefore = this.tokenLoss !== undefined;
    this.loseToken('app_uninstalled');
    const deliveries: EventDelivery<AppUninstalledEvent | TokensRevokedEvent>[] = [];
    try {
      deliveries.push(await this.sender.deliver(slackEvent.appUninstalled()));
      if (!revokedBefore)
        deliveries.push(
          await this.sender.deliver(slackEvent.tokensRevoked({ bot: [this.identity.botUserId] })),
        );
    } finally {
      this.sender.unsubscribe();
    }
    return deliveries;
  }

  private loseToken(loss: TokenLoss): void {
    this.tokenLoss = loss;
    for (const channel of this.workspace.channels.values()) {
      channel.members = channel.members.filter((id) => id !== this.identity.botUserId);
    }
  }

  private channel(channelId: string): FakeChannel {
    const channel = this.workspace.channels.get(channelId);
    if (!channel) throw new Error(`fake Slack: no channel ${channelId} (addChannel first)`);
    return channel;
  }
}
