import { holdsUnstorable, withoutUnstorable } from '../db/unstorable.js';

/**
 * Characters Postgres cannot store (db/unstorable.ts: NUL, issue 50 item 26; a lone UTF-16 surrogate, issue 77 item
 * 20) are removed from every request at the edge, before any listener reads it. Postgres refused them (a person was
 * told "something went wrong on our side"), SQLite stored them, and a file holding one could not be moved to
 * Postgres. No one types either on purpose, and Slack shows neither: what a person typed around it is kept, and a
 * whole character outside the BMP (a surrogate pair, 😀) is kept. Every string of a modal submission, a slash
 * command's text, an action's value, an event's text: the body is changed in place, so Bolt's `command`, `view`,
 * `action` and `event` (parts of it) are too.
 * Identifiers are not text: an id holding one (`U0AE\u0000`) is kept as sent, so it names no one of ours and is
 * refused as before; removing the NUL would have made it the AE's own id (a near miss let through as the AE).
 */

/** Keys whose strings are Slack identifiers (ids, and an event's `user`, `team`, `channel`, `enterprise`). */
const ID_KEYS = new Set(['id', 'user', 'team', 'channel', 'enterprise']);
const isIdKey = (key: string | number) =>
  typeof key === 'string' && (ID_KEYS.has(key) || key.endsWith('_id'));

/** Removes NUL and lone surrogates from every string in `value`, in place; returns how many strings held one. */
export function stripUnstorable(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let changed = 0;
  const entries: [string | number, unknown][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  for (const [key, item] of entries) {
    if (typeof item === 'string') {
      if (!holdsUnstorable(item) || isIdKey(key)) continue;
      (value as Record<string | number, unknown>)[key] = withoutUnstorable(item);
      changed += 1;
    } else changed += stripUnstorable(item);
  }
  return changed;
}
