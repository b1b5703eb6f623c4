/**
 * The people and channels of the benchmark's workspace: many AEs, authors and partner channels, so the load
 * spreads as a real program's would (Slack paces posts per conversation; one AE with 10,000 DMs would only measure
 * the pacing).
 */
import type { FakeChannel, FakeUser } from '../../test/support/fakeSlack.js';

export const TEAM = 'T0INTERNAL';
export const PARTNER_TEAM = 'T0PARTNER';
export const REVOPS: FakeUser = {
  id: 'U0REVOPS',
  team_id: TEAM,
  name: 'rae',
  real_name: 'Rae Ops',
  tz: 'UTC',
};

export interface Cast {
  aes: FakeUser[];
  authors: FakeUser[];
  partners: { org: string; team: { id: string; name: string }; channel: FakeChannel }[];
  revops: FakeUser;
}

const ZONES = ['America/New_York', 'Europe/Berlin', 'America/Los_Angeles', 'Europe/London', 'Asia/Singapore'];
const pad = (i: number) => String(i).padStart(4, '0');

export function makeCast(size: { aes: number; authors: number; partners: number }): Cast {
  return {
    aes: Array.from({ length: size.aes }, (_, i) => ({
      id: `U1AE${pad(i)}`,
      team_id: TEAM,
      name: `ae${i}`,
      real_name: `Account Exec ${i}`,
      tz: ZONES[i % ZONES.length] as string,
    })),
    authors: Array.from({ length: size.authors }, (_, i) => ({
      id: `U2PM${pad(i)}`,
      team_id: TEAM,
      name: `pm${i}`,
      real_name: `Partner Marketer ${i}`,
      tz: ZONES[(i + 2) % ZONES.length] as string,
    })),
    partners: Array.from({ length: size.partners }, (_, i) => ({
      org: `Partner Firm ${i}`,
      // Each partner its own Slack Connect workspace: one partner, one channel (the partner directory).
      team: { id: `T3PF${pad(i)}`, name: `Partner Firm ${i}` },
      channel: {
        id: `C3EXT${pad(i)}`,
        name: `ext-partner-${i}`,
        is_shared: true,
        is_ext_shared: true,
        shared_team_ids: [TEAM, `T3PF${pad(i)}`],
        members: [],
      },
    })),
    revops: REVOPS,
  };
}
