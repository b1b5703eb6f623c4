import { z } from 'zod';
import {
  type Level,
  POLICY_LIMITS,
  type Policy,
  type PolicyLimit,
  type PolicyLimits,
  readablePolicyName,
} from './escalation.js';
import type { AfterAccept } from './firstStep.js';
import { jsonErrorWhere } from './jsonWhere.js';
import {
  isCommitmentLevel,
  issues,
  ladderProblems,
  NAME,
  parseCommitmentLevel,
  parseLevel,
} from './policyFileLevels.js';
import { displayNameSchema, type Pool, parsePools } from './policyFilePools.js';

/**
 * The escalation policy file (ESCALATION_POLICY_FILE): pools of AEs, named policies, and which policy applies to a
 * handoff (by partner, or by the AE's pool). Read once at start; every problem is reported with where it is.
 *
 *   {
 *     "pools": { "enterprise-backup": { "name": "Enterprise backup AEs", "users": ["U0AE2", "U0AE3"] }, "emea": { "usergroup": "S0EMEA" } },
 *     "policies": {
 *       "strategic": {
 *         "name": "Strategic accounts",
 *         "levels": [
 *           { "at": "50%", "action": "remind" },
 *           { "at": "due", "action": "notify", "to": ["manager", "channel:C0ESCALATE"] },
 *           { "at": "due+4h", "action": "reassign", "to": ["pool:enterprise-backup"], "repeat": { "every": "8h", "times": 1 } }
 *         ]
 *       },
 *       "quiet": [{ "at": "due", "action": "notify", "to": ["owner"] }]
 *     },
 *     "routes": [{ "partner": "Meridian Cloud Consulting", "policy": "strategic" }, { "aePool": "emea", "policy": "strategic" }],
 *     "limits": { "reassignments": 2 }
 *   }
 */
export type { Pool, PoolFairness } from './policyFilePools.js';
export { POLICY_NAME_MAX } from './policyFilePools.js';

export interface Route {
  /** The partner's name as in the partner directory (case and spacing do not matter). */
  partner?: string;
  /** The AE is a member of this pool. */
  aePool?: string;
  policy: string;
}

export interface PolicyBook {
  pools: Record<string, Pool>;
  policies: Record<string, Policy>;
  routes: Route[];
  /** The limits the file names (the others keep their defaults, see POLICY_LIMITS). */
  limits?: Partial<PolicyLimits>;
}

/**
 * A policy written as an object: its levels, and the `name` people read (displayNameSchema). A policy may also be
 * written as the list of its levels alone.
 */
const namedPolicySchema = z.strictObject(
  {
    name: displayNameSchema('policy'),
    levels: z.array(z.unknown(), { error: 'must be a list of at least one level' }),
  },
  {
    error: (issue) =>
      issue.code === 'invalid_type'
        ? 'a policy is a list of levels, or { "name": "…", "levels": [...] }'
        : undefined,
  },
);

const routeSchema = z.strictObject({
  partner: z.string().min(1).optional(),
  aePool: z.string().optional(),
  policy: z.string(),
});

/** The `limits` object: each limit of POLICY_LIMITS, a whole number in its range, or left out for its default. */
const limitsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(POLICY_LIMITS).map(([name, limit]) => [
      name,
      z.number().int().min(limit.min).max(limit.max).optional(),
    ]),
  ) as Record<PolicyLimit, z.ZodOptional<z.ZodNumber>>,
);

const TOP_KEYS = new Set(['pools', 'policies', 'routes', 'limits']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isEmptyRecord = (value: unknown) => isRecord(value) && Object.keys(value).length === 0;

export class PolicyFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: string[],
  ) {
    super(
      `The escalation policy file ${file} has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'PolicyFileError';
  }
}

/**
 * Why the text is not JSON, by where, never by what: JSON.parse quotes the text's first characters, and a path set to
 * the wrong file (the .env, a key) would print its secrets in the start's message and the doctor's report.
 */
function jsonProblem(text: string): string {
  const where = jsonErrorWhere(text);
  if (!where) return 'it is not valid JSON (check that it is the policy file)';
  if (where.atEnd) return 'it is not valid JSON: it ends before the JSON does';
  return `it is not valid JSON: line ${where.line}, column ${where.column} (check that it is the policy file)`;
}

/**
 * Parses and checks a policy file's text. `dayHours`: the length of a business day (for "2d"). Throws
 * PolicyFileError naming every problem with its place (`policies.strategic[2].to[0]`).
 */
export function parsePolicyFile(
  file: string,
  text: string,
  dayHours: number,
  opts: { policiesOptional?: boolean } = {},
): PolicyBook {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new PolicyFileError(file, [jsonProblem(text)]);
  }
  const problems: string[] = [];
  if (!isRecord(json)) throw new PolicyFileError(file, ['the file must be a JSON object with "policies"']);
  // Every part that can be read is checked, so one run names every problem.
  const pools = parsePools(json.pools ?? {}, problems);
  // The program as data may have pools before its first policy (program/book.ts); a file names at least one.
  const policies =
    opts.policiesOptional && (json.policies === undefined || isEmptyRecord(json.policies))
      ? {}
      : parsePolicies(json.policies, pools, dayHours, problems);
  const routes = parseRoutes(json.routes ?? [], pools, policies, problems);
  let limits: Partial<PolicyLimits> | undefined;
  if (json.limits !== undefined) {
    const parsedLimits = limitsSchema.safeParse(json.limits);
    if (!parsedLimits.success) problems.push(...issues('limits', parsedLimits.error));
    else limits = parsedLimits.data as Partial<PolicyLimits>;
  }
  for (const key of Object.keys(json)) {
    if (!TOP_KEYS.has(key))
      problems.push(`${key}: not a setting of the file (pools, policies, routes, limits)`);
  }
  if (problems.length > 0) throw new PolicyFileError(file, problems);
  return { pools, policies, routes, ...(limits ? { limits } : {}) };
}

function parsePolicies(
  rawPolicies: unknown,
  pools: Record<string, Pool>,
  dayHours: number,
  problems: string[],
): Record<string, Policy> {
  const policies: Record<string, Policy> = {};
  if (!isRecord(rawPolicies) || Object.keys(rawPolicies).length === 0) {
    problems.push('policies: must name at least one policy, each a list of levels');
    return policies;
  }
  for (const [name, rawPolicy] of Object.entries(rawPolicies)) {
    const where = `policies.${name}`;
    if (!NAME.test(name))
      problems.push(
        `${where}: a policy id is lowercase letters, digits, - and _ (the words people read go in its "name")`,
      );
    const listed = Array.isArray(rawPolicy);
    const parsedPolicy = listed ? undefined : namedPolicySchema.safeParse(rawPolicy);
    if (parsedPolicy && !parsedPolicy.success) {
      problems.push(...issues(where, parsedPolicy.error));
      continue;
    }
    const rawLevels: unknown[] = listed ? rawPolicy : (parsedPolicy?.data?.levels ?? []);
    // The levels' places: `policies.x[2]` in a list, `policies.x.levels[2]` in an object.
    const levelsAt = listed ? where : `${where}.levels`;
    if (rawLevels.length === 0) {
      problems.push(`${levelsAt}: must be a list of at least one level`);
      continue;
    }
    const levels: Level[] = [];
    const ladder: AfterAccept = {};
    rawLevels.forEach((rawLevel, i) => {
      // A level counted from the AE's first step: the checks after the Accept.
      if (isCommitmentLevel(rawLevel)) {
        parseCommitmentLevel(`${levelsAt}[${i}]`, rawLevel, (pool) => Boolean(pools[pool]), ladder, problems);
        return;
      }
      const level = parseLevel(
        `${levelsAt}[${i}]`,
        rawLevel,
        (pool) => Boolean(pools[pool]),
        dayHours,
        problems,
      );
      // A pool target carries the pool's name as people read it, for the messages of its moves.
      if (level)
        levels.push({
          ...level,
          to: level.to.map((t) =>
            t.kind === 'pool'
              ? { ...t, displayName: pools[t.name]?.displayName ?? readablePolicyName(t.name) }
              : t,
          ),
        } as Level);
    });
    const displayName = parsedPolicy?.data?.name ?? readablePolicyName(name);
    problems.push(...ladderProblems(levelsAt, ladder));
    // Levels after the accept alone would leave the response window silent: no reminder, nothing at the due time.
    if (levels.length === 0 && Object.keys(ladder).length > 0 && rawLevels.every(isCommitmentLevel))
      problems.push(
        `${levelsAt}: name the response window's levels too (like { "at": "50%", "action": "remind" }), not only those after the accept`,
      );
    const take = ladder.take_back?.to;
    if (take?.kind === 'pool')
      take.displayName = pools[take.name]?.displayName ?? readablePolicyName(take.name);
    const afterAccept = Object.keys(ladder).length > 0 ? { afterAccept: ladder } : {};
    policies[name] = { name, displayName, levels, ...(listed ? {} : { levelsAt }), ...afterAccept };
  }
  return policies;
}

function parseRoutes(
  rawRoutes: unknown,
  pools: Record<string, Pool>,
  policies: Record<string, Policy>,
  problems: string[],
): Route[] {
  const routes: Route[] = [];
  if (!Array.isArray(rawRoutes)) {
    problems.push('routes: must be a list');
    return routes;
  }
  rawRoutes.forEach((rawRoute, i) => {
    const here = `routes[${i}]`;
    const parsedRoute = routeSchema.safeParse(rawRoute);
    if (!parsedRoute.success) {
      problems.push(...issues(here, parsedRoute.error));
      return;
    }
    const route = parsedRoute.data;
    if ((route.partner === undefined) === (route.aePool === undefined))
      problems.push(`${here}: name either a partner or an aePool`);
    if (route.aePool !== undefined && !pools[route.aePool])
      problems.push(`${here}.aePool: no pool named "${route.aePool}"`);
    if (!policies[route.policy] && route.policy !== 'default')
      problems.push(`${here}.policy: no policy named "${route.policy}"`);
    routes.push({
      ...(route.partner !== undefined ? { partner: route.partner } : {}),
      ...(route.aePool !== undefined ? { aePool: route.aePool } : {}),
      policy: route.policy,
    });
  });
  return routes;
}

/** A `channel:` target of the file, with its place (`policies.strategic[1].to[0]`, as the file's problems are named). */
export interface PolicyChannelTarget {
  place: string;
  channelId: string;
  /** The policy's id (`meridian` for `policies.meridian[1].to[0]`). */
  policy: string;
  /** The policy's name as people read it (the file's `name`, or the id made readable). */
  policyName: string;
}

/**
 * Every `channel:` target of a book, with its place in the file: the channels the policies post internal text to.
 * A parsed book keeps the file's order (any level or target that does not parse stops the start), so the places are
 * the file's.
 */
export function policyChannelTargets(book: PolicyBook): PolicyChannelTarget[] {
  return Object.entries(book.policies).flatMap(([name, policy]) =>
    policy.levels.flatMap((level, i) =>
      level.to.flatMap((target, j) =>
        target.kind === 'channel'
          ? [
              {
                place: `${policy.levelsAt ?? `policies.${name}`}[${i}].to[${j}]`,
                channelId: target.id,
                policy: name,
                policyName: policy.displayName,
              },
            ]
          : [],
      ),
    ),
  );
}
