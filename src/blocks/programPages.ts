import type { ActionsBlock, Button, KnownBlock, ModalView } from '@slack/types';
import type { PartnerNotify } from '../domain/partnerPart.js';
import { levelSentence, type RawLevel } from '../domain/policyWords.js';
import { ACTION_ID } from './ids.js';
import { escapeMrkdwn, mention, slackDate, usergroupMention } from './mrkdwn.js';
import { context, pt, section } from './parts.js';
import { groupWeights, type PoolSharing, sharingWords, weightedMember } from './poolWeights.js';
import { type SettingsGroupModel, settingsPageBlocks } from './settingsEditor.js';

/**
 * The program in Slack: the App Home's section for those who run it, and the pages it opens (pools,
 * policies, partners, the calendar, roles and managers, the settings, the history), each with an Edit button where the reader may edit.
 */
export const PROGRAM_PAGES = [
  'pools',
  'policies',
  'partners',
  'calendar',
  'roles',
  'settings',
  'history',
] as const;
export type ProgramPage = (typeof PROGRAM_PAGES)[number];

const PAGE_TITLES: Record<ProgramPage, string> = {
  pools: 'Pools',
  policies: 'Escalation policies',
  partners: 'Partners',
  calendar: 'Closures and holidays',
  roles: 'Roles and managers',
  settings: 'Settings',
  history: 'Program history',
};

export interface ProgramPool {
  id: string;
  name: string;
  members: readonly string[] | undefined;
  usergroup?: string;
  cap?: number;
  managers: readonly string[];
  /** Everyone in this user group manages it too. */
  managersGroup?: string;
  /** Members' weights (unset: 1), and how it shares its handoffs. */
  weights?: Readonly<Record<string, number>>;
  sharing?: PoolSharing;
  mayEdit: boolean;
  /** Its round robin, newest first: who got which handoff, whom it passed over and why, and why them (a fair pool). */
  picks?: readonly {
    handoffId: number;
    aeUserId: string;
    at: Date;
    skipped: readonly { user: string; why: string }[];
    why?: string;
  }[];
}

export interface ProgramPolicy {
  id: string;
  name: string;
  levels: readonly RawLevel[];
  /** Which handoffs follow it, in words ("Meridian Cloud's", "those of the EMEA pool's AEs"). */
  appliesTo: readonly string[];
  /** Its version in force, and when and by whom it was saved (the history names every version). */
  version: number;
  edited?: { at: Date; actor: string };
  mayEdit: boolean;
}

/** A partner of the directory: its Slack Connect channels, its partner managers and what they hear. */
export interface ProgramPartner {
  id: number;
  name: string;
  channels: readonly { id: string; held: boolean }[];
  managers: readonly string[];
  /** Everyone in this user group is a partner manager too. */
  usergroup?: string;
  notify: PartnerNotify;
  /** Its contacts, as lines ("Lee Park, VP Alliances"). */
  contacts?: readonly string[];
  mayEdit: boolean;
}

export interface ProgramEditLine {
  at: Date;
  actor: string;
  what: string;
  note?: string | null;
}

export interface ProgramModel {
  pools: readonly ProgramPool[];
  policies: readonly ProgramPolicy[];
  /** The partner directory (absent: not read, as in the App Home's summary). */
  partners?: readonly ProgramPartner[];
  closures: readonly string[];
  holidays: 'by_zone' | 'none' | readonly string[];
  admins: readonly string[];
  revops: readonly string[];
  managers: Readonly<Record<string, string>>;
  history: readonly ProgramEditLine[];
  /** The program's settings, a group each (program/settings.ts), with what the reader may edit. */
  settings: readonly SettingsGroupModel[];
  /** What the reader may open and edit (domain/permissions.ts, and a pool's own managers). */
  may: { pools: boolean; policies: boolean; program: boolean; partners?: boolean };
  timeZone: string;
}

/**
 * The pages a reader may open: a pool's manager sees the pools; a partner's managers the partners; RevOps the
 * policies and the partners; admins everything.
 */
export function pagesFor(m: Pick<ProgramModel, 'may' | 'pools' | 'partners'>): ProgramPage[] {
  return PROGRAM_PAGES.filter((page) => PAGE_READERS[page](m));
}

/** Who opens each page. */
const PAGE_READERS: Record<ProgramPage, (m: Pick<ProgramModel, 'may' | 'pools' | 'partners'>) => boolean> = {
  pools: (m) => m.may.pools || m.pools.some((p) => p.mayEdit),
  policies: (m) => m.may.policies,
  partners: (m) => Boolean(m.may.partners || m.partners?.some((p) => p.mayEdit)),
  calendar: (m) => m.may.program,
  roles: (m) => m.may.program,
  // RevOps edit the packets' and the reporting's settings, and read the others.
  settings: (m) => m.may.program || m.may.policies,
  history: (m) => m.may.policies || m.may.program,
};

const editButton = (value: string, label: string): Button => ({
  type: 'button',
  text: pt('Edit'),
  action_id: ACTION_ID.programEdit,
  value,
  accessibility_label: `Edit ${label}`.slice(0, 75),
});

const newButton = (value: string, text: string): ActionsBlock => ({
  type: 'actions',
  elements: [
    {
      type: 'button',
      text: pt(text),
      action_id: ACTION_ID.programEdit,
      value,
      style: 'primary',
      accessibility_label: text,
    },
  ],
});

/** The App Home's "Program" section: what the program holds, and a button per page the reader may open. */
export function programHomeBlocks(m: ProgramModel): KnownBlock[] {
  const pages = pagesFor(m);
  if (pages.length === 0) return [];
  const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
  return [
    // Its own part of the Home, as "Your days" above it.
    { type: 'divider' },
    section(
      `*The program*: ${[
        count(m.pools.length, 'pool'),
        count(m.policies.length, 'escalation policy', 'escalation policies'),
        count(m.closures.length, 'closure day'),
        count(m.admins.length, 'admin'),
      ].join(' · ')}. Edited here, in force at once; each edit is in the history.`,
    ),
    {
      type: 'actions',
      elements: pages.map((page) => ({
        type: 'button' as const,
        text: pt(PAGE_TITLES[page]),
        // Each its own action id: Slack refuses two alike in one block.
        action_id: `${ACTION_ID.programOpen}:${page}`,
        value: page,
        accessibility_label: `Open the program's page: ${PAGE_TITLES[page]}`,
      })),
    },
  ];
}

/** A pool's round robin as lines: "#12 to @Sam, Nov 25 (passed over @Jordan: away (Vacation))". */
function pickLines(p: ProgramPool, timeZone: string): string {
  const picks = p.picks ?? [];
  if (picks.length === 0)
    return 'Round robin: no handoff given yet. A handoff routed to the account’s CRM owner takes no one’s turn.';
  return `Round robin, newest first:\n${picks
    .map((pick) => {
      const passed = pick.skipped.map((s) => `${mention(s.user)}: ${escapeMrkdwn(s.why)}`).join('; ');
      const why = pick.why ? ` (${escapeMrkdwn(pick.why)})` : '';
      return `• #${pick.handoffId} to ${mention(pick.aeUserId)}${why}, ${slackDate(pick.at, timeZone)}${passed ? ` (passed over ${passed})` : ''}`;
    })
    .join('\n')}`.slice(0, 3000);
}

function poolBlocks(m: ProgramModel): KnownBlock[] {
  const blocks: KnownBlock[] = m.pools.flatMap((p) => {
    const members = p.members
      ? p.members.map((u) => weightedMember(u, p.weights)).join(', ')
      : `the user group *${escapeMrkdwn(p.usergroup ?? '')}*${groupWeights(p.weights)}`;
    const sharing = sharingWords(p.sharing);
    const lines = [
      `*${escapeMrkdwn(p.name)}*`,
      `Members: ${members}`,
      ...(p.cap !== undefined ? [`At most ${p.cap} open handoffs each`] : []),
      ...(sharing ? [sharing] : []),
      ...(p.managers.length > 0 || p.managersGroup
        ? [
            `Managed by ${[...p.managers.map(mention), ...(p.managersGroup ? [usergroupMention(p.managersGroup)] : [])].join(', ')}`,
          ]
        : []),
    ];
    return [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) },
        ...(p.mayEdit ? { accessory: editButton(`pool:${p.id}`, `the ${p.name} pool`) } : {}),
      } as KnownBlock,
      context(pickLines(p, m.timeZone)),
    ];
  });
  if (blocks.length === 0)
    blocks.push(section('No pool yet. A pool takes handoffs in turn, and escalations can reassign to it.'));
  if (m.may.pools) blocks.push(newButton('pool:', 'New pool'));
  return blocks;
}

function policyBlocks(m: ProgramModel): KnownBlock[] {
  const poolName = (id: string) => m.pools.find((p) => p.id === id)?.name ?? id;
  const blocks: KnownBlock[] = [];
  for (const p of m.policies) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: `*${escapeMrkdwn(p.name)}*` },
      ...(p.mayEdit ? { accessory: editButton(`policy:${p.id}`, `the ${p.name} policy`) } : {}),
    } as KnownBlock);
    const lines = p.levels.map((l) => `• ${levelSentence(l, (id) => escapeMrkdwn(poolName(id)))}`);
    blocks.push(
      context(
        [
          ...lines,
          p.appliesTo.length > 0 ? `Followed by ${p.appliesTo.join('; ')}.` : 'Followed by no handoff yet.',
          p.edited
            ? `This version: saved ${slackDate(p.edited.at, m.timeZone)} by ${actorWords(p.edited.actor)}.`
            : '',
        ]
          .join('\n')
          .slice(0, 3000),
      ),
    );
  }
  if (m.policies.length === 0)
    blocks.push(
      section('No policy yet: every handoff follows the default (reminders, then the owner told at expiry).'),
    );
  if (m.may.policies) blocks.push(newButton('policy:', 'New policy'));
  return blocks;
}

/** What a partner's managers hear, in words. */
const NOTIFY_WORDS: Record<PartnerNotify, string> = {
  all: 'decisions and outcomes',
  decisions: 'decisions only',
  off: 'nothing (off)',
};

/** The partners page: each partner, its channels, its managers and what they hear, Edit where the reader may. */
function partnerBlocks(m: ProgramModel): KnownBlock[] {
  const partners = m.partners ?? [];
  // Two blocks each, within a modal's 100 (the rest are listed by `/handoff partners`).
  const shown = partners.slice(0, 45);
  const blocks: KnownBlock[] = shown.flatMap((p) => {
    const channels = p.channels.map((c) => `<#${c.id}>${c.held ? ' (held)' : ''}`).join(', ');
    const named = [...p.managers.map(mention), ...(p.usergroup ? [usergroupMention(p.usergroup)] : [])];
    const lines = [
      `*${escapeMrkdwn(p.name)}*`,
      `Partner managers: ${named.length > 0 ? `${named.join(', ')}, told of ${NOTIFY_WORDS[p.notify]}` : 'none named'}`,
      ...(p.contacts?.length ? [`Contacts: ${p.contacts.map(escapeMrkdwn).join('; ')}`] : []),
    ];
    return [
      {
        type: 'section',
        text: { type: 'mrkdwn', text: lines.join('\n').slice(0, 3000) },
        ...(p.mayEdit ? { accessory: editButton(`partner:${p.id}`, `the partner ${p.name}`) } : {}),
      } as KnownBlock,
      context(
        channels
          ? `Slack Connect: ${channels}`.slice(0, 3000)
          : 'No Slack Connect channel yet: one is added with the first handoff sent there.',
      ),
    ];
  });
  if (partners.length === 0)
    blocks.push(section('No partner yet: a partner joins the directory with its first handoff.'));
  if (partners.length > shown.length)
    blocks.push(context(`And ${partners.length - shown.length} more: see \`/handoff partners\`.`));
  return blocks;
}

function holidayWords(h: ProgramModel['holidays']): string {
  if (h === 'by_zone')
    return "Public holidays: each person's country, from their Slack time zone (or their own).";
  if (h === 'none') return 'Public holidays: none are skipped.';
  return `Public holidays: those of ${h.join(', ')}, for everyone (or a person's own).`;
}

function calendarBlocks(m: ProgramModel): KnownBlock[] {
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Company closure days*\n${m.closures.length > 0 ? m.closures.join(', ') : 'None.'}`.slice(
          0,
          3000,
        ),
      },
      accessory: editButton('calendar:-', 'closures and holidays'),
    },
    context(holidayWords(m.holidays)),
  ];
}

function roleBlocks(m: ProgramModel): KnownBlock[] {
  const people = (ids: readonly string[]) => (ids.length > 0 ? ids.map(mention).join(', ') : 'no one');
  const managers = Object.entries(m.managers);
  return [
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Admins*: ${people(m.admins)}\n*RevOps*: ${people(m.revops)}`.slice(0, 3000),
      },
      accessory: editButton('roles:-', 'the roles'),
    },
    {
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: `*Managers*\n${
          managers.length > 0
            ? managers.map(([ae, mgr]) => `${mention(ae)}: ${mention(mgr)}`).join('\n')
            : 'None named.'
        }`.slice(0, 3000),
      },
      accessory: editButton('managers:-', 'the managers'),
    },
  ];
}

/** Who made an edit: a person, or what read it in (`import`: the settings at a start; `config`: npm run config). */
function actorWords(actor: string): string {
  if (/^[UW][A-Z0-9]+$/.test(actor)) return mention(actor);
  if (actor === 'import') return 'the settings, read in at a start';
  if (actor === 'config') return '`npm run config`';
  return escapeMrkdwn(actor);
}

function historyBlocks(m: ProgramModel): KnownBlock[] {
  if (m.history.length === 0) return [section('Nothing edited yet.')];
  return m.history.map((e) =>
    context(
      `${slackDate(e.at, m.timeZone)} · ${actorWords(e.actor)} · ${e.what}${e.note ? ` (${escapeMrkdwn(e.note)})` : ''}`.slice(
        0,
        3000,
      ),
    ),
  );
}

const PAGE_BLOCKS: Record<ProgramPage, (m: ProgramModel) => KnownBlock[]> = {
  pools: poolBlocks,
  policies: policyBlocks,
  partners: partnerBlocks,
  calendar: calendarBlocks,
  roles: roleBlocks,
  settings: (m) => settingsPageBlocks(m.settings),
  history: historyBlocks,
};

/** One page of the program, as a modal (no submit: each part has its own editor, pushed on it). */
export function programPageModal(page: ProgramPage, m: ProgramModel): ModalView {
  return {
    type: 'modal',
    private_metadata: JSON.stringify({ page }),
    title: pt(PAGE_TITLES[page]),
    close: pt('Close'),
    blocks: PAGE_BLOCKS[page](m).slice(0, 100),
  };
}
