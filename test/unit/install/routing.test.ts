import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foreignRequest, type Installation } from '../../../src/handlers/installation.js';
import { installationFor, type RoutedInstallation, requestSource } from '../../../src/install/routing.js';

/**
 * Which installation a request is for, by who acts and where, as Slack and Bolt read it: a Grid org's workspaces
 * installed one by one, a later org-wide install, a channel two installed workspaces share.
 */

const ALPHA = { teamId: 'T0ALPHA', enterpriseId: 'E0ORG' };
const BETA = { teamId: 'T0BETA', enterpriseId: 'E0ORG' };
const OTHER = { teamId: 'T0OTHER' };
const ORG = { enterpriseId: 'E0ORG', isEnterpriseInstall: true };
const served: (RoutedInstallation & { name: string })[] = [
  { ...ALPHA, name: 'alpha' },
  { ...BETA, name: 'beta' },
  { ...OTHER, name: 'other' },
];
const route = (body: unknown, among = served) => installationFor(requestSource(body), among)?.name;

const command = (team: string, more: Record<string, unknown> = {}) => ({
  command: '/handoff',
  team_id: team,
  enterprise_id: 'E0ORG',
  user_id: 'U0X',
  ...more,
});
const action = (team: string, userTeam: string, more: Record<string, unknown> = {}) => ({
  type: 'block_actions',
  team: { id: team, enterprise_id: 'E0ORG' },
  user: { id: 'U0X', team_id: userTeam },
  enterprise: { id: 'E0ORG' },
  is_enterprise_install: false,
  ...more,
});
const event = (authorization: Record<string, unknown>, envelopeTeam = 'T0ALPHA') => ({
  type: 'event_callback',
  team_id: envelopeTeam,
  event: { type: 'app_home_opened', user: 'U0X' },
  authorizations: [{ enterprise_id: 'E0ORG', is_enterprise_install: false, ...authorization }],
});

describe('installationFor(requestSource(request))', () => {
  it('sends each workspace of one org, installed one by one, its own requests', () => {
    expect(route(command('T0ALPHA'))).toBe('alpha');
    expect(route(command('T0BETA'))).toBe('beta');
    expect(route(action('T0BETA', 'T0BETA'))).toBe('beta');
    expect(route(event({ team_id: 'T0BETA' }, 'T0BETA'))).toBe('beta');
  });

  it('sends a shortcut by a person of the second workspace to theirs, whoever wrote the message', () => {
    const shortcut = action('T0BETA', 'T0BETA', {
      type: 'message_action',
      callback_id: 'handoff_from_message',
      message: { team: 'T0ALPHA', user: 'U0ALPHAAUTHOR', ts: '1.2' },
      channel: { id: 'C0SHARED' },
    });
    expect(route(shortcut)).toBe('beta');
  });

  it("sends a partner's click on the app's message in a Slack Connect channel to the installation whose message it is", () => {
    const partner = (messageTeam: string) =>
      action('T0PARTNER', 'T0PARTNER', {
        enterprise: null,
        team: { id: 'T0PARTNER' },
        message: { team: messageTeam, user: 'U0BOT', ts: '1.2' },
        channel: { id: 'C0SHARED' },
      });
    expect(route(partner('T0ALPHA'))).toBe('alpha');
    expect(route(partner('T0OTHER'))).toBe('other');
    // A message of a workspace no installation serves: nobody's.
    expect(route(partner('T0NOBODY'))).toBeUndefined();
    // Someone of an installed workspace clicking there is their own installation's, whoever wrote the message.
    expect(route(action('T0BETA', 'T0BETA', { message: { team: 'T0ALPHA', ts: '1.2' } }))).toBe('beta');
  });

  it("reads a view's own installation first: the one that opened it", () => {
    const submission = {
      type: 'view_submission',
      team: { id: 'T0BETA' },
      user: { id: 'U0X', team_id: 'T0BETA' },
      view: { id: 'V1', app_installed_team_id: 'T0ALPHA', team_id: 'T0BETA' },
    };
    expect(route(submission)).toBe('alpha');
  });

  it("reads an event's installation from its first authorization, then its envelope", () => {
    expect(route(event({ team_id: 'T0BETA' }))).toBe('beta');
    expect(route({ type: 'event_callback', team_id: 'T0OTHER', event: { type: 'app_mention' } })).toBe(
      'other',
    );
  });

  it('serves through an org-wide install the workspaces that have none of their own, and what Slack marks org-wide', () => {
    const withOrg = [...served, { ...ORG, name: 'org' }];
    // A workspace of the org that never installed the app itself.
    expect(route(command('T0GAMMA'), withOrg)).toBe('org');
    // Slack marks the request as the org-wide install's: it has it, even for a workspace installed on its own before.
    expect(route(command('T0ALPHA', { is_enterprise_install: 'true' }), withOrg)).toBe('org');
    expect(route(event({ team_id: null, is_enterprise_install: true }), withOrg)).toBe('org');
    // Org-wide, Slack leaves the team out of an action: the person's workspace and the org decide.
    expect(route(action('', 'T0GAMMA', { team: null, is_enterprise_install: true }), withOrg)).toBe('org');
    // Without the org-wide install, a workspace of the org that has none is nobody's: never its sister's.
    expect(route(command('T0GAMMA'))).toBeUndefined();
  });

  it('finds nothing for a workspace no installation serves', () => {
    expect(route(command('T0NOBODY', { enterprise_id: undefined }))).toBeUndefined();
    expect(route({})).toBeUndefined();
    expect(route(null)).toBeUndefined();
  });

  it('routes only to an installation whose own check then takes the request (handlers/installation.ts)', () => {
    const id = fc.constantFrom('T0ALPHA', 'T0BETA', 'E0ORG', 'T0GAMMA', 'T0OTHER', '', 7, null);
    const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });
    const body = fc.record(
      {
        type: fc.constantFrom(
          'event_callback',
          'block_actions',
          'view_submission',
          'message_action',
          undefined,
        ),
        command: maybe(fc.constant('/handoff')),
        team_id: id,
        enterprise_id: id,
        is_enterprise_install: fc.constantFrom(true, false, 'true', undefined),
        authorizations: fc.array(
          fc.record({ team_id: id, enterprise_id: id, is_enterprise_install: fc.boolean() }),
          { maxLength: 2 },
        ),
        event: maybe(fc.constant({ type: 'app_home_opened' })),
        team: maybe(fc.record({ id, enterprise_id: id })),
        user: maybe(fc.record({ team_id: id })),
        enterprise: maybe(fc.record({ id })),
        view: maybe(fc.record({ app_installed_team_id: id, team_id: id })),
      },
      { requiredKeys: ['type'] },
    );
    const own = (i: RoutedInstallation): Installation => ({
      workspace: {
        teamId: i.teamId,
        enterpriseId: i.enterpriseId,
        isEnterpriseInstall: i.isEnterpriseInstall,
      },
      internalTeamIds: [i.teamId, i.enterpriseId].filter((x): x is string => typeof x === 'string'),
    });
    const withOrg = [...served, { ...ORG, name: 'org' }];
    fc.assert(
      fc.property(body, (request) => {
        const chosen = installationFor(requestSource(request), withOrg);
        if (chosen) expect(foreignRequest(request, own(chosen))).toBeUndefined();
      }),
      { numRuns: 3000 },
    );
  });
});
