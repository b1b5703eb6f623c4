import { accountKey } from '../domain/accountMatch.js';
import type { RawLevel } from '../domain/policyWords.js';
import type { ProgramEdit } from './program.js';
import type { ProgramState } from './state.js';

/**
 * The policy editor's form as read, turned into the program's edits (the policy, and the routes that
 * name it), and the program's problems turned back into the form's inputs. Pure: the view's reading and the
 * blocks are elsewhere (handlers/views/programSubmit.ts, blocks/policyEditor.ts).
 */
export interface PolicyForm {
  id: string;
  isNew: boolean;
  name: string;
  /** The levels kept, each with the row of the form it came from. */
  levels: { row: number; level: RawLevel }[];
  partners: string[];
  pools: string[];
  apply: boolean;
  remove: boolean;
}

/** Where a problem is shown: a row's field, or the form's id or name. */
export type FormPlace =
  | { row: number; field: 'when' | 'action' | 'to' }
  | { field: 'id' | 'name' | 'routes' };

interface RawRoute {
  partner?: string;
  aePool?: string;
  policy: string;
}

/**
 * The routes with this policy's replaced: where its first one was (partners first, then pools), else at the end. A
 * partner (or a pool) chosen here follows this policy only: its route to another policy goes, since the first route
 * that matches a handoff decides and this one would never be reached.
 */
function routesWith(current: readonly RawRoute[], form: PolicyForm): RawRoute[] {
  const mine: RawRoute[] = form.remove
    ? []
    : [
        ...form.partners.map((partner) => ({ partner, policy: form.id })),
        ...form.pools.map((aePool) => ({ aePool, policy: form.id })),
      ];
  // A partner as routing matches it (accountKey: case and punctuation aside).
  const partners = new Set(form.partners.map(accountKey));
  const taken = (r: RawRoute) =>
    (r.partner !== undefined && partners.has(accountKey(r.partner))) ||
    (r.aePool !== undefined && form.pools.includes(r.aePool));
  const kept = (r: RawRoute) => r.policy !== form.id && (form.remove || !taken(r));
  const at = current.findIndex((r) => r.policy === form.id);
  const others = current.filter(kept);
  const index = at < 0 ? others.length : current.slice(0, at).filter(kept).length;
  return [...others.slice(0, index), ...mine, ...others.slice(index)];
}

/** The edits a saved form makes: the policy (or its removal), and the routes when they change. */
export function policyEdits(state: ProgramState, form: PolicyForm, actor: string): ProgramEdit[] {
  const body = form.remove
    ? null
    : { ...(form.name ? { name: form.name } : {}), levels: form.levels.map((l) => l.level) };
  const edits: ProgramEdit[] = [{ actor, kind: 'policy', key: form.id, body }];
  const current = state.bookJson.routes as RawRoute[];
  const routes = routesWith(current, form);
  if (JSON.stringify(routes) !== JSON.stringify(current)) edits.push({ actor, kind: 'routes', body: routes });
  return edits;
}

/** The checks said in the editor's words, before the program's own (whose words are the policy file's). */
export function formChecks(
  form: PolicyForm,
  takenIds: readonly string[],
): { place: FormPlace; message: string }[] {
  const found: { place: FormPlace; message: string }[] = [];
  if (form.isNew && !/^[a-z0-9][a-z0-9_-]{0,39}$/.test(form.id))
    found.push({
      place: { field: 'id' },
      message: 'Lowercase letters, digits, - and _, starting with a letter or digit.',
    });
  else if (form.isNew && takenIds.includes(form.id))
    found.push({ place: { field: 'id' }, message: 'A policy has this id already: choose another.' });
  for (const { row, level } of form.levels) {
    const to = level.to ?? [];
    const afterStep = level.at.startsWith('commitment');
    if (!level.action)
      found.push({ place: { row, field: 'action' }, message: 'Choose what this level does.' });
    else if ((level.action === 'remind' || level.action === 'check_in') && to.some((t) => t !== 'ae'))
      found.push({
        place: { row, field: 'to' },
        message: 'It goes to the AE: leave Whom and the channels empty.',
      });
    else if (level.action === 'notify' && to.length === 0)
      found.push({ place: { row, field: 'to' }, message: 'Choose whom to tell.' });
    else if (level.action === 'reassign' && (to.length !== 1 || to[0]?.startsWith('channel:')))
      found.push({
        place: { row, field: 'to' },
        message: afterStep
          ? 'Taking it back goes to exactly one: the owner or a pool.'
          : 'Reassign to exactly one: a pool or the AE’s cover.',
      });
    else if (level.action === 'check_in' && !afterStep)
      found.push({ place: { row, field: 'when' }, message: "A check-in is on the first step's date." });
  }
  if (!form.remove && form.levels.length === 0)
    found.push({ place: { row: 0, field: 'when' }, message: 'A policy has at least one level.' });
  return found;
}

/**
 * A problem of the program (in the policy file's words, with its place: `policies.x.levels[2].to[0]: …`) put where
 * the form shows it: the level's row (found by its index among the levels kept), or the name.
 */
export function placeOfProblem(problem: string, form: PolicyForm): { place: FormPlace; message: string } {
  const m = /^([^:]+):\s*(.*)$/.exec(problem);
  const where = m?.[1] ?? '';
  const message = m?.[2] ?? problem;
  const said = `${message.charAt(0).toUpperCase()}${message.slice(1)}${/[.!?]$/.test(message) ? '' : '.'}`;
  const level = new RegExp(`^policies\\.${form.id}\\.levels\\[(\\d+)\\](?:\\.(at|to|action))?`).exec(where);
  if (level) {
    const row = form.levels[Number(level[1])]?.row ?? 0;
    const field = level[2] === 'to' ? 'to' : level[2] === 'action' ? 'action' : 'when';
    return { place: { row, field }, message: said };
  }
  if (where.startsWith('routes')) return { place: { field: 'routes' }, message: said };
  return {
    place: { field: 'name' },
    message: where && !where.startsWith(`policies.${form.id}`) ? problem : said,
  };
}
