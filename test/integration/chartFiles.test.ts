import { createHash } from 'node:crypto';
import { LogLevel, type Logger as SlackLogger, WebAPIPlatformError, WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chartCacheKey, createSlackFiles, type SlackFiles } from '../../src/core/slackFiles.js';
import type { AppDatabase } from '../../src/db/client.js';
import { tablesOf } from '../../src/db/engine.js';
import { firstInstallationOf } from '../../src/db/owned.js';
import { createLogger } from '../../src/logger.js';
import { TestClock } from '../support/clock.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { freshDatabase } from '../support/unitrest-freshDatabase.js';

/**
 * Chart images in Slack (core/slackFiles.ts) against the fake Slack, which refuses an image block naming a file
 * its readers cannot see: a chart is shared into the channel whose message shows it, once per picture and channel.
 */

const silent: SlackLogger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  setLevel: () => {},
  getLevel: () => LogLevel.ERROR,
  setName: () => {},
};

/** Two different valid PNGs (1x1, different colours). */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
const OTHER_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

const opts = (channelId: string) => ({
  channelId,
  filename: 'handoff-trend.png',
  title: 'Co-sell handoffs per week',
  altText: 'Handoffs per week',
  comment: 'The trend chart.',
});

let fake: FakeSlack;
let database: AppDatabase;
let files: SlackFiles;

const web = () =>
  new WebClient(fake.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, logger: silent });
const imageIn = (channel: string, id: string) =>
  web().chat.postMessage({
    channel,
    text: 'the digest',
    blocks: [{ type: 'image', slack_file: { id }, alt_text: 'chart' }],
  });
const rows = async () => await database.db.select().from(tablesOf(database.db).chartFiles);

beforeAll(async () => {
  fake = await FakeSlack.start();
});
afterAll(async () => {
  await fake.stop();
});
beforeEach(() => {
  fake.reset();
  fake.addUser({ id: 'U1', team_id: fake.teamId, name: 'ada' });
  fake.addChannel({ id: 'C1', name: 'digest', members: [fake.botUserId, 'U1'] });
  fake.addChannel({ id: 'C3', name: 'other-digest', members: [fake.botUserId] });
  database = freshDatabase('chart-files-');
  files = createSlackFiles({
    db: firstInstallationOf(database.db),
    client: web(),
    clock: new TestClock(new Date('2026-11-30T09:00:00Z')),
    logger: createLogger('silent'),
    readyDelaysMs: [0, 0, 0, 0],
  });
});
afterEach(() => {
  database.close();
});

describe('chart images shared into the channel that shows them', () => {
  it('shares the chart into the channel (its own message), once for the same picture there, also when two runs ask at once', async () => {
    const [a, b] = await Promise.all([
      files.imageFileId(PNG, opts('C1')),
      files.imageFileId(PNG, opts('C1')),
    ]);
    expect(b).toBe(a);
    const id = a ?? '';
    expect(id).toMatch(/^F[A-Z0-9]{10}$/);
    expect(fake.file(id)).toMatchObject({ channels: ['C1'], processed: true, public: false });
    expect(fake.callsTo('files.completeUploadExternal')[0]?.args.channel_id).toBe('C1');
    expect(fake.messages('C1')).toEqual([
      expect.objectContaining({ text: 'The trend chart.', files: [expect.objectContaining({ id })] }),
    ]);
    // A message there may show it.
    await imageIn('C1', id);

    // The same picture again (the digest rerun after a restart, say): the same file, nothing shared twice.
    expect(await files.imageFileId(PNG, opts('C1'))).toBe(id);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(1);
    expect(await rows()).toEqual([
      expect.objectContaining({ contentHash: chartCacheKey('C1', PNG), fileId: id }),
    ]);
    // Another picture is another file.
    const other = await files.imageFileId(OTHER_PNG, opts('C1'));
    expect(other).not.toBe(id);
    expect(fake.callsTo('files.completeUploadExternal')).toHaveLength(2);
  });

  it('never reuses a chart cached for one channel in another: Slack would refuse it there', async () => {
    const inC1 = (await files.imageFileId(PNG, opts('C1'))) ?? '';
    // The file of C1 in a message of C3: refused as Slack does (the reason the cache is per channel).
    const refused = await imageIn('C3', inC1).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebAPIPlatformError);
    expect((refused as WebAPIPlatformError).data.error).toBe('invalid_blocks');

    const inC3 = (await files.imageFileId(PNG, opts('C3'))) ?? '';
    expect(inC3).not.toBe(inC1);
    expect(fake.file(inC3)?.channels).toEqual(['C3']);
    await imageIn('C3', inC3);
    expect((await rows()).map((r) => r.contentHash).sort()).toEqual([
      chartCacheKey('C1', PNG),
      chartCacheKey('C3', PNG),
    ]);
  });

  it('shares again when the cached chart is gone from Slack, and never reuses an old private upload', async () => {
    // A row of before: the chart uploaded privately (no channel), keyed by its bare content hash.
    await database.db.transaction(
      async (tx) =>
        await tx.insert(tablesOf(tx).chartFiles).values({
          contentHash: createHash('sha256').update(PNG).digest('hex'),
          fileId: 'F0PRIVATE01',
          uploadedAt: new Date('2026-11-01T00:00:00Z'),
        }),
    );
    const first = (await files.imageFileId(PNG, opts('C1'))) ?? '';
    expect(first).not.toBe('F0PRIVATE01');
    expect(fake.file(first)?.channels).toEqual(['C1']);

    // Someone deleted it: files.info no longer finds it.
    fake.fail('files.info', { error: 'file_not_found' }, 1);
    const second = (await files.imageFileId(PNG, opts('C1'))) ?? '';
    expect(second).not.toBe(first);
    expect(fake.file(second)?.channels).toEqual(['C1']);
    expect((await rows()).filter((r) => r.contentHash === chartCacheKey('C1', PNG))).toEqual([
      expect.objectContaining({ fileId: second }),
    ]);
  });

  it('gives no file (the caller shows the numbers with a note) when Slack cannot take the upload', async () => {
    fake.fail('files.completeUploadExternal', { error: 'not_in_channel' }, 1);
    expect(await files.imageFileId(PNG, opts('C1'))).toBeUndefined();
    expect(await rows()).toEqual([]);
    expect(fake.messages('C1')).toEqual([]);
  });
});
