/** Shapes and helpers shared by the fake Slack method handlers. */

export type Args = Record<string, unknown>;
export type ApiResult = { ok: true; [key: string]: unknown } | ApiError;
export interface ApiError {
  ok: false;
  error: string;
  response_metadata?: { messages: string[] };
}

export interface WorkspaceConfig {
  teamId: string;
  botUserId: string;
  botId: string;
  appId: string;
  triggerTtlMs: number;
}

/** `{ ok: false, error }`, with `response_metadata.messages` when there are any. */
export const fail = (error: string, messages?: string[]): ApiError =>
  messages && messages.length > 0
    ? { ok: false, error, response_metadata: { messages } }
    : { ok: false, error };

/** A non-empty string argument, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
