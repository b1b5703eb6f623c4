import type { FakeChannel, FakeUser } from './fakeSlack.js';

export const TEAM = 'T0INTERNAL';
export const PARTNER_TEAM = 'T0PARTNER';

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
} satisfies Record<string, FakeChannel>;
