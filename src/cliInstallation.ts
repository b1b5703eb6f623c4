import { FIRST_INSTALLATION } from './db/columns.js';
import { tablesOf } from './db/engine.js';
import { ownedBy } from './db/owned.js';
import type { AnyDb, AnyExecutor, Db, Executor } from './db/types.js';

/**
 * The command-line tools' one installation: the one `installKey` names (its workspace's T… or its org's
 * E…), or the database's only one. Several and none named, or one named that is not there: `fail` says which there
 * are (the tool exits with its usage). A database with none yet is its first installation's to be.
 */
export async function oneInstallation(
  db: AnyDb,
  installKey: string | undefined,
  fail: (message: string) => never,
): Promise<Db>;
export async function oneInstallation(
  db: AnyExecutor,
  installKey: string | undefined,
  fail: (message: string) => never,
): Promise<Executor>;
export async function oneInstallation(
  db: AnyExecutor,
  installKey: string | undefined,
  fail: (message: string) => never,
): Promise<Executor> {
  const { installations } = tablesOf(db);
  const all = await db
    .select({ id: installations.id, installKey: installations.installKey })
    .from(installations)
    .orderBy(installations.id);
  const named = installKey === undefined ? undefined : all.find((i) => i.installKey === installKey);
  if (named) return ownedBy(db, named.id);
  const keys = all.map((i) => i.installKey).join(', ');
  if (installKey !== undefined)
    fail(`No installation ${installKey} in this database (it has ${keys || 'none'}).`);
  if (all.length > 1)
    fail(`This database serves ${all.length} installations (${keys}): name one with --installation.`);
  return ownedBy(db, all[0]?.id ?? FIRST_INSTALLATION);
}
