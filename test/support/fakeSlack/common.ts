/** Shapes and helpers shared by the fake Slack method handlers. */

export type Args = Record<string, unknown>;
export type ApiResult = { ok: true; [key: string]: unknown } | ApiError;
export interface ApiError {
  ok: false;
  error: string;
  /** Block problems without the `[ERROR] ` prefix, as Slack lists them for `invalid_blocks`. */
  errors?: string[];
  response_metadata?: { messages: string[] };
}

export interface WorkspaceConfig {
  teamId: string;
  /** Name and domain of the own team, until `addTeam` replaces it. */
  teamName: string;
  teamDomain: string;
  botUserId: string;
  botId: string;
  appId: string;
  triggerTtlMs: number;
  /** files.info calls after completion that still see a file processing. */
  fileProcessingCalls: number;
  /** The upload URL of a pending file (on the fake server's origin). */
  uploadUrl: (fileId: string) => string;
  /** The fake's clock (epoch ms) for workspace state that changes with time (message ts, user groups' dates). */
  now: () => number;
  /** The clock statuses expire on (FakeSlack.statusClock, else `now`). */
  statusNow: () => number;
}

/** `{ ok: false, error }`, with `response_metadata.messages` when there are any. */
export const fail = (error: string, messages?: string[]): ApiError =>
  messages && messages.length > 0
    ? { ok: false, error, response_metadata: { messages } }
    : { ok: false, error };

/**
 * A Block Kit validation failure as the message methods answer it. For `invalid_blocks` Slack also lists the
 * problems in `errors`, e.g. `errors: ['invalid slack file [json-pointer:/blocks/0/slack_file]']`.
 */
export const blocksFail = (invalid: { error: string; messages: string[] }): ApiError => {
  const failure = fail(invalid.error, invalid.messages);
  if (invalid.error !== 'invalid_blocks' || invalid.messages.length === 0) return failure;
  return { ...failure, errors: invalid.messages.map((m) => m.replace(/^\[ERROR\] /, '')) };
};

/** A non-empty string argument, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
