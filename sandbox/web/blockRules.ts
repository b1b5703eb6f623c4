/**
 * Slack's rules about a block's interactive elements that the renderer checks beside drawing them (render.ts).
 * Pure functions, no DOM: bundled for the page and imported by the unit tests alike.
 */

type Json = Record<string, unknown>;

const isObj = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Action ids used by more than one element of a block. Slack requires each element's action_id to be unique in its
 * block, and refuses the whole message or view otherwise (`invalid_blocks`); the page would not know which of the
 * elements a click came from either. Each repeated id once, in the order of the block's elements.
 */
export function repeatedActionIds(block: Json): string[] {
  const elements = Array.isArray(block.elements) ? block.elements : [];
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const element of elements) {
    if (!isObj(element) || typeof element.action_id !== 'string') continue;
    if (seen.has(element.action_id)) repeated.add(element.action_id);
    seen.add(element.action_id);
  }
  return [...repeated];
}

/** The elements of a block that carry one action id (what the page shows beside the rule it breaks). */
export function elementsWithActionId(block: Json, actionId: string): unknown[] {
  const elements = Array.isArray(block.elements) ? block.elements : [];
  return elements.filter((element) => isObj(element) && element.action_id === actionId);
}
