import type { Directory } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { isInternalActor } from '../domain/actor.js';
import { readablePolicyName } from '../domain/escalation.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { RawLevel } from '../domain/policyWords.js';
import { mayEditPartner } from './partnerManagers.js';
import type { Program } from './program.js';
import { isSettingsGroup, SETTINGS_GROUPS } from './settings.js';

/**
 * The parts an editor edits: a pool, a policy, the calendar (closures and holidays), the roles, the managers, a
 * partner (its partner managers and what they hear).
 */
export const PROGRAM_PARTS = [
  'pool',
  'policy',
  'calendar',
  'roles',
  'managers',
  'partner',
  'settings',
] as const;
export type ProgramPart = (typeof PROGRAM_PARTS)[number];
export const isProgramPart = (v: unknown): v is ProgramPart => PROGRAM_PARTS.includes(v as ProgramPart);

export interface ProgramAdminDeps {
  db: Db;
  program: Program;
  roles: ProgramRoles;
  /** POOL_MAX_OPEN_HANDOFFS: a pool's cap when it names none. */
  defaultCap: number;
  timeZone: string;
  /** Who the people chosen in an editor are (users.info), and the user groups a role may be given to. */
  directory: Pick<Directory, 'lookupUser' | 'usergroups' | 'usergroupMembers'>;
}

export interface RawPool {
  name?: string;
  users?: string[];
  usergroup?: string;
  cap?: number;
  managers?: string[];
  /** Everyone in this Slack user group manages the pool too. */
  managersGroup?: string;
  weights?: Record<string, number>;
  fairness?: { period: 'week' | 'month' };
}

/** A pool's weights and how it shares its handoffs, as its page and editor read them. */
export const poolSharingOf = (p: RawPool) => ({
  ...(p.weights ? { weights: p.weights } : {}),
  ...(p.fairness ? { sharing: p.fairness.period } : {}),
});

export interface RawPolicy {
  name?: string;
  levels?: RawLevel[];
}

export const levelsOf = (body: unknown): RawLevel[] =>
  Array.isArray(body) ? (body as RawLevel[]) : ((body as RawPolicy | undefined)?.levels ?? []);
export const nameOf = (body: unknown, id: string): string =>
  (!Array.isArray(body) && (body as RawPolicy | undefined)?.name) || readablePolicyName(id);

/**
 * Who may edit a part: domain/permissions.ts's `program`, `policies`, `pools` and `partners`, a pool's own managers
 * (named, or in its managers' user group) for their pool (not its managers, nor its removal), and a partner's own managers for what they hear. Someone outside
 * our workspaces may edit nothing.
 */
export function mayEditPart(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  part: ProgramPart,
  key: string,
): boolean {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return false;
  if (part === 'policy') return may(deps.roles, ctx, 'policies');
  // A group of settings: its row says whose (RevOps edit the packets' and the reporting's).
  if (part === 'settings')
    return isSettingsGroup(key) && may(deps.roles, ctx, SETTINGS_GROUPS[key].permission);
  // A partner's own managers choose what they hear (program/partnerManagers.ts, as the command).
  if (part === 'partner')
    return mayEditPartner(
      deps.roles,
      ctx,
      deps.program.state().partners[key],
      'notify',
      deps.program.groupMembers,
    );
  if (part === 'pool') {
    if (may(deps.roles, ctx, 'pools')) return true;
    const pool = deps.program.state().bookJson.pools[key] as RawPool | undefined;
    if (!key || !pool) return false;
    // Its managers, named or in its managers' user group (the program's last read of it: never Slack per click).
    const group = pool.managersGroup ? deps.program.groupMembers(pool.managersGroup) : [];
    return Boolean(pool.managers?.includes(ctx.actor.userId) || group.includes(ctx.actor.userId));
  }
  return may(deps.roles, ctx, 'program');
}
