import { z } from 'zod';
import { readablePolicyName } from './escalation.js';
import { issues, NAME } from './policyFileLevels.js';

/**
 * The pools of the escalation policy file (domain/policyFile.ts): their members, name, cap, managers, and, for a fair
 * pool, each member's weight and the period its shares are counted over.
 */

/** How a pool shares its handoffs: by turns (none), or by each member's share of a week's or a month's handoffs. */
export interface PoolFairness {
  period: 'week' | 'month';
}

/** A member's weight: how many shares of the pool's handoffs they take (0: none by round robin; unset: 1). */
export const WEIGHT_MAX = 10;

/** A pool of AEs: its members (listed, or a Slack user group), and the name people read (the file's `name`, or the id made readable). */
export type Pool = ({ kind: 'users'; users: string[] } | { kind: 'usergroup'; id: string }) & {
  displayName: string;
  /** The most open handoffs a member may hold before round robin skips them (unset: POOL_MAX_OPEN_HANDOFFS). */
  cap?: number;
  /** Who manages the pool: they may edit it in Slack and are told when a member pauses. */
  managers?: string[];
  /** Everyone in this Slack user group manages the pool too, as its listed managers do. */
  managersGroup?: string;
  /** Members' weights (unset: 1 each); 0 keeps a member in the pool but gives them no new handoff by round robin. */
  weights?: Record<string, number>;
  /** Fair shares per period (unset: plain turns). */
  fairness?: PoolFairness;
};

export const USER = /^[UW][A-Z0-9]{2,}$/;
const USERGROUP = /^S[A-Z0-9]{2,}$/;

/** The longest name of a policy or a pool: it is read in a sentence ("the *Strategic accounts* escalation policy"). */
export const POLICY_NAME_MAX = 60;

/**
 * The `name` people read of a policy or a pool (optional: the id made readable, `enterprise-backup` → "Enterprise
 * backup"). It is shown in bold inside a sentence ("the *Strategic accounts* escalation policy", "the next AE of the
 * *Enterprise backup* pool"), so it is one line of words: letters, digits, spaces and `& ' ( ) . , / + -`, no Slack
 * formatting.
 */
export const displayNameSchema = (what: 'policy' | 'pool') =>
  z
    .string()
    .trim()
    .min(1, { error: `a ${what} name says something (or leave it out: the id is read then)` })
    .max(POLICY_NAME_MAX, { error: `a ${what} name is at most ${POLICY_NAME_MAX} characters` })
    .regex(/^[\p{L}\p{N} &'().,/+-]*$/u, {
      error: `a ${what} name is letters, digits, spaces and & ' ( ) . , / + - (no Slack formatting)`,
    })
    .optional();

/** What a pool may say besides its members: its name, a cap per member, its managers, weights and fairness. */
const poolExtras = {
  name: z.unknown().optional(),
  cap: z
    .number()
    .int()
    .min(1, { error: 'a cap is at least 1 open handoff' })
    .max(1000, { error: 'a cap is at most 1000 open handoffs' })
    .optional(),
  managers: z
    .array(z.string().regex(USER, { error: 'is not a Slack user id like U012ABCDEF' }))
    .max(20)
    .optional(),
  managersGroup: z
    .string({ error: 'is a Slack user group id like S012ABCDEF' })
    .regex(USERGROUP, { error: 'is not a Slack user group id like S012ABCDEF' })
    .optional(),
  // Checked on their own (weightsSchema, fairnessSchema), so a wrong one is named as such.
  weights: z.unknown().optional(),
  fairness: z.unknown().optional(),
};

const weightsSchema = z.record(
  z.string().regex(USER, { error: 'a weight is for a member, by their Slack user id like U012ABCDEF' }),
  z
    .number({ error: `a weight is a whole number from 0 to ${WEIGHT_MAX}` })
    .int({ error: `a weight is a whole number from 0 to ${WEIGHT_MAX}` })
    .min(0, { error: `a weight is a whole number from 0 to ${WEIGHT_MAX}` })
    .max(WEIGHT_MAX, { error: `a weight is a whole number from 0 to ${WEIGHT_MAX}` }),
  { error: 'weights are an object of member ids and numbers, like { "U012ABCDEF": 2 }' },
);

const fairnessSchema = z.strictObject(
  { period: z.enum(['week', 'month'], { error: 'the period is "week" or "month"' }) },
  { error: 'fairness is { "period": "week" } or { "period": "month" }' },
);

const poolSchema = z.union(
  [
    z.strictObject({ ...poolExtras, users: z.array(z.string()).min(1) }),
    z.strictObject({ ...poolExtras, usergroup: z.string() }),
  ],
  {
    error:
      'a pool is either { "users": [...] } or { "usergroup": "S…" }, with an optional "name", "cap", "managers", "managersGroup", "weights" and "fairness"',
  },
);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

type ParsedPool = z.infer<typeof poolSchema>;

/** The cap, managers, weights and fairness of a parsed pool, as the book keeps them (a weight of a non-member refused). */
function extrasOf(where: string, pool: ParsedPool, problems: string[]) {
  const weights = pool.weights === undefined ? undefined : weightsSchema.safeParse(pool.weights);
  if (weights && !weights.success) problems.push(...issues(`${where}.weights`, weights.error));
  if (weights?.data && 'users' in pool)
    for (const user of Object.keys(weights.data))
      if (!pool.users.includes(user))
        problems.push(`${where}.weights.${user}: not a member of the pool (a weight is for a member)`);
  const fairness = pool.fairness === undefined ? undefined : fairnessSchema.safeParse(pool.fairness);
  if (fairness && !fairness.success) problems.push(...issues(`${where}.fairness`, fairness.error));
  return {
    ...(pool.cap !== undefined ? { cap: pool.cap } : {}),
    ...(pool.managers?.length ? { managers: pool.managers } : {}),
    ...(pool.managersGroup ? { managersGroup: pool.managersGroup } : {}),
    ...(weights?.data && Object.keys(weights.data).length > 0 ? { weights: weights.data } : {}),
    ...(fairness?.data ? { fairness: fairness.data } : {}),
  };
}

/** The file's `pools`, checked; every problem is added to `problems` with its place (`pools.emea.weights.U123`). */
export function parsePools(rawPools: unknown, problems: string[]): Record<string, Pool> {
  const pools: Record<string, Pool> = {};
  if (!isRecord(rawPools)) {
    problems.push('pools: must be an object of named pools');
    return pools;
  }
  for (const [name, raw] of Object.entries(rawPools)) {
    if (!NAME.test(name)) problems.push(`pools.${name}: a pool name is lowercase letters, digits, - and _`);
    const parsedPool = poolSchema.safeParse(raw);
    if (!parsedPool.success) {
      problems.push(...issues(`pools.${name}`, parsedPool.error));
      continue;
    }
    const pool = parsedPool.data;
    // The name is checked on its own, so a wrong name is named as such (not as a pool of neither kind).
    const parsedName = displayNameSchema('pool').safeParse(pool.name);
    if (!parsedName.success) problems.push(...issues(`pools.${name}.name`, parsedName.error));
    const displayName = parsedName.data ?? readablePolicyName(name);
    const extras = extrasOf(`pools.${name}`, pool, problems);
    if ('users' in pool) {
      pool.users.forEach((u, i) => {
        if (!USER.test(u))
          problems.push(`pools.${name}.users[${i}]: "${u}" is not a Slack user id like U012ABCDEF`);
      });
      pools[name] = { kind: 'users', users: pool.users, displayName, ...extras };
    } else {
      if (!USERGROUP.test(pool.usergroup))
        problems.push(
          `pools.${name}.usergroup: "${pool.usergroup}" is not a Slack user group id like S012ABCDEF`,
        );
      pools[name] = { kind: 'usergroup', id: pool.usergroup, displayName, ...extras };
    }
  }
  return pools;
}
