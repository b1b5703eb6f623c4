import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { parsePolicyFile } from '../../../src/domain/policyFile.js';
import { createLogger } from '../../../src/logger.js';
import {
  checkInternalChannels,
  createInternalChannels,
  internalChannelSources,
} from '../../../src/partners/internalChannels.js';
import type { DirectoryChannel } from '../../../src/services/directory.js';

const config = loadConfig({
  SLACK_BOT_TOKEN: 'xoxb-1',
  SLACK_SIGNING_SECRET: 's',
  ESCALATION_CHANNEL_ID: 'C0ESC',
  DIGEST_CHANNEL_ID: 'C0DIGEST',
});

const book = parsePolicyFile(
  'policies.json',
  JSON.stringify({
    policies: {
      meridian: [
        { at: '50%', action: 'remind' },
        { at: 'due', action: 'notify', to: ['manager', 'channel:C0ESC', 'channel:C0SHARED'] },
      ],
      quiet: [{ at: 'due+4h', action: 'notify', to: ['channel:G0HIDDEN'] }],
    },
  }),
  8,
);

function logs() {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n')) if (line.trim()) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, logger: createLogger('info', sink) };
}

const channel = (id: string, isExternallyShared = false): DirectoryChannel => ({
  id,
  name: id.toLowerCase(),
  sharedTeamIds: [],
  isMember: true,
  isArchived: false,
  isExternallyShared,
});

describe('internal channel sources', () => {
  it('are the channel settings that are set, then every channel: target of the policy file with its place and policy', () => {
    expect(internalChannelSources(config, book)).toEqual([
      { name: 'ESCALATION_CHANNEL_ID', channelId: 'C0ESC', kind: 'escalation' },
      { name: 'DIGEST_CHANNEL_ID', channelId: 'C0DIGEST', kind: 'digest' },
      { name: 'policies.meridian[1].to[1]', channelId: 'C0ESC', policy: 'meridian' },
      { name: 'policies.meridian[1].to[2]', channelId: 'C0SHARED', policy: 'meridian' },
      { name: 'policies.quiet[0].to[0]', channelId: 'G0HIDDEN', policy: 'quiet' },
    ]);
    expect(internalChannelSources(config, undefined).map((s) => s.name)).toEqual([
      'ESCALATION_CHANNEL_ID',
      'DIGEST_CHANNEL_ID',
    ]);
  });

  it('are checked at start once a channel, each refusal naming its place; only the confirmed ones are used', async () => {
    const { lines, logger } = logs();
    const looked: string[] = [];
    const known: Record<string, DirectoryChannel> = {
      C0ESC: channel('C0ESC'),
      C0DIGEST: channel('C0DIGEST'),
      C0SHARED: channel('C0SHARED', true),
    };
    const sources = internalChannelSources(config, book);
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
        'policies.meridian[1].to[2] is not confirmed internal; nothing will be posted there',
        'shared externally',
      ],
      [
        'policies.quiet[0].to[0] is not confirmed internal; nothing will be posted there',
        'not visible to the app (invite it, then restart)',
      ],
    ]);

    const internal = createInternalChannels({ configured: sources, checked, logger });
    expect(internal.channelId('escalation')).toBe('C0ESC');
    expect(internal.isConfirmed('C0ESC')).toBe(true);
    expect(internal.isConfirmed('C0SHARED')).toBe(false);
    expect(internal.isConfirmed('G0HIDDEN')).toBe(false);
    // Named by no source: never confirmed, whatever a check says.
    expect(createInternalChannels({ configured: [], checked, logger }).isConfirmed('C0ESC')).toBe(false);
  });

  it('switch off when shared, every place that names the channel reported, and on again when unshared', () => {
    const { lines, logger } = logs();
    const sources = internalChannelSources(config, book);
    const internal = createInternalChannels({
      configured: sources,
      checked: { confirmed: ['C0ESC', 'C0DIGEST'], shared: [] },
      logger,
    });
    const switched = internal.sharingChanged('C0ESC', true);
    expect(switched.kinds).toEqual(['escalation']);
    expect(switched.sources?.map((s) => s.name)).toEqual([
      'ESCALATION_CHANNEL_ID',
      'policies.meridian[1].to[1]',
    ]);
    expect(internal.isConfirmed('C0ESC')).toBe(false);
    expect(internal.channelId('escalation')).toBeUndefined();
    expect(internal.shared().has('C0ESC')).toBe(true);
    expect(lines.at(-1)).toMatchObject({
      level: 50,
      sources: ['ESCALATION_CHANNEL_ID', 'policies.meridian[1].to[1]'],
    });
    // Told twice: switched off once.
    expect(internal.sharingChanged('C0ESC', true)).toEqual({ kinds: [], sources: [] });

    internal.sharingChanged('C0ESC', false);
    expect(internal.isConfirmed('C0ESC')).toBe(true);
    expect(internal.shared().has('C0ESC')).toBe(false);
    // A channel no source names is never turned on.
    internal.sharingChanged('C0ELSEWHERE', false);
    expect(internal.isConfirmed('C0ELSEWHERE')).toBe(false);
  });
});
