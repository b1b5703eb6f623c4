/**
 * users.list and conversations.list of the fake Slack: what one workspace lists, as its bot sees it. A workspace
 * lists only its own members and its own channels (and the channels shared with it); another installed
 * workspace's are never listed. Both page with `limit` and `cursor` like Slack's cursor pagination.
 */
import type { ApiResult, Args } from './common.js';
import { str } from './common.js';
import type { Workspace } from './workspace.js';

/** One page of a list, and the cursor of the next one ('' at the end), as Slack pages. */
function page<T>(items: T[], args: Args): { items: T[]; next: string } {
  const limit = Math.min(Math.max(Number(args.limit ?? 100) || 100, 1), 1000);
  const start = Number(str(args.cursor)?.replace(/^next:/, '') ?? '0') || 0;
  const more = start + limit < items.length;
  return { items: items.slice(start, start + limit), next: more ? `next:${start + limit}` : '' };
}

/**
 * users.list: the workspace's members (the bot included), each as users.info answers it. People of external
 * organizations met in Slack Connect channels are not members, so they are not listed.
 */
export function usersList(ws: Workspace, args: Args): ApiResult {
  const ids = [...ws.users.values()].filter((u) => u.team_id === ws.teamId).map((u) => u.id);
  const { items, next } = page(ids, args);
  return {
    ok: true,
    members: items.map((id) => {
      const info = ws.usersInfo({ user: id });
      return info.ok ? info.user : undefined;
    }),
    cache_ts: Math.floor(Date.now() / 1000),
    response_metadata: { next_cursor: next },
  };
}

/**
 * conversations.list: the workspace's channels as conversations.info answers them. `types` defaults to
 * `public_channel`; a private channel is listed (with `private_channel`) only when the bot is in it.
 */
export function conversationsList(ws: Workspace, args: Args): ApiResult {
  const types = (str(args.types) ?? 'public_channel').split(',').map((t) => t.trim());
  const channels = [...ws.channels.values()].filter((c) =>
    c.is_private
      ? types.includes('private_channel') && c.members.includes(ws.botUserId)
      : types.includes('public_channel'),
  );
  const { items, next } = page(channels, args);
  return {
    ok: true,
    channels: items.map((c) => {
      const info = ws.conversationsInfo({ channel: c.id });
      return info.ok ? info.channel : undefined;
    }),
    response_metadata: { next_cursor: next },
  };
}
