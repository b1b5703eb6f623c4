import type { BlockAction } from '@slack/bolt';

/** The handoff a button refers to (its value); NaN for anything that is not a plain id. */
export function handoffIdFromAction(body: BlockAction): number {
  const action = body.actions[0];
  const value = action && 'value' in action ? action.value : undefined;
  return typeof value === 'string' && /^\d{1,15}$/.test(value) ? Number(value) : Number.NaN;
}
