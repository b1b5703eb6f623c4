import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { COMMAND, SHORTCUT_ID } from '../../src/blocks/ids.js';
import type { HandlerDeps } from '../../src/handlers/deps.js';
import { eventTable } from '../../src/handlers/events/index.js';

const root = join(import.meta.dirname, '..', '..');
// Slack's manifest schemas, copied into the repository (see test/fixtures/slack/README.md).
const schemaDir = join(root, 'test', 'fixtures', 'slack');
const manifest = JSON.parse(readFileSync(join(root, 'manifest.json'), 'utf8'));
const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

describe('manifest.json', () => {
  it.each(['manifest.schema.1.0.0.json', 'manifest.schema.2.0.0.json'])(
    'validates against Slack’s %s',
    (file) => {
      const schema = JSON.parse(readFileSync(join(schemaDir, file), 'utf8'));
      const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
      const validate = ajv.compile(schema);
      const valid = validate(manifest);
      expect(validate.errors ?? []).toEqual([]);
      expect(valid).toBe(true);
    },
  );

  it('declares the slash command the app listens for, on the one Slack endpoint', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command)).toEqual([COMMAND]);
    expect(manifest.features.slash_commands[0].url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toEqual({
      is_enabled: true,
      request_url: expect.stringMatching(/\/slack\/events$/),
    });
  });

  it('subscribes to the App Home event on the same endpoint and enables the Home tab', () => {
    // channel_shared / channel_unshared: a partner channel another organization joins is held; an internal one
    // that becomes shared is switched off. channel_left / group_left: the app was removed from a channel (what would
    // go there waits for an invite). user_status_changed: an AE who goes away is seen at once. app_uninstalled /
    // tokens_revoked: the outbox stops and /healthz says so. team_access_granted / team_access_revoked: an org-wide
    // install's workspaces (no scope).
    expect(manifest.settings.event_subscriptions).toEqual({
      request_url: expect.stringMatching(/\/slack\/events$/),
      bot_events: [
        ...'app_home_opened member_joined_channel channel_shared channel_unshared channel_left group_left'.split(
          ' ',
        ),
        ...'user_status_changed app_uninstalled tokens_revoked team_access_granted team_access_revoked'.split(
          ' ',
        ),
      ],
    });
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
  });

  it('asks for exactly the bot scopes the app uses', () => {
    // commands: /handoff; chat:write: DMs, updates, partner posts; users:read: users.info (timezone, bot,
    // workspace); channels:read + groups:read: conversations.info on the partner channel before sending;
    // im:write: conversations.open for the CSV export's DM; files:write + files:read: chart and CSV uploads and
    // files.info while Slack processes a chart; channels/groups/im:history: after a crash or a timeout, looking for
    // the app's own post (by its metadata) before posting it again.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(
      [
        'channels:history',
        'channels:read',
        'chat:write',
        'commands',
        'files:read',
        'files:write',
        'groups:history',
        'groups:read',
        'im:history',
        'im:write',
        'users:read',
        // team.info: the name of the Slack Connect workspace in a partner channel, matched to the packet's partner.
        'team:read',
        // users.profile.get: whether an AE (or a pool member) is away, by their Slack status.
        'users.profile:read',
        // usergroups.users.list, usergroups.list: a pool's or a role's Slack user group, and the groups to choose from.
        'usergroups:read',
        // users.lookupByEmail: the CRM account owner's Slack account, suggested as the AE.
        'users:read.email',
        // reactions.add: the :memo: on a message added to a handoff ("Add to handoff").
        'reactions:write',
      ].sort(),
    );
  });

  it('offers the partner-help request (global) and "Add to handoff" (message) as shortcuts with the callback ids the app listens for', () => {
    expect(manifest.features.shortcuts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'global', callback_id: SHORTCUT_ID.helpRequest }),
      ]),
    );
    expect(manifest.features.shortcuts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          name: 'Add to handoff',
          type: 'message',
          callback_id: SHORTCUT_ID.addToHandoff,
        }),
      ]),
    );
  });
});

/** The events the app routes (`eventTable`, src/handlers/events/index.ts), in its order. */
function registeredEvents(): string[] {
  // The handlers only keep their dependencies for later: none is used while the table is built.
  return Object.keys(eventTable({} as HandlerDeps));
}

/** The events named (in backticks) in the first column of a doc's table whose first header is `event`. */
function eventsInTable(doc: string): string[] {
  const lines = readFileSync(join(root, doc), 'utf8').split('\n');
  const header = lines.findIndex((line) => /^\|\s*event\s*\|/.test(line));
  if (header < 0) throw new Error(`${doc} has no table of events`);
  const rows: string[] = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith('|')) break;
    const first = line.split('|')[1] ?? '';
    rows.push(...[...first.matchAll(/`([a-z_]+)`/g)].map((m) => m[1] as string));
  }
  return rows;
}

describe('the Slack events the app handles', () => {
  const registered = registeredEvents();

  it('are registered once each, include the ones Slack sends about the app itself, and are exactly the events manifest.json subscribes to', () => {
    expect(new Set(registered).size).toBe(registered.length);
    expect(registered).toEqual(
      expect.arrayContaining(['app_home_opened', 'app_uninstalled', 'tokens_revoked', 'group_left']),
    );
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...registered].sort());
  });

  it.each(['docs/architecture.md', 'docs/configuration.md', 'docs/install.md'])(
    'are exactly the events of the table in %s',
    (doc) => {
      expect(eventsInTable(doc).sort()).toEqual([...registered].sort());
    },
  );
});
