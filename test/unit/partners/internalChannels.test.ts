import { afterEach, beforeEach, expect, it } from 'vitest';
import type { DirectoryChannel } from '../../../src/core/directory.js';
import type { AppDatabase } from '../../../src/db/client.js';
import { firstInstallationOf } from '../../../src/db/owned.js';
import { parsePolicyFile } from '../../../src/domain/policyFile.js';
import {
  checkInternalChannels,
  createInternalChannels,
  internalChannelSources,
} from '../../../src/partners/internalChannels.js';
import { settingsOver, settingsValues } from '../../../src/program/settings.js';
import { TestClock } from '../../support/clock.js';
import { freshDatabase } from '../../support/unitrest-freshDatabase.js';
import { capturedLogger } from '../../support/unitrest-logs.js';

/** The program's settings with two of its internal channels chosen. */
const settings = settingsOver(() =>
  settingsValues({ escalationChannelId: 'C0ESC', digestChannelId: 'C0DIGEST' }),
);

const book = parsePolicyFile(
  'policies.json',
  JSON.stringify({
    policies: {
      // A policy with the name people read: its levels' places are under `levels`.
      meridian: {
        name: 'Meridian partners',
        levels: [
          { at: '50%', action: 'remind' },
          { at: 'due', action: 'notify', to: ['manager', 'channel:C0ESC', 'channel:C0SHARED'] },
        ],
      },
      quiet: [{ at: 'due+4h', action: 'notify', to: ['channel:G0HIDDEN'] }],
    },
  }),
  8,
);

const channel = (id: string, isExternallyShared = false): DirectoryChannel => ({
  id,
  name: id.toLowerCase(),
  sharedTeamIds: [],
  isMember: true,
  isArchived: false,
  isExternallyShared,
});

// A real migrated file: Slack's newest word on each channel is kept there for every process on it.
let database: AppDatabase;
const clock = new TestClock(new Date('2026-11-23T15:00:00Z'));
beforeEach(() => {
  database = freshDatabase('internal-channels-');
});
afterEach(() => {
  database.close();
});
const store = () => ({ db: firstInstallationOf(database.db), clock });

it('internal channel sources: the channel settings that are set, then every channel: target of the policy file with its place and policy; checked at start once a channel, each refusal naming its place; only the confirmed ones used', async () => {
  expect(internalChannelSources(settings, book)).toEqual([
    { name: 'ESCALATION_CHANNEL_ID', channelId: 'C0ESC', kind: 'escalation' },
    { name: 'DIGEST_CHANNEL_ID', channelId: 'C0DIGEST', kind: 'digest' },
    {
      name: 'policies.meridian.levels[1].to[1]',
      channelId: 'C0ESC',
      policy: 'meridian',
      policyName: 'Meridian partners',
    },
    {
      name: 'policies.meridian.levels[1].to[2]',
      channelId: 'C0SHARED',
      policy: 'meridian',
      policyName: 'Meridian partners',
    },
    { name: 'policies.quiet[0].to[0]', channelId: 'G0HIDDEN', policy: 'quiet', policyName: 'Quiet' },
  ]);
  expect(internalChannelSources(settings, undefined).map((s) => s.name)).toEqual([
    'ESCALATION_CHANNEL_ID',
    'DIGEST_CHANNEL_ID',
  ]);
  const { lines, logger } = capturedLogger();
  const looked: string[] = [];
  const known: Record<string, DirectoryChannel> = {
    C0ESC: channel('C0ESC'),
    C0DIGEST: channel('C0DIGEST'),
    C0SHARED: channel('C0SHARED', true),
  };
  const sources = internalChannelSources(settings, book);
  const checked = await checkInternalChannels({
    configured: sources,
    directory: {
      lookupChannel: async (id) => {
        looked.push(id);
        return known[id];
      },
    },
    logger,
  });
  expect(looked).toEqual(['C0ESC', 'C0DIGEST', 'C0SHARED', 'G0HIDDEN']);
  expect(checked).toEqual({ confirmed: ['C0ESC', 'C0DIGEST'], shared: ['C0SHARED'] });
  expect(lines.filter((l) => l.level === 50).map((l) => [l.msg, l.reason])).toEqual([
    [
      'policies.meridian.levels[1].to[2] is not confirmed internal; nothing will be posted there',
      'shared externally',
    ],
    [
      'policies.quiet[0].to[0] is not confirmed internal; nothing will be posted there',
      'not visible to the app (invite it, then restart)',
    ],
  ]);

  const internal = createInternalChannels({ configured: () => sources, checked, logger, ...store() });
  await internal.recordStart();
  expect(internal.channelId('escalation')).toBe('C0ESC');
  expect(await internal.isConfirmed('C0ESC')).toBe(true);
  expect(await internal.isConfirmed('C0SHARED')).toBe(false);
  expect(await internal.isShared('C0SHARED')).toBe(true);
  expect(await internal.isConfirmed('G0HIDDEN')).toBe(false);
  // Named by no source: never confirmed, whatever a check says.
  const unnamed = createInternalChannels({ configured: () => [], checked, logger, ...store() });
  expect(await unnamed.isConfirmed('C0ESC')).toBe(false);
});

it('internal channels switch off when shared, every place that names the channel reported, and on again when unshared', async () => {
  const { lines, logger } = capturedLogger();
  const sources = internalChannelSources(settings, book);
  const internal = createInternalChannels({
    configured: () => sources,
    checked: { confirmed: ['C0ESC', 'C0DIGEST'], shared: [] },
    logger,
    ...store(),
  });
  await internal.recordStart();
  const switched = await internal.sharingChanged('C0ESC', true);
  expect(switched.kinds).toEqual(['escalation']);
  expect(switched.sources?.map((s) => s.name)).toEqual([
    'ESCALATION_CHANNEL_ID',
    'policies.meridian.levels[1].to[1]',
  ]);
  expect(await internal.isConfirmed('C0ESC')).toBe(false);
  expect(internal.channelId('escalation')).toBeUndefined();
  expect(await internal.isShared('C0ESC')).toBe(true);
  expect(lines.at(-1)).toMatchObject({
    level: 50,
    sources: ['ESCALATION_CHANNEL_ID', 'policies.meridian.levels[1].to[1]'],
  });
  // Told twice: switched off once.
  clock.advance(1000);
  expect(await internal.sharingChanged('C0ESC', true)).toEqual({ kinds: [], sources: [] });

  clock.advance(1000);
  await internal.sharingChanged('C0ESC', false);
  expect(await internal.isConfirmed('C0ESC')).toBe(true);
  expect(await internal.isShared('C0ESC')).toBe(false);
  // A channel no source names is never turned on.
  await internal.sharingChanged('C0ELSEWHERE', false);
  expect(await internal.isConfirmed('C0ELSEWHERE')).toBe(false);
});

it('internal channels of two processes on one database: what one hears, the other’s guard knows at once, and the admins are told once', async () => {
  const sources = internalChannelSources(settings, book);
  const replica = (checked: { confirmed: string[]; shared: string[] }) =>
    createInternalChannels({
      configured: () => sources,
      checked,
      logger: capturedLogger().logger,
      ...store(),
    });
  const a = replica({ confirmed: ['C0ESC', 'C0DIGEST'], shared: [] });
  await a.recordStart();
  const b = replica({ confirmed: ['C0ESC', 'C0DIGEST'], shared: [] });
  await b.recordStart();

  clock.advance(60_000);
  expect((await a.sharingChanged('C0ESC', true)).kinds).toEqual(['escalation']);
  // b heard nothing from Slack, yet its delivery guard reads the newest word.
  expect(await b.isShared('C0ESC')).toBe(true);
  expect(await b.isConfirmed('C0ESC')).toBe(false);
  expect(b.channelId('escalation')).toBeUndefined();
  // Slack's retry of the event reaches b: switched off already, so no second notice to the admins.
  clock.advance(1000);
  expect(await b.sharingChanged('C0ESC', true)).toEqual({ kinds: [], sources: [] });

  // A third process started on an older answer (checked before the share) does not undo the newer word.
  const late = replica({ confirmed: ['C0ESC', 'C0DIGEST'], shared: [] });
  clock.advance(-120_000);
  await late.recordStart();
  clock.advance(120_000);
  expect(await late.isConfirmed('C0ESC')).toBe(false);

  // Unshared, as a's re-check hears it: b and the late one use it again.
  clock.advance(60_000);
  await a.sharingChanged('C0ESC', false);
  expect(await b.isConfirmed('C0ESC')).toBe(true);
  expect(await late.isConfirmed('C0ESC')).toBe(true);
  expect(b.channelId('escalation')).toBe('C0ESC');
});
