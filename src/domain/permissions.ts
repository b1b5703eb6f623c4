import { type Actor, isInternalActor } from './actor.js';

/**
 * Who may do what across the program, in one table: the roles come from the configuration (REVOPS_USER_IDS,
 * ADMIN_USER_IDS), not from a handoff. What a person may do to one handoff (accept, reassign, edit …) is the
 * lifecycle's `can()` (domain/lifecycle.ts). Every program-level check calls `may`; refusals name the roles listed
 * here (blocks/commandReplies.ts `roleNames`); the help shows a person only what `may` allows them; the
 * authorization matrix (test/integration/authorizationMatrix.test.ts) has a case for every entry. Adding a
 * permission is one entry here, its check, and its matrix case.
 */
export const PROGRAM_ROLES = ['revops', 'admin'] as const;
export type ProgramRole = (typeof PROGRAM_ROLES)[number];

export const PERMISSIONS = {
  /** The touch log CSV (`/handoff export`, the App Home's Export button). */
  export: ['revops', 'admin'],
  /** The App Home's program metrics (and its Export button and period picker). */
  metrics: ['revops', 'admin'],
  /** Any handoff's view (`/handoff view <#>`), not only one's own. */
  viewAny: ['revops', 'admin'],
  /** Correct a handoff's classification (`/handoff classify`, audited), and decide "Review attribution" items. */
  classify: ['revops', 'admin'],
  /** Add and remove resellers on accounts (`/handoff reseller add|remove`); anyone internal may list them. */
  resellers: ['revops', 'admin'],
  /** The partner directory: list, rename, alias, merge, domain (`/handoff partners …`). */
  partners: ['revops', 'admin'],
  /** Whose channel it is, and releasing a held one (`/handoff partners channel|confirm …`). */
  partnerChannels: ['admin'],
  /** See the messages Slack refused for good (`/handoff outbox`, the count in the App Home). */
  outbox: ['admin'],
  /** Send parked messages again (`/handoff outbox retry <#|all>`). */
  outboxRetry: ['admin'],
  /** Ask the AEs of deals accepted before first steps to name one (`/handoff steps ask`). */
  firstSteps: ['admin'],
  /** The program's roles, managers, closures and holidays (App Home → Program). */
  program: ['admin'],
  /** The escalation policies and which handoffs follow each (App Home → Program). */
  policies: ['revops', 'admin'],
  /** Every pool, and new ones (a pool's own managers edit theirs: program/access.ts). */
  pools: ['admin'],
  /** The score against outcomes (App Home → Score against outcomes, and its monthly lines in the digest). */
  scoreCheck: ['revops', 'admin'],
  /** The score's weights (the score view's Weights editor, audited in the program's history). */
  scoreWeights: ['revops', 'admin'],
  /** Connect the workspace's own CRM, or disconnect it (`/handoff crm`, an OAuth install). */
  crm: ['admin'],
  /** Pause or resume someone else (`/handoff pause @person until …`, `/handoff resume @person`). */
  pauseOthers: ['admin'],
  /** Name someone else to follow a handoff, or take them off (`/handoff follow <#> @person`). */
  followersFor: ['admin'],
  /** Erase a person's data on request (`/handoff erase`): the list, then the erasure. */
  erase: ['admin'],
} as const satisfies Record<string, readonly ProgramRole[]>;

export type Permission = keyof typeof PERMISSIONS;
export const PERMISSION_NAMES = Object.keys(PERMISSIONS) as Permission[];

/** Who holds a program role: the configuration's lists (a `Config` fits). */
export interface ProgramRoles {
  revopsUserIds: readonly string[];
  adminUserIds: readonly string[];
}

/** The program roles of a user id. */
export function programRolesOf(roles: ProgramRoles, userId: string): Set<ProgramRole> {
  const held = new Set<ProgramRole>();
  if (roles.revopsUserIds.includes(userId)) held.add('revops');
  if (roles.adminUserIds.includes(userId)) held.add('admin');
  return held;
}

/**
 * Whether someone may do this. `who`: an actor as Slack identifies them with our workspaces (a request's context):
 * anyone outside them may do nothing; or a bare user id, where Slack names no workspace and the caller vouches the
 * person is ours (an App Home event, a slash command checked with users.info).
 */
export function may(
  roles: ProgramRoles,
  who: string | { actor: Actor; internalTeamIds: readonly string[] },
  permission: Permission,
): boolean {
  if (typeof who !== 'string' && !isInternalActor(who.actor, who.internalTeamIds)) return false;
  const held = programRolesOf(roles, typeof who === 'string' ? who : who.actor.userId);
  return PERMISSIONS[permission].some((role) => held.has(role));
}
