import type { Db } from '../db/client.js';
import { isInternalActor } from '../domain/actor.js';
import { readablePolicyName } from '../domain/escalation.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { RawLevel } from '../domain/policyWords.js';
import type { RequestContext } from '../services/requestContext.js';
import type { Program } from './program.js';

/** The parts an editor edits: a pool, a policy, the calendar (closures and holidays), the roles, the managers. */
export const PROGRAM_PARTS = ['pool', 'policy', 'calendar', 'roles', 'managers'] as const;
export type ProgramPart = (typeof PROGRAM_PARTS)[number];
export const isProgramPart = (v: unknown): v is ProgramPart => PROGRAM_PARTS.includes(v as ProgramPart);

export interface ProgramAdminDeps {
  db: Db;
  program: Program;
  roles: ProgramRoles;
  /** POOL_MAX_OPEN_HANDOFFS: a pool's cap when it names none. */
  defaultCap: number;
  timeZone: string;
}

export interface RawPool {
  name?: string;
  users?: string[];
  usergroup?: string;
  cap?: number;
  managers?: string[];
}

export interface RawPolicy {
  name?: string;
  levels?: RawLevel[];
}

export const levelsOf = (body: unknown): RawLevel[] =>
  Array.isArray(body) ? (body as RawLevel[]) : ((body as RawPolicy | undefined)?.levels ?? []);
export const nameOf = (body: unknown, id: string): string =>
  (!Array.isArray(body) && (body as RawPolicy | undefined)?.name) || readablePolicyName(id);

/**
 * Who may edit a part: domain/permissions.ts's `program`, `policies` and `pools`, and a pool's own managers for
 * their pool (not its managers, nor its removal). Someone outside our workspaces may edit nothing.
 */
export function mayEditPart(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  part: ProgramPart,
  key: string,
): boolean {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return false;
  if (part === 'policy') return may(deps.roles, ctx, 'policies');
  if (part === 'pool') {
    if (may(deps.roles, ctx, 'pools')) return true;
    const pool = deps.program.state().bookJson.pools[key] as RawPool | undefined;
    return Boolean(key && pool?.managers?.includes(ctx.actor.userId));
  }
  return may(deps.roles, ctx, 'program');
}
