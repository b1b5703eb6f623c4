import type { FakeChannel, FakeTeam, FakeUser } from './fakeSlack.js';

/** The app's own workspace (the fake Slack's default team id, name and domain). */
export const TEAM = 'T0INTERNAL';
export const TEAM_NAME = 'Acme Corp';
/** The partner organization of `channels.partner`. */
export const PARTNER_TEAM = 'T0PARTNER';
export const PARTNER_TEAM_NAME = 'Meridian Cloud Consulting';
/** A second partner organization (`channels.rival`, `channels.multi`, `rivalPeople`). */
export const RIVAL_TEAM = 'T0RIVAL';
export const RIVAL_TEAM_NAME = 'Tailspin Integrators';

/** The teams the harness's fake Slack knows (team.info). */
export const teams = {
  own: { id: TEAM, name: TEAM_NAME, domain: 'acme' },
  partner: { id: PARTNER_TEAM, name: PARTNER_TEAM_NAME, domain: 'meridian' },
  rival: { id: RIVAL_TEAM, name: RIVAL_TEAM_NAME, domain: 'tailspin' },
} satisfies Record<string, FakeTeam>;

/** The cast of the integration tests. */
export const people = {
  author: { id: 'U0AUTHOR', team_id: TEAM, name: 'pat', real_name: 'Pat Marketer', tz: 'America/New_York' },
  ae: { id: 'U0AE', team_id: TEAM, name: 'jordan', real_name: 'Jordan Seller', tz: 'Europe/Berlin' },
  otherAe: { id: 'U0AE2', team_id: TEAM, name: 'sam', real_name: 'Sam Closer', tz: 'America/Los_Angeles' },
  owner: { id: 'U0OWNER', team_id: TEAM, name: 'olu', real_name: 'Olu Owner', tz: 'Europe/London' },
  member: { id: 'U0MEMBER', team_id: TEAM, name: 'mo', real_name: 'Mo Member', tz: 'Europe/London' },
  bot: { id: 'U0SOMEBOT', team_id: TEAM, name: 'reminderbot', real_name: 'Reminder Bot', is_bot: true },
  gone: { id: 'U0GONE', team_id: TEAM, name: 'gone', real_name: 'Gone Person', deleted: true },
  partner: {
    id: 'U0PARTNER',
    team_id: PARTNER_TEAM,
    name: 'dana',
    real_name: 'Dana Reyes',
    tz: 'America/Chicago',
  },
} satisfies Record<string, FakeUser>;

/**
 * People of the second partner organization. Kept out of `people` so tests that go through every person there are
 * unchanged; the harness adds them to its fake Slack all the same.
 */
export const rivalPeople = {
  rival: { id: 'U0RIVAL', team_id: RIVAL_TEAM, name: 'lee', real_name: 'Lee Park', tz: 'America/Denver' },
} satisfies Record<string, FakeUser>;

export const channels = {
  partner: {
    id: 'C0PARTNER',
    name: 'ext-meridian',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, PARTNER_TEAM],
    members: [],
  },
  internal: { id: 'C0INTERNAL', name: 'partner-marketing', members: [] },
  /** A shared channel nobody invited the app to. */
  notJoined: { id: 'C0NOTJOINED', name: 'ext-elsewhere', is_shared: true, is_ext_shared: true, members: [] },
  /** Shared with the second partner organization only. */
  rival: {
    id: 'C0RIVAL',
    name: 'ext-tailspin',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, RIVAL_TEAM],
    members: [],
  },
  /** Shared with both partner organizations. */
  multi: {
    id: 'C0MULTI',
    name: 'ext-consortium',
    is_shared: true,
    is_ext_shared: true,
    shared_team_ids: [TEAM, PARTNER_TEAM, RIVAL_TEAM],
    members: [],
  },
} satisfies Record<string, FakeChannel>;
