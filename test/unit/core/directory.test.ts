import { WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DirectoryUnavailableError, slackDirectory } from '../../../src/core/directory.js';
import { TestClock } from '../../support/clock.js';
import { FakeSlack } from '../../support/fakeSlack.js';
import { PARTNER_TEAM, PARTNER_TEAM_NAME, people, teams } from '../../support/people.js';

/** The Slack lookups' short cache, on the business clock, against the recording fake Slack. */
describe('slackDirectory cache', () => {
  let slack: FakeSlack;
  let clock: TestClock;
  /** Every users.info / team.info call, answered ok or not (callsTo counts only ok ones). */
  const asked = (method: string) => slack.calls.filter((c) => c.method === method);
  const directory = () =>
    slackDirectory(
      new WebClient(slack.token, { slackApiUrl: slack.apiUrl, retryConfig: { retries: 0 } }),
      clock,
    );
  beforeEach(async () => {
    slack = await FakeSlack.start();
    slack.addUser(people.ae);
    for (const team of Object.values(teams)) slack.addTeam(team);
    clock = new TestClock(new Date('2026-11-23T14:00:00Z'));
  });
  afterEach(() => slack.stop());

  it('asks users.info once per five minutes per person, unknown people included', async () => {
    const d = directory();
    expect((await d.lookupUser(people.ae.id))?.name).toBe('Jordan Seller');
    expect(await d.lookupUser('U0NOBODY')).toBeUndefined();
    clock.advance(5 * 60_000 - 1);
    await d.lookupUser(people.ae.id);
    await d.lookupUser('U0NOBODY');
    expect(asked('users.info')).toHaveLength(2);
    clock.advance(1);
    await d.lookupUser(people.ae.id);
    expect(asked('users.info')).toHaveLength(3);
  });

  it('keeps no failed lookup: the next one asks Slack again', async () => {
    const d = directory();
    slack.fail('users.info', { status: 500 }, 1);
    await expect(d.lookupUser(people.ae.id)).rejects.toBeInstanceOf(DirectoryUnavailableError);
    expect((await d.lookupUser(people.ae.id))?.name).toBe('Jordan Seller');
    expect(asked('users.info')).toHaveLength(2);
  });

  it('caches workspace names the same way', async () => {
    const d = directory();
    expect(await d.teamName(PARTNER_TEAM)).toBe(PARTNER_TEAM_NAME);
    await d.teamName(PARTNER_TEAM);
    expect(asked('team.info')).toHaveLength(1);
    clock.advance(5 * 60_000);
    await d.teamName(PARTNER_TEAM);
    expect(asked('team.info')).toHaveLength(2);
  });
});

describe('slackDirectory channels', () => {
  /** conversations.info answering `channel` as given: Slack's answer for a Slack Connect channel varies by side. */
  const answering = (channel: Record<string, unknown>) =>
    slackDirectory(
      { conversations: { info: async () => ({ ok: true, channel }) } } as unknown as WebClient,
      new TestClock(new Date('2026-11-23T14:00:00Z')),
    );
  const shared = { id: 'C0PARTNER', name: 'ext-meridian', is_ext_shared: true, is_member: true };

  it('reads the other organization from connected_team_ids when shared_team_ids is not given, each team once when both are', async () => {
    const channel = await answering({
      ...shared,
      context_team_id: 'T0INTERNAL',
      connected_team_ids: [PARTNER_TEAM],
    }).lookupChannel('C0PARTNER');
    expect(channel).toMatchObject({ isExternallyShared: true, sharedTeamIds: [PARTNER_TEAM] });
    const both = await answering({
      ...shared,
      shared_team_ids: ['T0INTERNAL', PARTNER_TEAM],
      connected_team_ids: [PARTNER_TEAM],
    }).lookupChannel('C0PARTNER');
    expect(both?.sharedTeamIds).toEqual(['T0INTERNAL', PARTNER_TEAM]);
  });
});
