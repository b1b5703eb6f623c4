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
  /** What the page says this person does (the Slack profile's own `title` is their job title). */
  does: string;
  /** Their Slack profile's job title, as users.info gives it (the app reads the partner contact's role from it). */
  title: string;
  /** Their Slack profile's email (users.info, users.lookupByEmail: how the app finds a CRM owner in Slack). */
  email: string;
}

export const sandboxUsers: Record<Role, SandboxUser> = {
  author: {
    role: 'author',
    does: 'Partner marketing: sends handoffs',
    title: 'Partner marketing manager',
    email: 'pat@acme.example',
    id: 'U0AUTHOR',
    team_id: TEAM,
    name: 'pat',
    real_name: 'Pat Marketer',
    tz: 'America/New_York',
  },
  ae: {
    role: 'ae',
    does: 'Account executive',
    title: 'Account executive, East',
    email: 'jordan@acme.example',
    id: 'U0AE',
    team_id: TEAM,
    name: 'jordan',
    real_name: 'Jordan Seller',
    tz: 'America/New_York',
  },
  otherAe: {
    role: 'otherAe',
    does: 'Account executive',
    title: 'Account executive, DACH',
    email: 'sam@acme.example',
    id: 'U0AE2',
    team_id: TEAM,
    name: 'sam',
    real_name: 'Sam Closer',
    tz: 'Europe/Berlin',
  },
  admin: {
    role: 'admin',
    does: 'RevOps and app admin: metrics, escalations',
    title: 'Revenue operations',
    email: 'riley@acme.example',
    id: 'U0ADMIN',
    team_id: TEAM,
    name: 'riley',
    real_name: 'Riley Ops',
    tz: 'America/New_York',
  },
  partner: {
    role: 'partner',
    does: 'Partner (external, Slack Connect)',
    title: 'Alliances lead',
    email: 'dana@meridian.example',
    id: 'U0PARTNER',
    team_id: PARTNER_TEAM,
    name: 'dana',
    real_name: 'Dana Reyes',
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
  /**
   * The account it belongs to, by the name and website a packet gives: the review looks opportunities up by them.
   * `owner`: the account's owner in Salesforce, one of the cast (by their email), whom "Hand off this deal" proposes as
   * the AE; without one, the integration user owns it.
   */
  account: { name: string; website: string; owner?: Role };
  stageName: string;
  amount: number;
  /** How long before the sandbox started it was created: its age decides the attribution the review shows. */
  createdDaysAgo: number;
  /** Its close date, so many days after the sandbox's start (a seller's forecast). */
  closesInDays: number;
  /** Its currency (the sandbox org is multi-currency, USD corporate); default USD. */
  currency?: 'USD' | 'EUR' | 'GBP';
}

/**
 * The opportunities the fake Salesforce starts with: the accounts of the sandbox's example packets (the packet
 * modal's "Northwind Logistics", the browser test's Contoso, Litware and Tailwind), so a person can link a packet to
 * one by pasting its id or Lightning URL in the CRM field.
 */
export const sandboxOpportunities: SandboxOpportunity[] = [
  {
    name: 'Northwind Logistics — expansion',
    account: { name: 'Northwind Logistics', website: 'https://www.northwind.example', owner: 'ae' },
    stageName: 'Prospecting',
    amount: 125_000,
    createdDaysAgo: 21,
    closesInDays: 45,
  },
  {
    name: 'Contoso Freight — new business',
    account: { name: 'Contoso Freight', website: 'https://contoso.example' },
    stageName: 'Qualification',
    amount: 48_000,
    currency: 'EUR',
    createdDaysAgo: 9,
    closesInDays: 60,
  },
  {
    name: 'Litware Health — platform renewal',
    account: { name: 'Litware Health', website: 'https://www.litware.example' },
    stageName: 'Needs Analysis',
    amount: 210_000,
    createdDaysAgo: 47,
    closesInDays: 30,
  },
  {
    name: 'Tailwind Traders — data migration',
    account: { name: 'Tailwind Traders', website: 'https://tailwindtraders.example' },
    stageName: 'Proposal/Price Quote',
    amount: 86_500,
    createdDaysAgo: 30,
    closesInDays: 21,
  },
];

/** A message a person wrote before the sandbox started, seeded in the fake Slack (messageActions.ts seeds them). */
export interface SeededMessage {
  /** Names it for a reply (`replyTo`) and for tests. */
  key: string;
  channel: string;
  user: string;
  /** As typed: the seeding formats it as Slack stores what people type (escapes, links). */
  text: string;
  /** How long before the sandbox started it was written. */
  minutesAgo: number;
  /** The key of the message this one replies to in its thread. */
  replyTo?: string;
}

/**
 * The conversation the sandbox starts with: in #ext-meridian, Dana (the partner's person) brings a deal whose account
 * the fake Salesforce knows by its domain, for "Hand off this deal"; in #partner-marketing, an internal thread about
 * another account. ("Northwind", not "Northwind Logistics": the browser tests find the app's posts about Northwind
 * Logistics in #ext-meridian by that name.)
 */
export const sandboxMessages: SeededMessage[] = [
  {
    key: 'pat-wideworld',
    channel: sandboxChannels.internal.id,
    user: sandboxUsers.author.id,
    text: 'Heads-up: Wide World Importers (wideworldimporters.com) is consolidating its freight forwarders next quarter. Meridian says they can get us in with the CFO. Does anyone know the account?',
    minutesAgo: 180,
  },
  {
    key: 'jordan-wideworld',
    channel: sandboxChannels.internal.id,
    user: sandboxUsers.ae.id,
    text: 'I worked with their procurement team last year. Happy to take it if Meridian sets up the intro.',
    minutesAgo: 160,
    replyTo: 'pat-wideworld',
  },
  {
    key: 'dana-northwind',
    channel: sandboxChannels.partner.id,
    user: sandboxUsers.partner.id,
    text: 'Hi team, Northwind (northwind.example) is moving their EU warehouses to a new WMS by March and asked us for a partner who knows the carrier integrations. Their VP Ops, Mia Chen, wants a call next week.',
    minutesAgo: 45,
  },
];
