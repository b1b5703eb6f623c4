import type { FakeSlack } from './fakeSlack.js';

/**
 * Every message the app edited (chat.update), with how many times: every message about a handoff is brought up to
 * date after a change, once per change (updates still waiting coalesce into one).
 */
export function editsByMessage(slack: FakeSlack): Map<string, number> {
  const edits = new Map<string, number>();
  for (const call of slack.callsTo('chat.update')) {
    const key = `${String(call.args.channel)}/${String(call.args.ts)}`;
    edits.set(key, (edits.get(key) ?? 0) + 1);
  }
  return edits;
}

/** How many times the message at `ts` in `channel` was edited. */
export const editsOf = (slack: FakeSlack, channel: string, ts: string | undefined): number =>
  editsByMessage(slack).get(`${channel}/${String(ts)}`) ?? 0;
