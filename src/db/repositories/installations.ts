import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { AnyExecutor, AnyTx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import type { InstallationRow } from '../schema.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** An installation's ids, as Slack names them: `installKey` is the org's for an org-wide install, else the team's. */
export interface InstallationIds {
  installKey: string;
  teamId: string | null;
  enterpriseId: string | null;
  isEnterpriseInstall: boolean;
  appId: string | null;
  botUserId: string | null;
  botId: string | null;
}

/** The installation this key names (installed or not). */
export function installationByKey(
  exec: AnyExecutor,
  installKey: string,
): Promise<InstallationRow | undefined> {
  const { installations } = tablesOf(exec);
  return first(exec.select().from(installations).where(eq(installations.installKey, installKey)));
}

/** The deployment's first installation (the oldest row, in force or not), or undefined before any. */
export function firstInstallation(exec: AnyExecutor): Promise<InstallationRow | undefined> {
  const { installations } = tablesOf(exec);
  return first(exec.select().from(installations).orderBy(installations.id).limit(1));
}

/** The installations in force (not uninstalled), the oldest first. */
export function installedNow(exec: AnyExecutor): Promise<InstallationRow[]> {
  const { installations } = tablesOf(exec);
  return exec
    .select()
    .from(installations)
    .where(isNull(installations.uninstalledAt))
    .orderBy(installations.id) as Promise<InstallationRow[]>;
}

/**
 * The installations in force a request naming these ids may be for (install/routing.ts chooses among them): the
 * workspace's own, its org's, and the one whose message a partner acts on. An index lookup, not a read of every installation, for a request no tenant here
 * serves yet.
 */
export function installedFor(
  exec: AnyExecutor,
  ids: { teamId: string | undefined; enterpriseId: string | undefined; onBehalfOf?: string[] | undefined },
): Promise<InstallationRow[]> {
  const { installations } = tablesOf(exec);
  const keys = [ids.teamId, ids.enterpriseId, ...(ids.onBehalfOf ?? [])].filter(
    (id): id is string => id !== undefined,
  );
  if (keys.length === 0) return Promise.resolve([]);
  return exec
    .select()
    .from(installations)
    .where(and(isNull(installations.uninstalledAt), inArray(installations.installKey, keys)))
    .orderBy(installations.id) as Promise<InstallationRow[]>;
}

/**
 * Stores an installation (its ids, and the sealed tokens for an OAuth one): a new row, or the same key's row
 * updated (a reinstall, new scopes, a rotated token), installed again if it was uninstalled.
 */
export async function saveInstallation(
  tx: AnyTx,
  row: InstallationIds & {
    source: 'token' | 'oauth';
    sealed: string | null;
    botTokenExpiresAt: Date | null;
    installerUserId: string | null;
    at: Date;
  },
): Promise<void> {
  const { installations } = tablesOf(tx);
  const { at, ...values } = row;
  await tx
    .insert(installations)
    .values({ ...values, installedAt: at, updatedAt: at, uninstalledAt: null })
    .onConflictDoUpdate({
      target: installations.installKey,
      // Installed again: in force, and a later uninstall may delete its data again.
      set: { ...values, updatedAt: at, uninstalledAt: null, dataDeletedAt: null },
    });
}

/**
 * The identity of a single-token deployment (SLACK_BOT_TOKEN), as auth.test gave it: its database becomes the first
 * installation of a multi-workspace one. No token is stored; an OAuth row of the same key keeps its sealed tokens.
 */
export async function recordTokenInstallation(tx: AnyTx, ids: InstallationIds, at: Date): Promise<void> {
  const { installations } = tablesOf(tx);
  await tx
    .insert(installations)
    .values({ ...ids, source: 'token', installedAt: at, updatedAt: at })
    .onConflictDoUpdate({
      target: installations.installKey,
      set: { ...ids, updatedAt: at, uninstalledAt: null, dataDeletedAt: null },
    });
}

/**
 * Slack said the app was uninstalled (or its bot token revoked): the tokens go at once, the Slack ones and the CRM
 * credentials the workspace connected itself (crm/ownCrm.ts); the row stays.
 */
export async function markUninstalled(tx: AnyTx, installKey: string, at: Date): Promise<number> {
  const { installations, crmConnections } = tablesOf(tx);
  const gone = await tx
    .update(installations)
    .set({ sealed: null, botTokenExpiresAt: null, uninstalledAt: at, updatedAt: at })
    .where(and(eq(installations.installKey, installKey), isNull(installations.uninstalledAt)))
    .returning({ id: installations.id });
  for (const { id } of gone) await tx.delete(crmConnections).where(eq(crmConnections.installationId, id));
  return gone.length;
}

/**
 * Every value sealed at rest: the installations' tokens and the CRM connections' credentials. `again` gives a value
 * sealed anew, or undefined to leave it as it is. Returns how many were sealed again.
 */
export async function resealStored(
  tx: AnyTx,
  again: (sealed: string) => string | undefined,
): Promise<number> {
  const { installations, crmConnections } = tablesOf(tx);
  let count = 0;
  const tokens = await tx
    .select({ id: installations.id, sealed: installations.sealed })
    .from(installations)
    .where(isNotNull(installations.sealed));
  for (const row of tokens) {
    const next = again(row.sealed as string);
    if (next === undefined) continue;
    await tx.update(installations).set({ sealed: next }).where(eq(installations.id, row.id));
    count += 1;
  }
  const credentials = await tx
    .select({
      installationId: crmConnections.installationId,
      system: crmConnections.system,
      sealed: crmConnections.sealed,
    })
    .from(crmConnections);
  for (const row of credentials) {
    const next = again(row.sealed);
    if (next === undefined) continue;
    await tx
      .update(crmConnections)
      .set({ sealed: next })
      .where(
        and(eq(crmConnections.installationId, row.installationId), eq(crmConnections.system, row.system)),
      );
    count += 1;
  }
  return count;
}

/** How many installations connected their own CRM, by system (the doctor's privacy report). */
export async function crmConnectionCounts(exec: AnyExecutor): Promise<Record<string, number>> {
  const { crmConnections } = tablesOf(exec);
  const counts: Record<string, number> = {};
  for (const row of await exec.select({ system: crmConnections.system }).from(crmConnections))
    counts[row.system] = (counts[row.system] ?? 0) + 1;
  return counts;
}
