import type { ModalView } from '@slack/types';
import { escapeMrkdwn } from '../blocks/mrkdwn.js';
import { policyEditorModal } from '../blocks/policyEditor.js';
import {
  calendarEditorModal,
  managersEditorModal,
  partnerEditorModal,
  poolEditorModal,
  rolesEditorModal,
  type UsergroupChoice,
} from '../blocks/programEditors.js';
import type { ProgramEditLine, ProgramModel, ProgramPage, ProgramPartner } from '../blocks/programPages.js';
import { type SettingsGroupModel, settingsEditorModal } from '../blocks/settingsEditor.js';
import type { RequestContext } from '../core/requestContext.js';
import { poolHistory } from '../db/repositories/escalation.js';
import { channelsOf, findPartner, listPartners } from '../db/repositories/partners.js';
import { openUnderPolicy } from '../db/repositories/program.js';
import { isInternalActor } from '../domain/actor.js';
import { readablePolicyName } from '../domain/escalation.js';
import { may } from '../domain/permissions.js';
import {
  isProgramPart,
  levelsOf,
  mayEditPart,
  nameOf,
  PROGRAM_PARTS,
  type ProgramAdminDeps,
  type ProgramPart,
  poolSharingOf,
  type RawPolicy,
  type RawPool,
} from './access.js';
import { programHistoryLines } from './history.js';
import { PROGRAM_KINDS, type ProgramKindName } from './kinds.js';
import { contactLine } from './partnerForm.js';
import { mayEditPartner } from './partnerManagers.js';
import { type PartForm, savePart } from './saves.js';
import { isSettingsGroup, SETTINGS_GROUPS, type SettingsGroup } from './settings.js';
import { storedKeys } from './settingsForm.js';
import type { ProgramState } from './state.js';

/** The partner directory with each partner's managers (the program's), and its channels on the page (`channels`). */
async function partnersOf(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  channels: boolean,
): Promise<ProgramPartner[]> {
  const parts = deps.program.state().partners;
  return Promise.all(
    (await listPartners(deps.db)).map(async (p) => ({
      id: p.id,
      name: p.name,
      channels: channels
        ? (await channelsOf(deps.db, p.id)).map((c) => ({ id: c.channelId, held: c.status === 'held' }))
        : [],
      managers: parts[String(p.id)]?.managers ?? [],
      ...(parts[String(p.id)]?.usergroup ? { usergroup: parts[String(p.id)]?.usergroup } : {}),
      notify: parts[String(p.id)]?.notify ?? 'all',
      contacts: (parts[String(p.id)]?.contacts ?? []).map(contactLine),
      mayEdit: mayEditPart(deps, ctx, 'partner', String(p.id)),
    })),
  );
}

const editedOf = (row: { at: Date; actor: string } | undefined) =>
  row ? { edited: { at: row.at, actor: row.actor } } : {};

/** What the program's pages show a reader, with what they may edit. */
async function modelFor(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  historyLimit: number,
): Promise<ProgramModel> {
  const state = deps.program.state();
  const json = state.bookJson;
  const routes = json.routes as { partner?: string; aePool?: string; policy: string }[];
  const poolName = (id: string) => (json.pools[id] as RawPool | undefined)?.name ?? readablePolicyName(id);
  const mayPolicies = may(deps.roles, ctx, 'policies') && isInternalActor(ctx.actor, ctx.internalTeamIds);
  // Each pool's last picks (the pages; the App Home's summary reads none).
  const picks = new Map(
    historyLimit > 0
      ? await Promise.all(
          Object.keys(json.pools).map(async (id) => [id, await poolHistory(deps.db, id, 5)] as const),
        )
      : [],
  );
  const partners = await partnersOf(deps, ctx, historyLimit > 0);
  const partnerName = (id: string) => partners.find((p) => String(p.id) === id)?.name;
  const history: ProgramEditLine[] = (
    historyLimit > 0 ? await programHistoryLines(deps.db, historyLimit) : []
  ).map(({ row, change }) => ({
    at: row.at,
    actor: row.actor,
    what: editWords(row, poolName, partnerName, change),
    note: row.note,
  }));
  return {
    pools: Object.entries(json.pools).map(([id, raw]) => {
      const p = raw as RawPool;
      return {
        id,
        name: poolName(id),
        members: p.users,
        ...(p.usergroup ? { usergroup: p.usergroup } : {}),
        ...(p.cap !== undefined ? { cap: p.cap } : {}),
        managers: p.managers ?? [],
        ...(p.managersGroup ? { managersGroup: p.managersGroup } : {}),
        ...poolSharingOf(p),
        mayEdit: mayEditPart(deps, ctx, 'pool', id),
        ...(historyLimit > 0 ? { picks: picks.get(id) ?? [] } : {}),
      };
    }),
    policies: Object.entries(json.policies).map(([id, body]) => ({
      id,
      name: nameOf(body, id),
      levels: levelsOf(body),
      appliesTo: routes
        .filter((r) => r.policy === id)
        .map((r) =>
          r.partner
            ? `${r.partner}'s handoffs`
            : `handoffs to the AEs of the ${poolName(r.aePool ?? '')} pool`,
        ),
      version: state.policyVersions[id] ?? 0,
      ...editedOf(state.rows.find((r) => r.kind === 'policy' && r.key === id)),
      mayEdit: mayPolicies,
    })),
    partners,
    closures: state.closures,
    holidays: state.holidays,
    admins: state.roles.admin.users,
    revops: state.roles.revops.users,
    managers: state.managers,
    history,
    settings: settingsGroupsFor(deps, ctx),
    may: {
      pools: mayEditPart(deps, ctx, 'pool', ''),
      policies: mayPolicies,
      program: mayEditPart(deps, ctx, 'roles', '-'),
      partners: mayEditPartner(deps.roles, ctx, undefined, 'managers'),
    },
    timeZone: deps.timeZone,
  };
}

/** The settings' groups a reader sees: those they may edit, and all of them for an admin or RevOps. */
function settingsGroupsFor(deps: ProgramAdminDeps, ctx: RequestContext): SettingsGroupModel[] {
  const state = deps.program.state();
  const stored = storedKeys(state);
  return (Object.keys(SETTINGS_GROUPS) as SettingsGroup[]).map((group) => ({
    group,
    values: state.settings,
    stored,
    mayEdit: mayEditPart(deps, ctx, 'settings', group),
  }));
}

/**
 * One edit in the history's words: "the *EMEA backup* pool: cap 4 → 5", "<@U…>'s own days: working days Mon–Fri →
 * Sun–Thu" ("their own days" when the line's actor is that person); "saved" or "removed" without its change.
 */
function editWords(
  { kind, key, body, actor }: { kind: string; key: string; body: unknown; actor: string },
  poolName: (id: string) => string,
  partnerName: (id: string) => string | undefined = () => undefined,
  change?: string,
): string {
  // What it changed from the version before (history.ts), else that it was saved or removed.
  const gone = change ?? (body === null ? 'removed' : 'saved');
  if (kind === 'partner') {
    const name = partnerName(key);
    return `the partner managers of ${name ? `*${escapeMrkdwn(name)}*` : 'a former partner'}: ${gone}`;
  }
  if (kind === 'pool') return `the *${poolName(key)}* pool: ${gone}`;
  if (kind === 'policy') return `the *${nameOf(body, key)}* escalation policy: ${gone}`;
  if (kind === 'person') return `${actor === key ? 'their' : `<@${key}>'s`} own days: ${gone}`;
  const label = PROGRAM_KINDS[kind as ProgramKindName]?.label ?? kind;
  return `${label}: ${gone}`;
}

/** The policy each partner and pool follows now, by its name, when it is not `key` (the first route decides). */
function routedElsewhere(
  routes: readonly { partner?: string; aePool?: string; policy: string }[],
  key: string,
  policyName: (id: string) => string,
) {
  const partners: Record<string, string> = {};
  const pools: Record<string, string> = {};
  for (const r of routes) {
    if (r.partner !== undefined) partners[r.partner] ??= r.policy === key ? '' : policyName(r.policy);
    if (r.aePool !== undefined) pools[r.aePool] ??= r.policy === key ? '' : policyName(r.policy);
  }
  return { partners, pools };
}

/** The workspace's user groups a role may be given to (read when an editor opens: at most 100; undefined: unread). */
async function usergroupsOf(deps: ProgramAdminDeps): Promise<UsergroupChoice[] | undefined> {
  try {
    return deps.directory.usergroups ? (await deps.directory.usergroups()).slice(0, 100) : undefined;
  } catch {
    return undefined;
  }
}

/** The roles' editor, with the workspace's user groups to choose from. */
async function rolesEditor(deps: ProgramAdminDeps, roles: ProgramState['roles']): Promise<ModalView> {
  const usergroups = await usergroupsOf(deps);
  return rolesEditorModal({
    admins: roles.admin.users,
    revops: roles.revops.users,
    ...(roles.admin.usergroup ? { adminGroup: roles.admin.usergroup } : {}),
    ...(roles.revops.usergroup ? { revopsGroup: roles.revops.usergroup } : {}),
    ...(usergroups ? { usergroups } : {}),
  });
}

/** A partner's editor: its managers for admins and RevOps, what they hear for them and its own managers. */
async function partnerEditor(
  deps: ProgramAdminDeps,
  ctx: RequestContext,
  key: string,
): Promise<ModalView | undefined> {
  const partner = /^\d{1,12}$/.test(key) ? await findPartner(deps.db, Number(key)) : undefined;
  if (!partner) return undefined;
  const part = deps.program.state().partners[key];
  const mayManagers = mayEditPartner(deps.roles, ctx, part, 'managers');
  const usergroups = mayManagers ? await usergroupsOf(deps) : undefined;
  return partnerEditorModal({
    id: partner.id,
    name: partner.name,
    managers: part?.managers ?? [],
    ...(part?.usergroup ? { usergroup: part.usergroup } : {}),
    ...(usergroups ? { usergroups } : {}),
    notify: part?.notify ?? 'all',
    contacts: (part?.contacts ?? []).map(contactLine),
    mayManagers,
  });
}

export function createProgramAdmin(deps: ProgramAdminDeps) {
  return {
    mayEdit: (ctx: RequestContext, part: ProgramPart, key: string) => mayEditPart(deps, ctx, part, key),
    save: (ctx: RequestContext, saved: PartForm) => savePart(deps, ctx, saved),
    /** The App Home's section (a short history is not needed there). */
    model: (ctx: RequestContext, historyLimit = 25) => modelFor(deps, ctx, historyLimit),
    /** The editor of a part as it is now, for a reader who may edit it (undefined: not theirs, or no such part). */
    async editor(ctx: RequestContext, part: ProgramPart, key: string): Promise<ModalView | undefined> {
      if (!mayEditPart(deps, ctx, part, key)) return undefined;
      await deps.program.refresh();
      const state = deps.program.state();
      const json = state.bookJson;
      const pools = Object.keys(json.pools).map((id) => ({
        id,
        name: (json.pools[id] as RawPool).name ?? readablePolicyName(id),
      }));
      if (part === 'pool') {
        const p = (key ? json.pools[key] : {}) as RawPool | undefined;
        if (!p) return undefined;
        const admin = may(deps.roles, ctx, 'pools');
        const usergroups = admin ? await usergroupsOf(deps) : undefined;
        return poolEditorModal({
          ...(key ? { id: key } : {}),
          name: p.name ?? '',
          members: key && !p.users ? undefined : (p.users ?? []),
          ...(p.usergroup ? { usergroup: p.usergroup } : {}),
          ...(p.cap !== undefined ? { cap: p.cap } : {}),
          defaultCap: deps.defaultCap,
          managers: p.managers ?? [],
          ...(p.managersGroup ? { managersGroup: p.managersGroup } : {}),
          ...(usergroups ? { usergroups } : {}),
          ...poolSharingOf(p),
          admin,
        });
      }
      if (part === 'policy') {
        const body = key ? json.policies[key] : { levels: [] };
        if (body === undefined) return undefined;
        const routes = json.routes as { partner?: string; aePool?: string; policy: string }[];
        return policyEditorModal({
          ...(key ? { id: key } : {}),
          name: key ? ((body as RawPolicy).name ?? '') : '',
          levels: levelsOf(body),
          pools,
          partners: (await listPartners(deps.db)).map((p) => p.name),
          routedPartners: routes.filter((r) => r.policy === key && r.partner).map((r) => r.partner as string),
          routedPools: routes.filter((r) => r.policy === key && r.aePool).map((r) => r.aePool as string),
          routedElsewhere: routedElsewhere(routes, key, (id) => nameOf(json.policies[id], id)),
          openCount: key ? await openUnderPolicy(deps.db, key) : 0,
        });
      }
      if (part === 'calendar')
        return calendarEditorModal({ closures: state.closures, holidays: state.holidays });
      if (part === 'roles') return rolesEditor(deps, state.roles);
      if (part === 'partner') return partnerEditor(deps, ctx, key);
      if (part === 'settings')
        return isSettingsGroup(key) ? settingsEditorModal(key, state.settings) : undefined;
      return managersEditorModal(state.managers);
    },
  };
}

export type ProgramAdmin = ReturnType<typeof createProgramAdmin>;

/** The page an editor goes back to when it is saved. */
export const PAGE_OF: Record<ProgramPart, ProgramPage> = {
  pool: 'pools',
  policy: 'policies',
  calendar: 'calendar',
  roles: 'roles',
  managers: 'roles',
  partner: 'partners',
  settings: 'settings',
};

export { isProgramPart, PROGRAM_PARTS, type ProgramPart };
