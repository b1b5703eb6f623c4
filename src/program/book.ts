import type { ProgramLogRow } from '../db/repositories/program.js';
import type { Policy } from '../domain/escalation.js';
import { type PolicyBook, PolicyFileError, parsePolicyFile } from '../domain/policyFile.js';

/**
 * The escalation parts of the program (pools, policies, routes, limits) as the policy file's JSON, and read with the
 * file's own rules: an edit in Slack, an import and the file at start are checked by one parser (domain/policyFile.ts),
 * and its problems keep the file's places (`policies.strategic.levels[2].to[0]`), which the editors map to their
 * inputs.
 */
export interface BookJson {
  pools: Record<string, unknown>;
  policies: Record<string, unknown>;
  routes: unknown[];
  limits?: unknown;
}

/** The program's name in the problems a parse names ("The escalation policy file the program has …"). */
export const PROGRAM_SOURCE = 'the program';

/** The book parts of the current entries, as the file's JSON (a part whose newest entry removed it is left out). */
export function bookJsonOf(rows: readonly Pick<ProgramLogRow, 'kind' | 'key' | 'body'>[]): BookJson {
  const json: BookJson = { pools: {}, policies: {}, routes: [] };
  for (const row of rows) {
    if (row.body === null || row.body === undefined) continue;
    if (row.kind === 'pool') json.pools[row.key] = row.body;
    else if (row.kind === 'policy') json.policies[row.key] = row.body;
    else if (row.kind === 'routes') json.routes = row.body as unknown[];
    else if (row.kind === 'limits') json.limits = row.body;
  }
  return json;
}

/** Whether the program names any pool, policy, route or limit (none: the default policy alone, as without a file). */
export const hasBook = (json: BookJson) =>
  Object.keys(json.pools).length > 0 ||
  Object.keys(json.policies).length > 0 ||
  json.routes.length > 0 ||
  json.limits !== undefined;

/** The problems of a book (empty: it reads), each with the file's place of it. */
export function bookProblems(json: BookJson, dayHours: number): string[] {
  try {
    parseBook(json, dayHours);
    return [];
  } catch (error) {
    if (error instanceof PolicyFileError) return error.problems;
    throw error;
  }
}

/** Reads a book (throws PolicyFileError); undefined when it names nothing. */
export function parseBook(json: BookJson, dayHours: number): PolicyBook | undefined {
  if (!hasBook(json)) return undefined;
  const { limits, ...rest } = json;
  return parsePolicyFile(PROGRAM_SOURCE, JSON.stringify(limits === undefined ? rest : json), dayHours, {
    policiesOptional: true,
  });
}

/** A user id no one has: the stand-in member of a pool a pinned version names but the program no longer has. */
const GONE = 'U0POOLGONE';

/**
 * A policy as one of its versions said it (a handoff's pinned version), read against today's pools: a pool that
 * version names but which was removed since stands in with no member the app can reach (it has none left: its moves
 * find no one, as an empty pool's do).
 */
export function parsePinnedPolicy(
  name: string,
  body: unknown,
  pools: Record<string, unknown>,
  dayHours: number,
): Policy | undefined {
  const named = JSON.stringify(body).match(/pool:[a-z0-9][a-z0-9_-]*/g) ?? [];
  const withGone = { ...pools };
  for (const ref of named) {
    const pool = ref.slice('pool:'.length);
    if (!withGone[pool]) withGone[pool] = { users: [GONE] };
  }
  try {
    return parsePolicyFile(
      PROGRAM_SOURCE,
      JSON.stringify({ pools: withGone, policies: { [name]: body } }),
      dayHours,
    ).policies[name];
  } catch {
    return undefined;
  }
}
