/**
 * The sandbox page's controls for what people do in Slack that Slack tells the app about by an event, each doing
 * what Slack does (the fake Slack's own helpers, test/support/fakeSlack/peopleActions.ts): change the fake's state,
 * then deliver the signed event to the app.
 * - In a channel: "Remove the app" (`channel_left`, `group_left` for a private one) and "Invite the app"
 *   (`member_joined_channel`), also typed as `/remove @Handoff` and `/invite @Handoff`.
 * - Manage apps, the workspace admin's page: "Revoke the bot token" (`tokens_revoked`) and "Uninstall the app"
 *   (`app_uninstalled` and `tokens_revoked`). Slack answers the token `token_revoked` from then on; after an uninstall
 *   it sends the app nothing at all, so the page sends no command, click or submission on to it either.
 * The status control's `user_status_changed` is sent by `FakeSlack.changeStatus` (sandbox.ts, /api/status).
 */
import type { FakeSlack } from '../test/support/fakeSlack.js';
import { type SandboxUser, sandboxUsers, TEAM } from './cast.js';

/** What the page is answered: an HTTP status and a JSON body. */
export interface PageAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** The app's install as Manage apps shows it. */
export type InstallState = 'installed' | 'tokens_revoked' | 'app_uninstalled';

/** The app's own `GET /healthz` answer, as Manage apps shows it. */
export interface AppHealth {
  status: number;
  body: unknown;
}

/** The page's requests that Slack would not send an uninstalled app. */
const TO_THE_APP = new Set(['/api/command', '/api/action', '/api/submit', '/api/home', '/api/shortcut']);

/** `/invite @Handoff`, `/remove @Handoff` (any case, the app's name or its mention). */
const MEMBERSHIP_COMMAND = /^\/(invite|remove)\s+@?handoff\s*$/i;

const refused = (error: string): PageAnswer => ({ status: 400, body: { error } });

export class SlackSide {
  constructor(
    private readonly slack: FakeSlack,
    /** The app's `/healthz` URL. */
    private readonly healthUrl: string,
  ) {}

  get install(): InstallState {
    return this.slack.tokenLoss ?? 'installed';
  }

  /** Only the workspace admin manages apps (Riley in the sandbox), as in Slack's workspace settings. */
  canManage(user: SandboxUser): boolean {
    return user.id === sandboxUsers.admin.id;
  }

  /**
   * Why the page may not send this request on to the app: it was uninstalled, and Slack sends an uninstalled app
   * nothing. Undefined while it is installed (a revoked token alone does not stop Slack sending it requests).
   */
  refusal(pathname: string): PageAnswer | undefined {
    if (this.install !== 'app_uninstalled' || !TO_THE_APP.has(pathname)) return undefined;
    return {
      status: 409,
      body: {
        error:
          'Handoff is uninstalled: Slack sends it nothing any more (no command, click or event). Restart npm run sandbox to start again.',
      },
    };
  }

  /** The answer to one of this module's requests, or undefined for another path. */
  async route(
    pathname: string,
    user: SandboxUser,
    body: Record<string, unknown>,
  ): Promise<PageAnswer | undefined> {
    switch (pathname) {
      case '/api/app/remove':
        return this.membership(user, String(body.channel ?? ''), 'remove');
      case '/api/app/invite':
        return this.membership(user, String(body.channel ?? ''), 'invite');
      case '/api/app/revoke':
        return this.loseToken(user, 'tokens_revoked');
      case '/api/app/uninstall':
        return this.loseToken(user, 'app_uninstalled');
      case '/api/command': {
        // Slack's own commands about the app's membership, typed in a channel: Slack handles them, not the app.
        const typed = MEMBERSHIP_COMMAND.exec(String(body.text ?? '').trim());
        if (!typed) return undefined;
        const verb = typed[1]?.toLowerCase() === 'invite' ? 'invite' : 'remove';
        return this.membership(user, String(body.channel ?? ''), verb);
      }
      default:
        return undefined;
    }
  }

  /** What Manage apps shows: the install, and (`withHealth`) what the app's `/healthz` answers now. */
  async panel(user: SandboxUser, withHealth: boolean) {
    return {
      install: this.install,
      canManage: this.canManage(user),
      ...(withHealth && this.canManage(user) ? { health: await this.health() } : {}),
    };
  }

  private async health(): Promise<AppHealth> {
    try {
      const response = await fetch(this.healthUrl);
      return { status: response.status, body: await response.json().catch(() => null) };
    } catch (error) {
      return { status: 0, body: String(error) };
    }
  }

  /** Someone of our workspace, in the channel, removes the app from it or invites it (what Slack lets them). */
  private async membership(
    user: SandboxUser,
    channelId: string,
    verb: 'remove' | 'invite',
  ): Promise<PageAnswer> {
    const channel = this.slack.channels().find((c) => c.id === channelId);
    if (!channel) return refused('Pick a channel first: the app is removed from or invited to a channel.');
    if (!channel.members.includes(user.id)) return refused(`You are not in #${channel.name}.`);
    if (user.team_id !== TEAM)
      return refused('Only people of Acme Corp, whose app it is, can remove it from a channel or invite it.');
    if (this.install !== 'installed') {
      return refused(
        this.install === 'app_uninstalled'
          ? 'Handoff is uninstalled: there is no app to invite.'
          : 'Handoff’s bot token was revoked: Slack deactivated its bot user, which cannot be invited.',
      );
    }
    const isIn = channel.members.includes(this.slack.botUserId);
    if (verb === 'remove' && !isIn) return refused(`Handoff is not in #${channel.name}.`);
    if (verb === 'invite' && isIn) return refused(`Handoff is already in #${channel.name}.`);
    const delivery =
      verb === 'remove'
        ? await this.slack.removeApp(channelId, user.id)
        : await this.slack.inviteApp(channelId, user.id);
    const event = delivery.envelope.event.type;
    const done =
      verb === 'remove' ? `removed Handoff from #${channel.name}` : `added Handoff to #${channel.name}`;
    return { status: 200, body: { event, appStatus: delivery.status, message: `You ${done} (${event}).` } };
  }

  /** The admin revokes the bot token, or uninstalls the app. */
  private async loseToken(
    user: SandboxUser,
    loss: 'tokens_revoked' | 'app_uninstalled',
  ): Promise<PageAnswer> {
    if (!this.canManage(user))
      return refused(`Only a workspace admin (${sandboxUsers.admin.real_name}) manages apps.`);
    if (this.install === 'app_uninstalled') return refused('Handoff is already uninstalled.');
    if (loss === 'tokens_revoked' && this.install === 'tokens_revoked')
      return refused('Handoff’s bot token is already revoked.');
    const deliveries =
      loss === 'tokens_revoked' ? [await this.slack.revokeBotToken()] : await this.slack.uninstallApp();
    const events = deliveries.map((d) => d.envelope.event.type);
    const message =
      loss === 'tokens_revoked'
        ? 'Handoff’s bot token is revoked: Slack refuses it (token_revoked) and sent tokens_revoked.'
        : 'Handoff is uninstalled: Slack refuses its token (token_revoked), sent app_uninstalled, and sends it nothing more.';
    return { status: 200, body: { events, message } };
  }
}
