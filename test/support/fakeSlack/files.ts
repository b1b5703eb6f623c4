/**
 * Files of the fake Slack server, as `filesUploadV2` of @slack/web-api uses them: files.getUploadURLExternal
 * (a pending file and its upload URL), the upload itself (bytes posted to that URL, see server.ts),
 * files.completeUploadExternal (the sharing part lives in workspace.ts) and files.info, which simulates
 * Slack's asynchronous processing: a file only gets its mimetype after a few files.info calls, and image blocks
 * can only show it from then on.
 *
 * Who can see a file: a file completed without `channel_id` is private to the bot ("If not specified the file will
 * be private", files.completeUploadExternal); one shared into a conversation is visible to its members. Image blocks may only name a file their viewers can see (see `lookupFor`).
 */
import { randomBytes } from 'node:crypto';
import type { SlackFileLookup } from './blockLimits.js';
import { type ApiError, type ApiResult, type Args, fail, str, type WorkspaceConfig } from './common.js';
import type { FakeFile } from './types.js';

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

/** Mimetype and Slack filetype per file name extension; anything else is `application/octet-stream`. */
const TYPES: Record<string, { mimetype: string; filetype: string; image?: true }> = {
  png: { mimetype: 'image/png', filetype: 'png', image: true },
  jpg: { mimetype: 'image/jpeg', filetype: 'jpg', image: true },
  jpeg: { mimetype: 'image/jpeg', filetype: 'jpg', image: true },
  gif: { mimetype: 'image/gif', filetype: 'gif', image: true },
  csv: { mimetype: 'text/csv', filetype: 'csv' },
  txt: { mimetype: 'text/plain', filetype: 'text' },
};
const OTHER_TYPE: { mimetype: string; filetype: string; image?: true } = {
  mimetype: 'application/octet-stream',
  filetype: 'binary',
};

const typeOf = (name: string) => {
  const dot = name.lastIndexOf('.');
  return (dot >= 0 ? TYPES[name.slice(dot + 1).toLowerCase()] : undefined) ?? OTHER_TYPE;
};

const invalidArguments = (message: string, pointer: string): ApiError =>
  fail('invalid_arguments', [`[ERROR] ${message} [json-pointer:${pointer}]`]);

/**
 * Who will see a surface that names a file: the members of a conversation (a message), one person (their Home tab),
 * or someone the fake cannot tell (a modal).
 */
export type FileViewer = { conversation: string } | { userId: string } | { anyone: true };

/** A files.completeUploadExternal entry that can be completed. */
export interface Completion {
  file: FakeFile;
  title: string;
}

export class FileStore {
  readonly files = new Map<string, FakeFile>();
  /** Ids of files deleted with files.delete: Slack answers `file_deleted` for them. */
  readonly deleted = new Set<string>();

  constructor(private readonly config: WorkspaceConfig) {}

  reset(): void {
    this.files.clear();
    this.deleted.clear();
  }

  /**
   * files.delete: the bot deletes a file it uploaded (every file here is the bot's). The file and its bytes are gone;
   * asking again is `file_deleted`, an id never seen `file_not_found`.
   */
  delete(args: Args): ApiResult {
    const id = str(args.file) ?? '';
    if (this.deleted.has(id)) return fail('file_deleted');
    const file = this.files.get(id);
    if (!file?.completed) return fail('file_not_found');
    this.files.delete(id);
    this.deleted.add(id);
    return { ok: true };
  }

  /**
   * Completed files by id or by one of their URLs (url_private, url_private_download, permalink), as the viewers
   * of one surface see them: `canSee` says whether a file shared in these conversations is visible to them.
   */
  lookupFor(canSee: (channels: readonly string[]) => boolean): SlackFileLookup {
    return (ref) => {
      const file =
        'id' in ref
          ? this.files.get(ref.id)
          : [...this.files.values()].find((f) => {
              const urls = this.urls(f);
              return [urls.url_private, urls.url_private_download, urls.permalink].includes(ref.url);
            });
      if (!file?.completed) return undefined;
      return {
        isImage: typeOf(file.name).image === true,
        processed: file.processed,
        visible: canSee(file.channels),
      };
    };
  }

  /** files.getUploadURLExternal: a pending file and the URL to post its bytes to. */
  getUploadURLExternal(args: Args): ApiResult {
    const filename = str(args.filename);
    if (!filename) return invalidArguments('missing required field: filename', '/filename');
    if (args.length === undefined || args.length === null || args.length === '') {
      return invalidArguments('missing required field: length', '/length');
    }
    const length = typeof args.length === 'number' ? args.length : Number(String(args.length).trim());
    if (!Number.isSafeInteger(length) || length < 1) {
      return invalidArguments('must be a positive integer', '/length');
    }
    const id = this.newFileId();
    const type = typeOf(filename);
    this.files.set(id, {
      id,
      name: filename,
      title: filename,
      length,
      ...(str(args.alt_text) ? { alt_text: str(args.alt_text) } : {}),
      ...(str(args.snippet_type) ? { snippet_type: str(args.snippet_type) } : {}),
      bytes: Buffer.alloc(0),
      uploaded: false,
      completed: false,
      channels: [],
      public: false,
      infoCalls: 0,
      processed: false,
      mimetype: type.mimetype,
      filetype: type.filetype,
      createdAt: Date.now(),
    });
    return { ok: true, upload_url: this.config.uploadUrl(id), file_id: id };
  }

  /**
   * Stores bytes posted to a file's upload URL (a new post replaces them). False when there is no pending
   * file with that id: unknown, or already completed (its upload URL is then spent).
   */
  receiveUpload(fileId: string, bytes: Buffer): boolean {
    const file = this.files.get(fileId);
    if (!file || file.completed) return false;
    file.bytes = Buffer.from(bytes);
    file.uploaded = true;
    return true;
  }

  /**
   * Checks the `files` argument of files.completeUploadExternal, changing nothing:
   * - missing, not a JSON array of `{ id, title? }`, or empty: `invalid_arguments`;
   * - an id that is unknown, whose bytes were never posted to its upload URL, or already completed:
   *   `file_not_found` (Slack only knows a file once it is uploaded, and completes it once);
   * - bytes posted whose size differs from the `length` declared to files.getUploadURLExternal: the upload
   *   itself was answered `OK`, as Slack's upload host does, but completion fails with `invalid_arguments`.
   * Each failure names the offending entry in `response_metadata.messages`.
   */
  toComplete(filesArg: unknown): Completion[] | ApiError {
    if (filesArg === undefined || filesArg === null || filesArg === '') {
      return invalidArguments('missing required field: files', '/files');
    }
    if (!Array.isArray(filesArg)) return invalidArguments('must provide a JSON array', '/files');
    if (filesArg.length === 0) return invalidArguments('must provide at least 1 items', '/files');
    const completions: Completion[] = [];
    for (const [i, entry] of filesArg.entries()) {
      const ptr = `/files/${i}`;
      const id = typeof entry === 'object' && entry !== null ? str((entry as Args).id) : undefined;
      if (!id) return invalidArguments('missing required field: id', ptr);
      const file = this.files.get(id);
      if (!file || file.completed || !file.uploaded) {
        const why = !file ? 'unknown file' : file.completed ? 'already completed' : 'no bytes uploaded';
        return fail('file_not_found', [`[ERROR] ${why}: ${id} [json-pointer:${ptr}/id]`]);
      }
      if (file.bytes.length !== file.length) {
        return invalidArguments(
          `uploaded ${file.bytes.length} bytes, but files.getUploadURLExternal declared length ${file.length}`,
          ptr,
        );
      }
      completions.push({ file, title: str((entry as Args).title) ?? file.title });
    }
    return completions;
  }

  /** Completes checked files, shared to `channel` when given (else private to the bot). */
  complete(completions: Completion[], channel?: string): void {
    for (const { file, title } of completions) {
      file.title = title;
      file.completed = true;
      file.processed = this.config.fileProcessingCalls <= 0;
      if (channel && !file.channels.includes(channel)) file.channels.push(channel);
    }
  }

  /**
   * files.info of a completed file. The first `fileProcessingCalls` calls after completion see it still
   * processing (empty `mimetype` and `filetype`); from then on it is processed.
   */
  info(args: Args): ApiResult {
    if (this.deleted.has(str(args.file) ?? '')) return fail('file_deleted');
    const file = this.files.get(str(args.file) ?? '');
    if (!file?.completed) return fail('file_not_found');
    file.infoCalls += 1;
    const processing = file.infoCalls <= this.config.fileProcessingCalls;
    if (file.infoCalls >= this.config.fileProcessingCalls) file.processed = true;
    return {
      ok: true,
      file: this.fileObject(file, processing),
      comments: [],
      response_metadata: { next_cursor: '' },
    };
  }

  /** A file as Slack's files.info returns it. */
  private fileObject(file: FakeFile, processing: boolean): Record<string, unknown> {
    const created = Math.floor(file.createdAt / 1000);
    return {
      id: file.id,
      created,
      timestamp: created,
      name: file.name,
      title: file.title,
      mimetype: processing ? '' : file.mimetype,
      filetype: processing ? '' : file.filetype,
      pretty_type: processing ? '' : file.filetype.toUpperCase(),
      user: this.config.botUserId,
      user_team: this.config.teamId,
      editable: false,
      size: file.bytes.length,
      mode: 'hosted',
      is_external: false,
      external_type: '',
      is_public: false,
      public_url_shared: false,
      display_as_bot: false,
      username: '',
      ...this.urls(file),
      channels: [...file.channels],
      groups: [],
      ims: [],
      comments_count: 0,
      has_rich_preview: false,
    };
  }

  private urls(file: FakeFile) {
    const base = `https://files.slack.com/files-pri/${this.config.teamId}-${file.id}`;
    const name = encodeURIComponent(file.name);
    return {
      url_private: `${base}/${name}`,
      url_private_download: `${base}/download/${name}`,
      permalink: `https://fake-workspace.slack.com/files/${this.config.botUserId}/${file.id}/${name}`,
    };
  }

  /** `F` + 10 uppercase letters or digits, like Slack's file ids. */
  private newFileId(): string {
    let id: string;
    do id = `F${[...randomBytes(10)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;
    while (this.files.has(id));
    return id;
  }
}
