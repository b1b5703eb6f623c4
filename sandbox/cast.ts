import type { FakeChannel, FakeUser } from '../test/support/fakeSlack.js';

/** The sandbox's workspace: who can be picked on the page, and the two channels. */

export const TEAM = 'T0SANDBOX';
export const PARTNER_TEAM = 'T0PARTNER';
export const RIVAL_TEAM = 'T0TAILSPIN';

/** The Slack workspaces in the sandbox: ours and two partner organizations on Slack Connect. */
export const sandboxTeams = [
  { id: TEAM, name: 'Acme Corp', domain: 'acme' },
  { id: PARTNER_TEAM, name: 'Meridian Cloud Consulting', domain: 'meridian' },
  { id: RIVAL_TEAM, name: 'Tailspin Integrators', domain: 'tailspin' },
];

export type Role = 'author' | 'ae' | 'otherAe' | 'admin' | 'partner';

export interface SandboxUser extends FakeUser {
  role: Role;
  /** What the page says this person does. */
  title: string;
}

export const sandboxUsers: Record<Role, SandboxUser> = {
  author: {
    role: 'author',
    title: 'Partner marketing: sends handoffs',
    id: 'U0AUTHOR',
    team_id: TEAM,
    name: 'pat',
    real_name: 'Pat Marketer',
    tz: 'America/New_York',
  },
  ae: {
    role: 'ae',
    title: 'Account executive',
    id: 'U0AE',
    team_id: TEAM,
    name: 'jordan',
    real_name: 'Jordan Seller',
    tz: 'America/New_York',
  },
  otherAe: {
    role: 'otherAe',
    title: 'Account executive',
    id: 'U0AE2',
    team_id: TEAM,
    name: 'sam',
    real_name: 'Sam Closer',
    tz: 'Europe/Berlin',
  },
  admin: {
    role: 'admin',
    title: 'RevOps and app admin: metrics, escalations',
    id: 'U0ADMIN',
    team_id: TEAM,
    name: 'riley',
    real_name: 'Riley Ops',
    tz: 'America/New_York',
  },
  partner: {
    role: 'partner',
    title: 'Partner (external, Slack Connect)',
    id: 'U0PARTNER',
    team_id: PARTNER_TEAM,
    name: 'dana',
    real_name: 'Dana Reyes (Meridian)',
    tz: 'America/Chicago',
  },
};

const internalMembers = [sandboxUsers.author, sandboxUsers.ae, sandboxUsers.otherAe, sandboxUsers.admin].map(
  (u) => u.id,
);

export const sandboxChannels = {
  internal: { id: 'C0INTERNAL', name: 'partner-marketing', members: internalMembers },
  partner: {
    id: 'C0PARTNER',
    name: 'ext-meridian',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, PARTNER_TEAM],
    members: [...internalMembers, sandboxUsers.partner.id],
  },
  /** Another partner's channel: a Meridian handoff is refused there, and the reverse. */
  rival: {
    id: 'C0TAILSPIN',
    name: 'ext-tailspin',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, RIVAL_TEAM],
    members: [...internalMembers],
  },
} satisfies Record<string, FakeChannel>;

/** An opportunity of the sandbox's fake Salesforce. */
export interface SandboxOpportunity {
  name: string;
  /** The account it belongs to, by the name and website a packet gives: the review looks opportunities up by them. */
  account: { name: string; website: string };
  stageName: string;
  amount: number;
  /** How long before the sandbox started it was created: its age decides the attribution the review shows. */
  createdDaysAgo: number;
}

/**
 * The opportunities the fake Salesforce starts with: the accounts of the sandbox's example packets (the packet
 * modal's "Northwind Logistics", the browser test's Contoso, Litware and Tailwind), so a person can link a packet to
 * one by pasting its id or Lightning URL in the CRM field.
 */
export const sandboxOpportunities: SandboxOpportunity[] = [
  {
    name: 'Northwind Logistics — expansion',
    account: { name: 'Northwind Logistics', website: 'https://www.northwind.example' },
    stageName: 'Prospecting',
    amount: 125_000,
    createdDaysAgo: 21,
  },
  {
    name: 'Contoso Freight — new business',
    account: { name: 'Contoso Freight', website: 'https://contoso.example' },
    stageName: 'Qualification',
    amount: 48_000,
    createdDaysAgo: 9,
  },
  {
    name: 'Litware Health — platform renewal',
    account: { name: 'Litware Health', website: 'https://www.litware.example' },
    stageName: 'Needs Analysis',
    amount: 210_000,
    createdDaysAgo: 47,
  },
  {
    name: 'Tailwind Traders — data migration',
    account: { name: 'Tailwind Traders', website: 'https://tailwindtraders.example' },
    stageName: 'Proposal/Price Quote',
    amount: 86_500,
    createdDaysAgo: 30,
  },
];
