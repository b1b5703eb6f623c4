import type { Installation, InstallationQuery, InstallationStore } from '@slack/oauth';
import type { Clock } from '../clock.js';
import type { AnyDb } from '../db/client.js';
import {
  type InstallationIds,
  installationByKey,
  markUninstalled,
  resealStored,
  saveInstallation,
} from '../db/repositories/installations.js';
import type { Logger } from '../logger.js';
import { open, opened, seal, type TokenKeys } from './seal.js';

/**
 * Bolt's installation store (@slack/oauth's `InstallationStore`), in the app's own database (both engines): the ids in
 * the clear, the installation with its tokens sealed (seal.ts). A deployment serves every installation in force, each
 * on its own rows (db/owned.ts) and its own tenant (compose.ts).
 */

/** The key of an installation: the org's id for an org-wide install, else its workspace's. */
export function installKeyOf(ids: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string {
  const key = ids.isEnterpriseInstall ? ids.enterpriseId : (ids.teamId ?? ids.enterpriseId);
  if (!key) throw new Error('an installation names neither a workspace nor an org');
  return key;
}

function idsOf(installation: Installation): InstallationIds {
  const isEnterpriseInstall = installation.isEnterpriseInstall === true;
  const teamId = installation.team?.id ?? null;
  const enterpriseId = installation.enterprise?.id ?? null;
  return {
    installKey: installKeyOf({
      teamId: teamId ?? undefined,
      enterpriseId: enterpriseId ?? undefined,
      isEnterpriseInstall,
    }),
    teamId,
    enterpriseId,
    isEnterpriseInstall,
    appId: installation.appId ?? null,
    botUserId: installation.bot?.userId ?? null,
    botId: installation.bot?.id ?? null,
  };
}

export interface InstallationStoreDeps {
  db: AnyDb;
  clock: Clock;
  key: TokenKeys;
  /** Told after an installation is stored: a new install, a reinstall or new scopes (not a rotated token). */
  onStored?: (installKey: string) => void | Promise<void>;
}

/** The stored installation of this key, opened; undefined when none is in force. */
export async function storedInstallation(
  deps: Pick<InstallationStoreDeps, 'db' | 'key'>,
  installKey: string,
): Promise<Installation | undefined> {
  const row = await installationByKey(deps.db, installKey);
  if (!row?.sealed || row.uninstalledAt) return undefined;
  return JSON.parse(open(deps.key, row.sealed)) as Installation;
}

export function createInstallationStore(deps: InstallationStoreDeps): InstallationStore & {
  /** Slack said the app was uninstalled there (or its bot token revoked): its tokens are deleted, the row kept. */
  uninstalled(installKey: string): Promise<number>;
  /**
   * A rotated token of the installation in force, stored as an install is but told to no one: a refresh is neither a
   * reinstall nor news to the revocation record (it would write every 12 hours for nothing).
   */
  storeRefreshed(installation: Installation): Promise<void>;
} {
  async function save(installation: Installation): Promise<string> {
    const ids = idsOf(installation);
    // Sealed before the transaction: it holds the write lock only for the check and the write.
    const sealed = seal(deps.key, JSON.stringify(installation));
    await deps.db.transaction(async (tx) => {
      await saveInstallation(tx, {
        ...ids,
        source: 'oauth',
        sealed,
        botTokenExpiresAt: installation.bot?.expiresAt ? new Date(installation.bot.expiresAt * 1000) : null,
        installerUserId: installation.user?.id ?? null,
        at: deps.clock.now(),
      });
    });
    return ids.installKey;
  }
  return {
    async storeInstallation(installation) {
      const installKey = await save(installation as Installation);
      await deps.onStored?.(installKey);
    },
    async storeRefreshed(installation) {
      await save(installation);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const key = installKeyOf(query);
      const found =
        (await storedInstallation(deps, key)) ??
        // A workspace of an org whose install is org-wide.
        (query.enterpriseId && !query.isEnterpriseInstall
          ? await storedInstallation(deps, query.enterpriseId)
          : undefined);
      if (!found) throw new Error(`no installation in force for ${key}`);
      return found;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await deps.db.transaction((tx) => markUninstalled(tx, installKeyOf(query), deps.clock.now()));
    },
    uninstalled: (installKey) =>
      deps.db.transaction((tx) => markUninstalled(tx, installKey, deps.clock.now())),
  };
}

/**
 * A key rotation (SLACK_TOKEN_KEY_PREVIOUS set beside the new SLACK_TOKEN_KEY): at start, every value the previous key
 * sealed is sealed again under the new one, in one transaction, so the previous key can then be dropped. A value
 * neither key opens stops the start with the SealError that says so.
 */
export async function resealUnderNewKey(db: AnyDb, keys: TokenKeys, logger: Logger): Promise<number> {
  if (!keys.previous) return 0;
  const count = await db.transaction((tx) =>
    resealStored(tx, (sealed) => {
      const { plain, stale } = opened(keys, sealed);
      return stale ? seal(keys, plain) : undefined;
    }),
  );
  logger.info(
    { resealed: count },
    count > 0
      ? 'sealed again under the new SLACK_TOKEN_KEY what the previous key had sealed: SLACK_TOKEN_KEY_PREVIOUS can be removed'
      : 'nothing is sealed under SLACK_TOKEN_KEY_PREVIOUS any more: it can be removed',
  );
  return count;
}
