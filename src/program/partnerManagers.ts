import type { DirectoryUser } from '../core/directory.js';
import type { RequestContext } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { type PartnerRow, partnerByName } from '../db/repositories/partners.js';
import { isInternalActor } from '../domain/actor.js';
import { may, type ProgramRoles } from '../domain/permissions.js';
import type { Logger } from '../logger.js';
import { PARTNER_NOTIFY, type PartnerBody, type PartnerContact, type PartnerNotify } from './kinds.js';
import { holderProblem, PERSON_NAMES, personNamed } from './people.js';
import type { Program } from './program.js';

/**
 * A partner's managers: the internal people who are told of its handoffs' decisions and outcomes
 * in their DMs (packets/watchers.ts). Kept as the program's `partner` part, keyed by the partner's id, so every edit
 * is checked by its schema and written to the program's history. Admins and RevOps (`partners`) name them; a
 * partner's own managers choose what they are told (`notify`), as a pool's managers edit their pool.
 */
export interface PartnerManagersDeps {
  program: Pick<Program, 'state' | 'edit' | 'editMany' | 'groupMembers'>;
  /** A person as Slack has them (users.info), to keep partner managers to people of ours. */
  lookupUser: (userId: string) => Promise<DirectoryUser | undefined>;
  /** The person with an email (users.lookupByEmail), when Slack can say. */
  lookupByEmail?: (email: string) => Promise<DirectoryUser | undefined>;
}

/** What an edit of a partner's managers needs of the directory's deps (partners.ts). */
export interface ManagerEditDeps extends ProgramRoles {
  db: Db;
  logger: Logger;
  /** Absent: partner managers are not kept here (a directory made for a test of its channels). */
  managers?: PartnerManagersDeps;
}

type Result<T> = { kind: 'done'; value: T } | { kind: 'forbidden' } | { kind: 'invalid'; message: string };
const invalid = (message: string) => ({ kind: 'invalid' as const, message });

export interface PartnerManagers {
  partner: PartnerRow;
  managers: string[];
  notify: PartnerNotify;
}

/** A partner's part as the program says now (undefined: no managers named). */
export const partnerPartOf = (deps: PartnerManagersDeps, partnerId: number): PartnerBody | undefined =>
  deps.program.state().partners[String(partnerId)];

/** The members of a user group as the program last read them (Program.groupMembers): never a Slack call. */
export type GroupMembers = (usergroupId: string) => readonly string[];

/** A partner's managers: those named, and the members of its user group. */
export const partnerManagersOf = (part: PartnerBody | undefined, groupMembers?: GroupMembers): string[] =>
  part
    ? [
        ...new Set([
          ...part.managers,
          ...(part.usergroup && groupMembers ? groupMembers(part.usergroup) : []),
        ]),
      ]
    : [];

/**
 * Who may edit a partner's part, for the command and the Partners page alike: its managers are for admins and RevOps
 * (`partners`); what they are told is also for the partner's own managers, named or in its user group. Nobody
 * outside our workspaces.
 */
export function mayEditPartner(
  roles: ProgramRoles,
  ctx: RequestContext,
  part: PartnerBody | undefined,
  what: 'managers' | 'notify',
  groupMembers?: GroupMembers,
): boolean {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return false;
  if (may(roles, ctx, 'partners')) return true;
  return what === 'notify' && partnerManagersOf(part, groupMembers).includes(ctx.actor.userId);
}

/**
 * A partner's part as written: no managers, named or by a group, removes it (what they heard goes with them); `all`
 * is the default, unsaid.
 */
export const partnerBody = (
  managers: readonly string[],
  notify: PartnerNotify,
  usergroup?: string,
  contacts: readonly PartnerContact[] = [],
): PartnerBody | null =>
  managers.length === 0 && !usergroup && contacts.length === 0
    ? null
    : {
        managers: [...managers],
        ...(usergroup ? { usergroup } : {}),
        ...(notify === 'all' ? {} : { notify }),
        ...(contacts.length > 0 ? { contacts: [...contacts] } : {}),
      };

/** The people typed: `<@U…>` (or `<@U…|name>`), member IDs, emails; `none` for nobody. */
async function peopleOf(
  deps: PartnerManagersDeps,
  ctx: RequestContext,
  typed: string,
): Promise<{ ids: string[] } | { problem: string }> {
  const words = typed.split(/[\s,]+/).filter(Boolean);
  if (words.length === 1 && words[0]?.toLowerCase() === 'none') return { ids: [] };
  if (words.length === 0) return { problem: `Name the partner managers. ${PERSON_NAMES}` };
  const ids: string[] = [];
  for (const word of words) {
    const named = await personNamed(deps, word);
    if ('problem' in named) return named;
    const problem = holderProblem(named.user, `<@${named.user.id}>`, ctx.internalTeamIds);
    if (problem) return { problem };
    if (!ids.includes(named.user.id)) ids.push(named.user.id);
  }
  if (ids.length > 20) return { problem: 'A partner has at most 20 partner managers.' };
  return { ids };
}

/** `/handoff partners managers <partner> | @a @b`: names the partner's managers (`none`: nobody). */
export async function setManagers(
  deps: ManagerEditDeps,
  ctx: RequestContext,
  name: string,
  typed: string,
): Promise<Result<PartnerManagers>> {
  if (!mayEditPartner(deps, ctx, undefined, 'managers')) return { kind: 'forbidden' };
  const managers = deps.managers;
  if (!managers) return invalid('Partner managers are not available here.');
  const partner = name.trim() ? await partnerByName(deps.db, name) : undefined;
  if (!partner) return invalid(`No partner goes by “${name}” (see /handoff partners).`);
  const people = await peopleOf(managers, ctx, typed);
  if ('problem' in people) return invalid(people.problem);
  const before = partnerPartOf(managers, partner.id);
  const body = partnerBody(people.ids, before?.notify ?? 'all', before?.usergroup, before?.contacts);
  const saved = await managers.program.edit({
    actor: ctx.actor.userId,
    kind: 'partner',
    key: String(partner.id),
    body,
  });
  if (!saved.ok) return invalid(saved.problems.join('; '));
  return { kind: 'done', value: { partner, managers: people.ids, notify: before?.notify ?? 'all' } };
}

/**
 * `/handoff partners notify <partner> | all|decisions|off`: what the partner's managers are told. Admins and RevOps,
 * and the partner's own managers.
 */
export async function setNotify(
  deps: ManagerEditDeps,
  ctx: RequestContext,
  name: string,
  choice: string,
): Promise<Result<PartnerManagers>> {
  if (!isInternalActor(ctx.actor, ctx.internalTeamIds)) return { kind: 'forbidden' };
  const managers = deps.managers;
  const partner = name.trim() ? await partnerByName(deps.db, name) : undefined;
  const part = partner && managers ? partnerPartOf(managers, partner.id) : undefined;
  if (!mayEditPartner(deps, ctx, part, 'notify', managers?.program.groupMembers))
    return { kind: 'forbidden' };
  if (!managers) return invalid('Partner managers are not available here.');
  if (!partner) return invalid(`No partner goes by “${name}” (see /handoff partners).`);
  const notify = choice.trim().toLowerCase();
  if (!PARTNER_NOTIFY.includes(notify as PartnerNotify))
    return invalid('Say what its managers are told: all (decisions and outcomes), decisions, or off.');
  if (!part)
    return invalid(
      `${partner.name} has no partner managers yet: name them with /handoff partners managers ${partner.name} | @someone.`,
    );
  const body = partnerBody(part.managers, notify as PartnerNotify, part.usergroup, part.contacts);
  const saved = await managers.program.edit({
    actor: ctx.actor.userId,
    kind: 'partner',
    key: String(partner.id),
    body,
  });
  if (!saved.ok) return invalid(saved.problems.join('; '));
  return { kind: 'done', value: { partner, managers: part.managers, notify: notify as PartnerNotify } };
}

/** After a merge: the merged partner's managers join those of the partner it became (its own part removed). */
export async function carryManagers(
  deps: ManagerEditDeps,
  actor: string,
  from: PartnerRow,
  into: PartnerRow,
): Promise<void> {
  const managers = deps.managers;
  const gone = managers && partnerPartOf(managers, from.id);
  if (!managers || !gone) return;
  const kept = partnerPartOf(managers, into.id);
  const union = [...new Set([...(kept?.managers ?? []), ...gone.managers])].slice(0, 20);
  const notify = kept ? kept.notify : gone.notify;
  const usergroup = kept?.usergroup ?? gone.usergroup;
  const result = await managers.program.editMany([
    {
      actor,
      kind: 'partner',
      key: String(into.id),
      body: { managers: union, ...(usergroup ? { usergroup } : {}), ...(notify ? { notify } : {}) },
    },
    { actor, kind: 'partner', key: String(from.id), body: null, note: `merged into ${into.name}` },
  ]);
  if (!result.ok)
    deps.logger.warn({ problems: result.problems }, "could not carry a merged partner's managers");
}
