import { WEIGHT_MAX } from '../domain/policyFilePools.js';

/**
 * The pool editor's weights (issue 77 item 12): a row per weighted member, a person picker and a
 * number. Read into the pool's `weights`, or each row's problem on its own input.
 */

/** One row as the editor sent it: the person chosen (null: none) and the number (null: empty). */
export interface WeightRow {
  user: string | null;
  weight: number | null;
}

/** Which input of a row a problem is on: its person, or its number. */
export type WeightInput = `weightUser:${number}` | `weightValue:${number}`;

export type WeightsRead =
  | { ok: true; weights: Record<string, number> }
  | { ok: false; problems: Partial<Record<WeightInput, string>> };

/**
 * Reads the rows; `members`: the pool's listed members (undefined: a user group, anyone chosen is taken; who they are
 * is the editor's people check). A row with no number drops that person's weight (they take 1); a row with neither
 * is nothing. Problems name no one: each is said on the row's own input.
 */
export function readWeights(rows: readonly WeightRow[], members: readonly string[] | undefined): WeightsRead {
  const weights: Record<string, number> = {};
  const problems: Partial<Record<WeightInput, string>> = {};
  for (const [i, row] of rows.entries()) {
    if (row.user === null) {
      if (row.weight !== null) problems[`weightUser:${i}`] = 'Choose the member this weight is for.';
      continue;
    }
    if (members && !members.includes(row.user)) {
      problems[`weightUser:${i}`] = 'Not a member of the pool: add them to Members, or choose another.';
      continue;
    }
    if (row.user in weights || rows.slice(0, i).some((r) => r.user === row.user)) {
      problems[`weightUser:${i}`] = 'Chosen in another row already.';
      continue;
    }
    if (row.weight === null) continue;
    if (!Number.isInteger(row.weight) || row.weight < 0 || row.weight > WEIGHT_MAX) {
      problems[`weightValue:${i}`] = `A weight is a whole number from 0 to ${WEIGHT_MAX}.`;
      continue;
    }
    weights[row.user] = row.weight;
  }
  return Object.keys(problems).length > 0 ? { ok: false, problems } : { ok: true, weights };
}

/** The weights a pool keeps: those not 1 (1 is everyone's weight unless said). */
export const keptWeights = (weights: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(weights).filter(([, w]) => w !== 1));
