import { commandReply } from '../../blocks/commandReplies.js';
import type { RequestContext } from '../../core/requestContext.js';
import { may, PERMISSIONS, type ProgramRoles } from '../../domain/permissions.js';
import type { Subcommand } from './call.js';
import { crmCommand } from './crm.js';
import { eraseCommand } from './erase.js';
import { followCommand, unfollowCommand } from './follow.js';
import { partnersCommand } from './partners.js';
import { pauseCommand, resumeCommand } from './pause.js';
import { askCommand, coverCommand, editCommand, listCommand, viewCommand } from './personal.js';
import { classifyCommand, exportCommand, outboxCommand, resellerCommand, stepsCommand } from './revops.js';

/**
 * Every `/handoff` subcommand, in the order `/handoff help` lists them (`/handoff <anything else>` opens the packet
 * with that account name). Adding one: a row here and its run function. Its `permission` says who may use it at all
 * (the dispatcher refuses anyone else before it runs); each help line names the permission that decides who is
 * offered it (domain/permissions.ts).
 */
export const SUBCOMMANDS: readonly Subcommand[] = [
  {
    name: 'help',
    permission: 'everyone',
    // First, so an admin's part of the help starts with where the program itself is edited: the App Home's section.
    help: [
      {
        text: '*App Home → The program*: pools (members, weights, caps, managers), escalation policies, partners and their managers, closures and holidays, roles and managers, settings; in force at once, each edit kept in its history.',
        permission: 'program',
      },
    ],
    run: (c) => c.help(),
  },
  {
    name: 'list',
    permission: 'everyone',
    help: [
      {
        text: '*`/handoff list`* (or *`list all`*): the handoffs you sent, own or must answer, with View and Edit; *`/handoff view <#>`* shows one as the AE sees it, with its history; *`/handoff edit <#>`* opens it to edit while the AE has not answered.',
      },
    ],
    run: listCommand,
  },
  // View and edit are told in the line of `list`.
  {
    name: 'view',
    permission: 'everyone',
    aliases: ['status', 'show'],
    numbered: true,
    usage: '/handoff view <#>',
    help: [],
    run: viewCommand,
  },
  {
    name: 'edit',
    permission: 'everyone',
    numbered: true,
    usage: '/handoff edit <#>',
    usageNote: '(the number is in `/handoff list`).',
    help: [],
    run: editCommand,
  },
  {
    name: 'follow',
    permission: 'everyone',
    numbered: true,
    usage: '/handoff follow <#>',
    usageNote:
      '(or `/handoff follow <#> decisions`: decisions only). An admin names someone: `/handoff follow <#> @person`.',
    help: [
      {
        text: "*`/handoff follow <#>`* (or *`follow <#> decisions`*): hear of a handoff's decisions and outcomes in your DMs, as its view's Follow; *`/handoff unfollow <#>`* stops it.",
      },
      {
        text: "*`/handoff follow <#> @person`* (or *`… decisions`*): name someone, such as a manager, to follow a handoff (they are told); *`/handoff unfollow <#> @person`* takes them off. A partner's standing followers are its partner managers (*`/handoff partners managers`*).",
        permission: 'followersFor',
      },
    ],
    run: followCommand,
  },
  // Unfollow is told in the lines of `follow`.
  {
    name: 'unfollow',
    permission: 'everyone',
    numbered: true,
    usage: '/handoff unfollow <#>',
    usageNote: '(an admin: `/handoff unfollow <#> @person`).',
    help: [],
    run: unfollowCommand,
  },
  {
    name: 'reseller',
    permission: 'everyone',
    usage: '/handoff reseller add|remove <account> | <reseller>, or /handoff reseller list [account]',
    help: [
      { text: '*`/handoff reseller list [account]`*: resellers registered on accounts.' },
      {
        text: '*`/handoff reseller add <account> | <reseller>`* and *`reseller remove …`*: maintain the reseller registry.',
        permission: 'resellers',
      },
    ],
    run: resellerCommand,
  },
  {
    name: 'ask',
    permission: 'everyone',
    help: [
      {
        text: '*`/handoff ask [account]`*: AEs ask partner marketing for partner help on an account (also a shortcut).',
      },
    ],
    run: askCommand,
  },
  {
    name: 'cover',
    permission: 'everyone',
    help: [
      {
        text: '*`/handoff cover`*: name who answers for you while you are away (*`/handoff cover off`* ends it).',
      },
    ],
    run: coverCommand,
  },
  {
    name: 'pause',
    permission: 'everyone',
    usage: '/handoff pause until 2026-12-03',
    usageNote:
      '(the last day, in your calendar), or `/handoff pause` alone: until you resume. An admin names someone first: `/handoff pause @person until 2026-12-18`.',
    help: [
      {
        text: "*`/handoff pause`* (or *`pause until 2026-12-03`*): out of your pools' round robin, your pools' managers told; *`/handoff resume`* puts you back. Your working days and public holidays: *Edit my days* in the App Home.",
      },
      {
        text: "*`/handoff pause @person until 2026-12-18`*: take someone out of their pools' round robin (they and their pools' managers are told); *`/handoff resume @person`* puts them back. Name them by @name (someone in a pool), member ID or email.",
        permission: 'pauseOthers',
      },
    ],
    run: pauseCommand,
  },
  // Resume is told in the line of `pause`.
  {
    name: 'resume',
    permission: 'everyone',
    usage: '/handoff resume',
    usageNote: '(an admin: `/handoff resume @person`).',
    help: [],
    run: resumeCommand,
  },
  {
    name: 'classify',
    permission: 'classify',
    usage: '/handoff classify <handoff #> sourced|influenced <why>',
    help: [
      {
        text: '*`/handoff classify <handoff #> sourced|influenced <why>`*: correct a classification (audited).',
        permission: 'classify',
      },
    ],
    run: classifyCommand,
  },
  {
    name: 'export',
    // Its use case checks and logs each refusal, from here and from the App Home's button alike.
    permission: 'everyone',
    // Examples, not notation: `[since YYYY-MM-DD]` read as words to type.
    usage: '/handoff export 2026-01-01 2026-03-31',
    usageNote:
      '(the first and the last day, in your time zone; both optional: no dates is the last 90 days).',
    help: [
      {
        text: '*`/handoff export`*: the touch log as a CSV in your DM, the last 90 days; *`/handoff export 2026-01-01`* from that day, *`/handoff export 2026-01-01 2026-03-31`* that range.',
        permission: 'export',
      },
    ],
    run: exportCommand,
  },
  {
    name: 'partners',
    permission: 'everyone',
    aliases: ['partner'],
    // Its usage is the directory's own (blocks/partnerReplies.ts).
    help: [
      {
        text: '*`/handoff partners`*: the partner directory (rename, alias, merge, domain, partner managers and what they are told).',
        permission: 'partners',
      },
      {
        text: '*`/handoff partners channel …`* and *`partners confirm #channel`*: whose channel it is, and release a held one.',
        permission: 'partnerChannels',
      },
    ],
    run: partnersCommand,
  },
  {
    name: 'outbox',
    // Its own refusal says what an admin sees there (parkedReplies).
    permission: 'everyone',
    usage: '/handoff outbox retry 12',
    usageNote: '(a number from `/handoff outbox`), or `/handoff outbox retry all`.',
    help: [
      {
        text: '*`/handoff outbox`*: messages Slack refused for good; *`/handoff outbox retry 12`* sends number 12 again, *`/handoff outbox retry all`* every one.',
        permission: 'outbox',
      },
    ],
    run: outboxCommand,
  },
  {
    name: 'erase',
    permission: 'erase',
    usage: '/handoff erase <Slack id, @person, email or name>',
    usageNote: '(lists first; `/handoff erase --apply …` erases).',
    help: [
      {
        text: '*`/handoff erase <@person, email or name>`*: where a person appears, to erase them on request; *`/handoff erase --apply …`* erases them.',
        permission: 'erase',
      },
    ],
    run: eraseCommand,
  },
  {
    name: 'steps',
    permission: 'firstSteps',
    usage: '/handoff steps ask',
    usageNote: '(or `/handoff steps` to count them first).',
    help: [
      {
        text: '*`/handoff steps`*: accepted deals with no first step (accepted before the app asked for one); *`/handoff steps ask`* asks each AE to name one.',
        permission: 'firstSteps',
      },
    ],
    run: stepsCommand,
  },
  {
    name: 'crm',
    permission: 'crm',
    usage: '/handoff crm salesforce',
    usageNote:
      '(or `hubspot`) connects your company’s own CRM, `/handoff crm off salesforce` disconnects it, `/handoff crm` shows which serves this workspace.',
    help: [
      {
        text: '*`/handoff crm`*: which CRM serves this workspace; *`/handoff crm salesforce`* or *`hubspot`* connects your company’s own, *`/handoff crm off <crm>`* disconnects it.',
        permission: 'crm',
        oauthOnly: true,
      },
    ],
    run: crmCommand,
  },
];

/** The row for the word typed after `/handoff` (lower-cased), by name or alias. */
export function subcommandFor(word: string): Subcommand | undefined {
  return SUBCOMMANDS.find((s) => s.name === word || (s.aliases ?? []).includes(word));
}

/**
 * `/handoff help` for this person: everyone's lines, and the lines of each permission they hold, under its role; an
 * OAuth-only line (a workspace's own CRM) only on a deployment installed so.
 */
export function helpFor(roles: ProgramRoles, who: string | RequestContext, oauth: boolean): string {
  const lines = SUBCOMMANDS.flatMap((s) => s.help)
    .filter((line) => !line.oauthOnly || oauth)
    .filter((line) => line.permission === undefined || may(roles, who, line.permission))
    .map((line) =>
      line.permission === undefined
        ? { text: line.text }
        : { text: line.text, role: PERMISSIONS[line.permission][0] },
    );
  return commandReply.help(lines, may(roles, who, 'metrics'));
}
