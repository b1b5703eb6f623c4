import type { BlockAction } from '@slack/bolt';

/** The handoff a button refers to (its value); NaN for anything that is not a plain id. */
export function handoffIdFromAction(body: BlockAction): number {
  const action = body.actions[0];
  const value = action && 'value' in action ? action.value : undefined;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}

/** A button that acts at once carries the window it was shown for (`id:cycle`), so a stale one cannot act. */
export function handoffRefFromAction(body: BlockAction): { handoffId: number; cycle?: number } {
  const action = body.actions[0];
  const value = action && 'value' in action ? action.value : undefined;
  const match = typeof value === 'string' ? /^(\d{1,15})(?::(\d{1,9}))?$/.exec(value) : null;
  if (!match) return { handoffId: Number.NaN };
  return { handoffId: Number(match[1]), ...(match[2] ? { cycle: Number(match[2]) } : {}) };
}

/**
 * Accept and Decline carry the packet version they were shown with (`id`, or `id:e<edits>` once edited), so an
 * answer to a version an edit replaced is refused rather than recorded.
 */
export function decisionRefFromAction(body: BlockAction): { handoffId: number; shownEditCount: number } {
  const action = body.actions[0];
  const value = action && 'value' in action ? action.value : undefined;
  const match = typeof value === 'string' ? /^(\d{1,15})(?::e(\d{1,9}))?$/.exec(value) : null;
  if (!match) return { handoffId: Number.NaN, shownEditCount: 0 };
  return { handoffId: Number(match[1]), shownEditCount: Number(match[2] ?? 0) };
}
