import { createHash } from 'node:crypto';
import type { WebClient } from '@slack/web-api';
import { eq } from 'drizzle-orm';
import type { Clock } from '../clock.js';
import type { Db } from '../db/client.js';
import { chartFiles } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface SlackFilesDeps {
  db: Db;
  client: WebClient;
  clock: Clock;
  logger: Logger;
  /** Waits between `files.info` checks while Slack processes a new image (the tests shorten them). */
  readyDelaysMs?: readonly number[];
}

const DEFAULT_READY_DELAYS_MS = [0, 250, 500, 1000, 2000, 4000];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The file ids in a `filesUploadV2` answer (one completion per upload, each listing its files). */
function uploadedIds(result: unknown): string[] {
  const completions = (result as { files?: { files?: { id?: string }[] }[] }).files ?? [];
  return completions.flatMap((c) => c.files ?? []).flatMap((f) => (f.id ? [f.id] : []));
}

/**
 * Files the app puts in Slack: chart images (uploaded privately, shown through `slack_file` image blocks) and CSV
 * exports (shared into a person's DM). Uploads go through `filesUploadV2` (files.getUploadURLExternal, the upload,
 * files.completeUploadExternal).
 */
export function createSlackFiles(deps: SlackFilesDeps) {
  const { db, client, clock, logger } = deps;
  const delays = deps.readyDelaysMs ?? DEFAULT_READY_DELAYS_MS;

  /** Slack processes an upload after completing it; a block naming the file before that is refused. */
  async function waitUntilReady(fileId: string): Promise<boolean> {
    for (const delay of delays) {
      if (delay > 0) await sleep(delay);
      const info = await client.files.info({ file: fileId });
      if (info.file?.mimetype) return true;
    }
    return false;
  }

  /**
   * A Slack file id for this PNG, ready to show in an image block; the same picture is uploaded once (cached by
   * content hash). Undefined when Slack cannot take it now: the caller shows its numbers without the picture.
   */
  async function imageFileId(png: Buffer, opts: { filename: string; title: string; altText: string }) {
    const contentHash = createHash('sha256').update(png).digest('hex');
    const cached = db.select().from(chartFiles).where(eq(chartFiles.contentHash, contentHash)).get();
    if (cached) return cached.fileId;
    try {
      const result = await client.filesUploadV2({
        file: png,
        filename: opts.filename,
        title: opts.title,
        alt_text: opts.altText,
      });
      const fileId = uploadedIds(result)[0];
      if (!fileId) throw new Error('filesUploadV2 returned no file id');
      if (!(await waitUntilReady(fileId))) {
        logger.warn({ fileId }, 'chart image still processing in Slack; shown without it this time');
        return undefined;
      }
      db.insert(chartFiles)
        .values({ contentHash, fileId, uploadedAt: clock.now() })
        .onConflictDoNothing()
        .run();
      return fileId;
    } catch (error) {
      logger.warn({ err: error }, 'chart image upload failed; shown without it');
      return undefined;
    }
  }

  /** Shares a CSV into the person's DM with the app. Throws when Slack refuses, for the caller to say so. */
  async function sendCsvToUser(
    userId: string,
    csv: string,
    opts: { filename: string; title: string; comment: string },
  ): Promise<string> {
    const opened = await client.conversations.open({ users: userId });
    const channelId = opened.channel?.id;
    if (!channelId) throw new Error('conversations.open returned no channel');
    const result = await client.filesUploadV2({
      channel_id: channelId,
      content: csv,
      filename: opts.filename,
      title: opts.title,
      initial_comment: opts.comment,
    });
    const fileId = uploadedIds(result)[0];
    if (!fileId) throw new Error('filesUploadV2 returned no file id');
    return fileId;
  }

  return { imageFileId, sendCsvToUser };
}

export type SlackFiles = ReturnType<typeof createSlackFiles>;
