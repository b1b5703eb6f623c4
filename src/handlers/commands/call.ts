import type { SlackCommandMiddlewareArgs } from '@slack/bolt';
import type { ModalView } from '@slack/types';
import type { RequestContext } from '../../core/requestContext.js';
import type { Permission } from '../../domain/permissions.js';
import type { HandlerDeps } from '../deps.js';

/** One `/handoff <subcommand> …` as typed by an internal member (checked with Slack before it runs). */
export interface CommandCall {
  deps: HandlerDeps;
  ctx: RequestContext;
  command: SlackCommandMiddlewareArgs['command'];
  /** The words after the subcommand. */
  words: string[];
  /** Answers the person only (on the command's response_url). */
  reply(text: string): Promise<void>;
  /** This subcommand's usage from the table, after `before` (why it was not understood). */
  usage(before?: string): string;
  openModal(view: ModalView): Promise<void>;
  /** `/handoff help` for this person: what they may use. */
  help(): string;
}

/** A line of `/handoff help`; `permission`: shown only to whoever `may` do it, under that role's heading. */
export interface HelpEntry {
  text: string;
  permission?: Permission;
  /** Shown only on a deployment installed by OAuth (a workspace's own CRM: a token deployment's is its settings). */
  oauthOnly?: boolean;
}

/**
 * A row of the subcommand table (subcommands.ts). The help, the dispatcher, the near-miss check (`/handoff lsit`)
 * and the usage errors all read it.
 */
export interface Subcommand {
  name: string;
  aliases?: readonly string[];
  /** Takes a handoff number (`/handoff edit 5`): a near miss followed by a number reads as this subcommand. */
  numbered?: boolean;
  /** What `c.usage()` answers: the form, and a sentence after it. */
  usage?: string;
  usageNote?: string;
  /**
   * Who may use it at all: anyone else is refused before it runs, with the roles that may (commandReply.forbidden).
   * `everyone`: everyone internal; its run decides for a form a permission gates (`follow <#> @person`).
   */
  permission: Permission | 'everyone';
  /** Its lines in `/handoff help`, each shown to whoever holds its permission (none: everyone). */
  help: readonly HelpEntry[];
  /** Does it; a string it returns is the answer, shown to the person only. */
  run(call: CommandCall): Promise<string | undefined> | string | undefined;
}
