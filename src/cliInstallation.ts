import type { Executor } from './db/client.js';
import { tablesOf } from './db/engine.js';
import { scopedTo } from './db/installationScope.js';

/**
 * The command-line tools' one installation: the one `installKey` names (its workspace's T… or its org's
 * E…), or the database's only one. Several and none named, or one named that is not there: `fail` says which there
 * are (the tool exits with its usage).
 */
export async function oneInstallation<E extends Executor>(
  db: E,
  installKey: string | undefined,
  fail: (message: string) => never,
): Promise<E> {
  const { installations } = tablesOf(db);
  const all = await db
    .select({ id: installations.id, installKey: installations.installKey })
    .from(installations)
    .orderBy(installations.id);
  const named = installKey === undefined ? undefined : all.find((i) => i.installKey === installKey);
  if (named) return scopedTo(db, named.id);
  const keys = all.map((i) => i.installKey).join(', ');
  if (installKey !== undefined)
    fail(`No installation ${installKey} in this database (it has ${keys || 'none'}).`);
  if (all.length > 1)
    fail(`This database serves ${all.length} installations (${keys}): name one with --installation.`);
  return all[0] ? scopedTo(db, all[0].id) : db;
}
