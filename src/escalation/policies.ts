import { readFileSync } from 'node:fs';
import type { Directory } from '../core/directory.js';
import { accountKey } from '../domain/accountMatch.js';
import type { PolicyRef, PoolChoice } from '../domain/escalation.js';
import { defaultPolicy, limitsWith, type Policy } from '../domain/escalation.js';
import { type AfterAccept, defaultAfterAccept } from '../domain/firstStep.js';
import { type PolicyBook, parsePolicyFile } from '../domain/policyFile.js';
import type { ReminderPoint } from '../domain/reminders.js';
import type { Logger } from '../logger.js';

export interface PoliciesOptions {
  /** The program's pools, policies, routes and limits as they are now (undefined: only the default policy). */
  book: () => PolicyBook | undefined;
  /** The version in force of a policy, and a policy as one of its versions said it (program/program.ts). */
  versionOf?: (name: string) => number | undefined;
  pinned?: (name: string, version: number) => Policy | undefined;
  /**
   * The reminders and the escalation channel of the program's settings: the default policy when the program has no
   * "default" (read at each use: a settings edit applies at once).
   */
  reminders: readonly ReminderPoint[];
  escalationChannelId: string | undefined;
  directory: Pick<Directory, 'usergroupMembers'>;
  logger: Logger;
  /** FIRST_STEP_GRACE_DAYS: when the default ladder after the Accept tells the owner (default 2). */
  firstStepGraceDays?: number;
}

/** ESCALATION_POLICY_FILE's text (a file that cannot be read says so, with what to check). */
export function readPolicyText(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(
      `ESCALATION_POLICY_FILE ${path} cannot be read (${code ?? String(error)}): check the path, or unset it for the default policy`,
    );
  }
}

/** Reads and checks ESCALATION_POLICY_FILE (readable errors name the file and each problem's place). */
export function loadPolicyBook(path: string | undefined, dayHours: number): PolicyBook | undefined {
  return path ? parsePolicyFile(path, readPolicyText(path), dayHours) : undefined;
}

/** A policy's id alone, or a handoff's id and pinned version. */
type Ref = string | null | undefined | PolicyRef;

/**
 * A policy by a handoff's reference, in the version it was sent under: the version in force when none was kept or it
 * is still the one in force; the default when the program no longer has the policy.
 */
function policyLookup(opts: PoliciesOptions, builtIn: () => Policy, fallback: () => Policy) {
  return (ref: Ref): Policy => {
    const name = typeof ref === 'object' && ref !== null ? ref.escalationPolicy : ref;
    const version = typeof ref === 'object' && ref !== null ? ref.policyVersion : null;
    // A handoff under the program's own "default" keeps null for its id, and its version.
    const id = name ?? (version !== null ? 'default' : null);
    if (id && version !== null && version !== opts.versionOf?.(id)) {
      // Pinned to a version an edit has replaced since: the handoff keeps the policy it was sent under.
      const then = opts.pinned?.(id, version);
      if (then) return then;
    }
    if (!name) return fallback();
    if (name === 'default' && !opts.book()?.policies.default) return builtIn();
    const policy = opts.book()?.policies[name];
    if (!policy) {
      // Removed since the handoff was sent, with no version kept: it follows the default rather than nothing.
      opts.logger.warn({ policy: name }, 'escalation policy no longer in the program; the default applies');
      return fallback();
    }
    return policy;
  };
}

/** The built-in default, made again when the settings it is made of change (the same object while they do not). */
function builtInPolicy(opts: Pick<PoliciesOptions, 'reminders' | 'escalationChannelId'>): () => Policy {
  let made: { reminders: unknown; channel: unknown; policy: Policy } | undefined;
  return () => {
    if (made?.reminders !== opts.reminders || made.channel !== opts.escalationChannelId)
      made = {
        reminders: opts.reminders,
        channel: opts.escalationChannelId,
        policy: defaultPolicy(opts.reminders, opts.escalationChannelId),
      };
    return made.policy;
  };
}

/**
 * The escalation policies: which one a handoff follows (by its partner, or its AE's pool, else the default), in the
 * version it was sent under, and the members of a pool (a list, or a Slack user group read when needed). The program
 * is read as it is now at every call: an edit in Slack applies without a restart.
 */
export function createPolicies(opts: PoliciesOptions) {
  const book = opts.book;
  const builtIn = builtInPolicy(opts);
  const fallback = () => book()?.policies.default ?? builtIn();
  /** Members of user-group pools as last read (routes by the AE's pool read them from here: sending must not wait). */
  const groupMembers = new Map<string, string[]>();
  const byName = policyLookup(opts, builtIn, fallback);

  function cachedMembers(pool: string): string[] {
    const p = book()?.pools[pool];
    if (!p) return [];
    return p.kind === 'users' ? p.users : (groupMembers.get(pool) ?? []);
  }

  /** The policy for a new handoff: the first route that matches its partner or its AE's pool. */
  function forHandoff(h: { partnerName: string; aeUserId: string }): Policy {
    for (const route of book()?.routes ?? []) {
      if (route.partner !== undefined && accountKey(route.partner) === accountKey(h.partnerName))
        return byName(route.policy);
      if (route.aePool !== undefined && cachedMembers(route.aePool).includes(h.aeUserId))
        return byName(route.policy);
    }
    return fallback();
  }

  /** A pool's members now (a user group is read from Slack, and remembered for routing). */
  async function members(pool: string): Promise<string[]> {
    const p = book()?.pools[pool];
    if (!p) return [];
    if (p.kind === 'users') return p.users;
    const users = (await opts.directory.usergroupMembers?.(p.id)) ?? [];
    groupMembers.set(pool, users);
    return users;
  }

  /** Reads every user-group pool (at start and now and then), so routing by the AE's pool knows its members. */
  async function refreshGroups(): Promise<void> {
    for (const [name, pool] of Object.entries(book()?.pools ?? {})) {
      if (pool.kind !== 'usergroup') continue;
      try {
        await members(name);
      } catch (error) {
        opts.logger.warn({ pool: name, err: error }, 'could not read the user group of an escalation pool');
      }
    }
  }

  // The built-in default (made of the settings of its moment) is the policy named "default" the program does not hold.
  const isBuiltIn = (policy: Policy) => policy.name === 'default' && policy !== book()?.policies.default;
  const isFallback = (policy: Policy) => isBuiltIn(policy) || policy === book()?.policies.default;
  return {
    byName,
    forHandoff,
    /** The checks after the Accept: the policy's `commitment` levels, or the default ladder. */
    afterAccept: (ref: Ref): AfterAccept =>
      byName(ref).afterAccept ?? defaultAfterAccept(opts.firstStepGraceDays ?? 2),
    /** The program's limits (its `limits`, the defaults for what it leaves out), as they are now. */
    get limits() {
      return limitsWith(book()?.limits);
    },
    members,
    refreshGroups,
    /** Whether a pool is a user group (the pools job has something to read again). */
    hasGroups: () => Object.values(book()?.pools ?? {}).some((pool) => pool.kind === 'usergroup'),
    /** The name stored with a handoff (null: the default). */
    nameOf: (policy: Policy) => (isFallback(policy) ? null : policy.name),
    /** The version a new handoff under this policy is pinned to (null: the built-in default, never edited). */
    versionOf: (policy: Policy) => opts.versionOf?.(isFallback(policy) ? 'default' : policy.name) ?? null,
    /** The pools of the program: the id a packet names, and the name people read. */
    pools: (): PoolChoice[] =>
      Object.entries(book()?.pools ?? {}).map(([id, pool]) => ({ id, name: pool.displayName })),
    /** A pool's cap and managers, as the program says now. */
    pool: (id: string) => book()?.pools[id],
    get default() {
      return fallback();
    },
    /** The default built from the settings (no "default" policy in the program): the expiry escalates as before. */
    isBuiltIn,
  };
}

export type Policies = ReturnType<typeof createPolicies>;
