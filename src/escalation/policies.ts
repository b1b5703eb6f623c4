import { readFileSync } from 'node:fs';
import { accountKey } from '../domain/accountMatch.js';
import { minutesOf } from '../domain/businessDays.js';
import type { PoolChoice } from '../domain/escalation.js';
import { defaultPolicy, limitsWith, type Policy } from '../domain/escalation.js';
import { type AfterAccept, defaultAfterAccept } from '../domain/firstStep.js';
import { type PolicyBook, parsePolicyFile } from '../domain/policyFile.js';
import type { ReminderPoint } from '../domain/reminders.js';
import type { Logger } from '../logger.js';
import type { Directory } from '../services/directory.js';

export interface PoliciesOptions {
  /** The parsed ESCALATION_POLICY_FILE; undefined: only the default policy. */
  book?: PolicyBook;
  /** REMINDERS and ESCALATION_CHANNEL_ID: the default policy when the file has no "default". */
  reminders: readonly ReminderPoint[];
  escalationChannelId: string | undefined;
  directory: Pick<Directory, 'usergroupMembers'>;
  logger: Logger;
  /** FIRST_STEP_GRACE_DAYS: when the default ladder after the Accept tells the owner (default 2). */
  firstStepGraceDays?: number;
}

/** The length of a business day in hours (BUSINESS_DAY_START to BUSINESS_DAY_END): "1d" in the policy file. */
export function businessDayHours(calendar: { businessDayStart: string; businessDayEnd: string }): number {
  return (minutesOf(calendar.businessDayEnd) - minutesOf(calendar.businessDayStart)) / 60;
}

/** Reads and checks ESCALATION_POLICY_FILE at start (readable errors name the file and each problem's place). */
export function loadPolicyBook(path: string | undefined, dayHours: number): PolicyBook | undefined {
  if (!path) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `ESCALATION_POLICY_FILE ${path} cannot be read (${code ?? String(error)}): check the path, or unset it for the default policy`,
    );
  }
  return parsePolicyFile(path, text, dayHours);
}

/**
 * The escalation policies: which one a handoff follows (by its partner, or its AE's pool, else the default), and the
 * members of a pool (a list, or a Slack user group read when needed).
 */
export function createPolicies(opts: PoliciesOptions) {
  const book = opts.book;
  const fallback = book?.policies.default ?? defaultPolicy(opts.reminders, opts.escalationChannelId);
  /** Members of user-group pools as last read (routes by the AE's pool read them from here: sending must not wait). */
  const groupMembers = new Map<string, string[]>();

  function byName(name: string | null | undefined): Policy {
    if (!name || name === 'default') return fallback;
    const policy = book?.policies[name];
    if (!policy) {
      // The file changed since the handoff was sent: it follows the default rather than nothing.
      opts.logger.warn({ policy: name }, 'escalation policy no longer in the file; the default applies');
      return fallback;
    }
    return policy;
  }

  function cachedMembers(pool: string): string[] {
    const p = book?.pools[pool];
    if (!p) return [];
    return p.kind === 'users' ? p.users : (groupMembers.get(pool) ?? []);
  }

  /** The policy for a new handoff: the first route that matches its partner or its AE's pool. */
  function forHandoff(h: { partnerName: string; aeUserId: string }): Policy {
    for (const route of book?.routes ?? []) {
      if (route.partner !== undefined && accountKey(route.partner) === accountKey(h.partnerName))
        return byName(route.policy);
      if (route.aePool !== undefined && cachedMembers(route.aePool).includes(h.aeUserId))
        return byName(route.policy);
    }
    return fallback;
  }

  /** A pool's members now (a user group is read from Slack, and remembered for routing). */
  async function members(pool: string): Promise<string[]> {
    const p = book?.pools[pool];
    if (!p) return [];
    if (p.kind === 'users') return p.users;
    const users = (await opts.directory.usergroupMembers?.(p.id)) ?? [];
    groupMembers.set(pool, users);
    return users;
  }

  /** Reads every user-group pool (at start and now and then), so routing by the AE's pool knows its members. */
  async function refreshGroups(): Promise<void> {
    for (const [name, pool] of Object.entries(book?.pools ?? {})) {
      if (pool.kind !== 'usergroup') continue;
      try {
        await members(name);
      } catch (error) {
        opts.logger.warn({ pool: name, err: error }, 'could not read the user group of an escalation pool');
      }
    }
  }

  return {
    byName,
    forHandoff,
    /**
     * The checks after the Accept (issue 51) of the policy a handoff follows: its `commitment` levels, or the default
     * ladder (reminded, asked on the date, the owner told; never taken back).
     */
    afterAccept: (name: string | null | undefined): AfterAccept =>
      byName(name).afterAccept ?? defaultAfterAccept(opts.firstStepGraceDays ?? 2),
    /** The file's limits (its `limits`, the defaults for what it leaves out). */
    limits: limitsWith(book?.limits),
    members,
    refreshGroups,
    /** The name stored with a handoff (null: the default). */
    nameOf: (policy: Policy) => (policy === fallback ? null : policy.name),
    /** The pools of the file: the id a packet names, and the name people read. */
    pools: (): PoolChoice[] =>
      Object.entries(book?.pools ?? {}).map(([id, pool]) => ({ id, name: pool.displayName })),
    default: fallback,
    /** The default built from the settings (no file, or a file without "default"): the expiry escalates as before. */
    isBuiltIn: (policy: Policy) => policy === fallback && !book?.policies.default,
  };
}

export type Policies = ReturnType<typeof createPolicies>;
