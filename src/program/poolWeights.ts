import { WEIGHT_MAX } from '../domain/policyFilePools.js';

/**
 * The pool editor's weights (issue 53 item 5): a line per member, their Slack id (or a mention as the editor shows
 * it, `<@U012ABCDEF>`) and a number. Read into the pool's `weights`, or the first line's problem in words.
 */

const said = (text: string) => `${text.charAt(0).toUpperCase()}${text.slice(1)}`;

const LINE = /^<?@?([UW][A-Z0-9]{2,30})(?:\|[^>]*)?>?[\s:=×*]*(\S+)$/;

export type WeightsRead = { ok: true; weights: Record<string, number> } | { ok: false; problem: string };

/** Reads the weights text; `members`: the pool's listed members (undefined: a user group, any id is taken). */
export function readWeights(text: string, members: readonly string[] | undefined): WeightsRead {
  const weights: Record<string, number> = {};
  const lines = text.split('\n').map((l) => l.trim());
  for (const [i, line] of lines.entries()) {
    if (line === '') continue;
    const where = lines.filter((l) => l !== '').length > 1 ? `Line ${i + 1}: ` : '';
    const problem = (text: string) => ({ ok: false as const, problem: said(`${where}${text}`) });
    const m = LINE.exec(line);
    if (!m) return problem("write a member's Slack id and a number, like U012ABCDEF 2.");
    const user = m[1] as string;
    const weight = Number(m[2]);
    if (!Number.isInteger(weight) || weight < 0 || weight > WEIGHT_MAX)
      return problem(`a weight is a whole number from 0 to ${WEIGHT_MAX}.`);
    if (members && !members.includes(user))
      return problem(`${user} is not a member of the pool: add them to Members, or take the line out.`);
    if (user in weights) return problem(`${user} is named twice.`);
    weights[user] = weight;
  }
  return { ok: true, weights };
}

/** The weights a pool keeps: those not 1 (1 is everyone's weight unless said). */
export const keptWeights = (weights: Readonly<Record<string, number>>): Record<string, number> =>
  Object.fromEntries(Object.entries(weights).filter(([, w]) => w !== 1));
