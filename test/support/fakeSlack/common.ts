/** Shapes and helpers shared by the fake Slack method handlers. */
import type { FakeChannel, FakeFile, FakeUser, StoredMessage } from './types.js';

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
  /** The Enterprise Grid org the workspace belongs to (auth.test `enterprise_id`); none by default. */
  enterpriseId?: string;
  /** State all the fake's installed workspaces share (fakeSlack/tenants.ts); a workspace alone gets its own. */
  shared?: SharedState;
  /**
   * For a workspace of an Enterprise Grid org: the org's name (team.info `enterprise_name`) and a user's
   * `enterprise_user` (users.info), undefined for a user who is not a member of the org.
   */
  org?: {
    name(): string;
    enterpriseUser(user: FakeUser): EnterpriseUser | undefined;
  };
}

/**
 * What users.info says of a member of an Enterprise Grid org (`user.enterprise_user`): the org, and the org's
 * workspaces the person is a member of. `team_id` of the user stays their own workspace.
 */
export interface EnterpriseUser {
  /** The person's id in the org (the same as the user id in the fake). */
  id: string;
  enterprise_id: string;
  enterprise_name: string;
  is_admin: boolean;
  is_owner: boolean;
  teams: string[];
}

/**
 * What the workspaces of one fake Slack share. Messages are kept by conversation id (ids are unique across
 * Slack), so a channel shared by two installed workspaces holds one list of messages, seen from both. Each
 * workspace still only reaches the conversations it knows. Message ts come from one clock, so they stay unique.
 */
export interface SharedState {
  messages: Map<string, StoredMessage[]>;
  ts: { lastMicros: number };
  /** The bot of another installed workspace (its messages carry its bot_id and team), by bot user id. */
  botOf: (userId: string) => { botId: string; teamId: string } | undefined;
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

/** A copy of a channel the test cannot change the fake's state through. */
export const copyChannel = (channel: FakeChannel): FakeChannel => ({
  ...channel,
  members: [...channel.members],
  ...(channel.shared_team_ids ? { shared_team_ids: [...channel.shared_team_ids] } : {}),
});

/** A copy of a user the test cannot change the fake's state through. */
export const copyUser = (user: FakeUser): FakeUser => ({
  ...user,
  ...(user.profile ? { profile: { ...user.profile } } : {}),
});

/** A copy of a file (its bytes, its shares) the test cannot change the fake's state through. */
export const copyFile = (file: FakeFile): FakeFile => ({
  ...file,
  bytes: Buffer.from(file.bytes),
  channels: [...file.channels],
});
