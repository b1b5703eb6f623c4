import type { Clock } from '../clock.js';
import type { AnyDb } from '../db/client.js';
import { anyInstallationOf } from '../db/owned.js';
import { deleteInstallationData, uninstalledBefore } from '../db/repositories/uninstalls.js';
import type { Logger } from '../logger.js';

/**
 * What an uninstall does to a workspace's data (UNINSTALL_DELETE_AFTER_DAYS; docs/operations.md
 * "Uninstall"): unset, everything stays (a reinstall picks up where it was); 0, it is deleted as soon as Slack says
 * the app was uninstalled (or its bot token revoked); N, N days later unless the app was installed there again
 * meanwhile. The deletion is one transaction per installation: every row of every table, the touch log included; the
 * installation's own row stays, with no person in it. It runs at the uninstall (0 days), in the daily job of every
 * installation the app serves, and at every start, so a deletion cut short is done by the next run.
 */

export interface UninstallDeps {
  /** Any installation's view: the deletion names its installation and runs across installations. */
  db: AnyDb;
  clock: Clock;
  logger: Logger;
  /** UNINSTALL_DELETE_AFTER_DAYS; undefined: keep everything. */
  days: number | undefined;
}

const DAY_MS = 86_400_000;

export function createUninstalls(deps: UninstallDeps) {
  const db = anyInstallationOf(deps.db);
  const { clock, logger, days } = deps;

  async function purge(installationId: number): Promise<boolean> {
    const deleted = await db.transaction((tx) => deleteInstallationData(tx, installationId, clock.now()));
    if (!deleted) return false;
    logger.info(
      { installationId, deleted },
      "an uninstalled workspace's data deleted (UNINSTALL_DELETE_AFTER_DAYS); its installation row stays, with no person in it",
    );
    return true;
  }

  return {
    /** Every installation whose uninstall is UNINSTALL_DELETE_AFTER_DAYS old: its data deleted. Returns how many. */
    async purgeDue(): Promise<number> {
      if (days === undefined) return 0;
      let purged = 0;
      for (const id of await uninstalledBefore(db, new Date(clock.now().getTime() - days * DAY_MS)))
        if (await purge(id)) purged += 1;
      return purged;
    },
    /**
     * Slack said this installation's app was uninstalled: with UNINSTALL_DELETE_AFTER_DAYS=0 its data goes now. A
     * failure is logged; the next daily run or start deletes it.
     */
    async uninstalled(installationId: number | undefined): Promise<void> {
      if (days !== 0 || installationId === undefined) return;
      try {
        await purge(installationId);
      } catch (error) {
        logger.error(
          { err: error, installationId },
          "an uninstalled workspace's data could not be deleted now; the next run will",
        );
      }
    },
  };
}

export type Uninstalls = ReturnType<typeof createUninstalls>;
