import type { Config } from '../config.js';
import type { ChannelAccess } from '../core/channelAccess.js';
import type { HandoffService } from '../core/handoffs.js';
import type { HeldBack } from '../core/heldBack.js';
import type { Replies } from '../core/replies.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Crm } from '../crm/index.js';
import type { OwnCrm } from '../crm/ownCrm.js';
import type { HandoffRow } from '../db/schema.js';
import type { PoolChoice } from '../domain/escalation.js';
import type { PeriodKey } from '../domain/periods.js';
import type { ProgramRoles } from '../domain/permissions.js';
import type { Erasure } from '../erasure/erase.js';
import type { Asks } from '../escalation/asks.js';
import type { StatusEvents } from '../escalation/awayCheck.js';
import type { Covers } from '../escalation/covers.js';
import type { FirstSteps } from '../escalation/firstSteps.js';
import type { OwnerActions } from '../escalation/ownerActions.js';
import type { HomeTab } from '../home/home.js';
import type { Parked } from '../outbox/parked.js';
import type { OutcomeAnswers } from '../outcomes/outcomeAnswers.js';
import type { Outcomes } from '../outcomes/outcomes.js';
import type { OutcomeUndo } from '../outcomes/outcomeUndo.js';
import type { Edits } from '../packets/edits.js';
import type { Followers } from '../packets/followers.js';
import type { PacketService } from '../packets/index.js';
import type { Lookup } from '../packets/lookup.js';
import type { MessageLinks } from '../packets/messageLinks.js';
import type { HelpRequests } from '../partners/helpRequests.js';
import type { PartnerDirectory } from '../partners/partners.js';
import type { ProgramAdmin } from '../program/admin.js';
import type { MyDays } from '../program/myDays.js';
import type { Settings } from '../program/settings.js';
import type { Exports } from '../revops/exports.js';
import type { Revops } from '../revops/revops.js';
import type { ScoreCheckService } from '../revops/scoreCheck.js';
import type { SlackConnection } from '../runtime/health.js';
import type { Startup } from '../startup.js';

/** What Slack adapters may use: use cases and replies, never the database. */
export interface HandlerDeps {
  config: Config;
  /** Who holds the program's roles, as the program says now. */
  roles: ProgramRoles;
  /** The installation's settings in force (program/settings.ts). */
  settings: Settings;
  /** The program's pages and editors in Slack. */
  programAdmin: ProgramAdmin;
  handoffs: HandoffService;
  packets: PacketService;
  revops: Revops;
  /** The score against outcomes and the score's weights. */
  scoreCheck: ScoreCheckService;
  ownerActions: OwnerActions;
  outcomes: Outcomes;
  /** The AE's Confirm and Not right on an outcome the owner or author reported. */
  outcomeAnswers: OutcomeAnswers;
  /** Undo of an outcome step within its undo window, before the partner hears it. */
  outcomeUndo: OutcomeUndo;
  /** Before deciding: the AE's question to the author and its answer, the AE's request for more time. */
  asks: Asks;
  /** After the Accept: the first step's new date. */
  firstSteps: FirstSteps;
  replies: Replies;
  /** How many changes this person's Home has been asked to show (0 if never opened): read before rendering it. */
  homeAsked: (userId: string) => Promise<number>;
  /**
   * A Home was published to this person: it is published again after changes it shows (with this hash), and at once
   * if a change came in after `asked` (it may not show it).
   */
  homeShown: (userId: string, hash: string | null, period?: PeriodKey, asked?: number) => Promise<void>;
  /** The App Home for a user, as of now (RevOps: metrics over `period`, maybe still being computed). */
  home: (userId: string, period?: PeriodKey) => Promise<HomeTab>;
  /**
   * Runs work that outlives the request (an App Home published again when newer figures are ready). The app waits
   * for it at stop; `stopping()` says when to give up early. Nothing starts once the app is stopping.
   */
  background: (task: (stopping: () => boolean) => Promise<void>) => void;
  helpRequests: HelpRequests;
  exports: Exports;
  parked: Parked;
  /** The partner directory, and channels' shared status changing at run time. */
  partners: PartnerDirectory;
  /** What start resolved: the installing workspace and the workspaces whose members are ours (others are external). */
  startup: Startup;
  /** The app joined a channel: release what waited there; returns how many messages. */
  channelJoined: (channelId: string) => Promise<number>;
  /** Slack's events about people's statuses, the install and the app's channels (handlers/events/). */
  slackEvents: {
    /** `user_status_changed`: an AE who went away is seen at once (escalation/awayCheck.ts). */
    statusChanged: StatusEvents['changed'];
    /** `app_uninstalled`, `tokens_revoked` of the bot token: nothing more is sent until a restart with a new token. */
    revoked: SlackConnection['revokeEverywhere'];
    /** `channel_left`, `group_left`: what would go there waits for an invite (core/channelAccess.ts). */
    channelLeft: ChannelAccess['left'];
  };
  /** `/handoff list` and View: what a person sent or owns, and a handoff as its AE sees it. */
  lookup: Lookup;
  /** Follow and Unfollow a handoff from its view. */
  followers: Followers;
  /** Editing a handoff the AE has not answered yet. */
  edits: Edits;
  /** "Add to handoff": a Slack message attached to one of the person's open handoffs. */
  messageLinks: MessageLinks;
  /** The author's answers about a partner next move held back from the partner (core/heldBack.ts). */
  heldBack: HeldBack;
  /** Who answers for an AE while they are away (`/handoff cover`). */
  covers: Covers;
  /** Erasing a person on request (`/handoff erase`, admins; erasure/erase.ts). */
  erasure: Erasure;
  /** Each person's own days: working days, holiday regions, a pause from their pools. */
  myDays: MyDays;
  /** The escalation pools a new packet may go to (round robin) instead of a named AE; none without a policy file. */
  pools: () => PoolChoice[];
  /** The connected CRMs (checks a CRM field with the CRM); absent when none is. */
  crm?: Crm;
  /** The installation's own CRM, connected by its admins (`/handoff crm`); absent on a token deployment. */
  ownCrm?: OwnCrm;
  /** Whether this person may edit this handoff now (an Edit button is shown only then). */
  editable: (ctx: RequestContext, h: HandoffRow) => boolean;
  /** The code Slack gave when it refused the bot token, while it does (the app is disconnected); else undefined. */
  slackRejected: () => string | undefined;
  /** Whether a user's own workspace is one of ours (users.info, cached); `unknown` when Slack cannot say now. */
  memberOf: (
    userId: string,
    internalTeamIds: readonly string[],
  ) => Promise<'internal' | 'external' | 'unknown'>;
}
