import { type Column, eq, type Placeholder, type SQL } from 'drizzle-orm';
import type { Executor } from './types.js';

/**
 * The installation is an explicit key: every repository query names it. `own(exec, table)` is the condition that keeps
 * a select, update, delete or join to the executor's installation's rows; `ownRow(exec, row)` is a row as that
 * installation writes it. A query over every installation (the outbox's and programs' shared looks, the install
 * router, the command-line tools) takes an `AnyInstallation` executor and says so in its signature.
 */

/** The installation an executor stands for: its id, or the placeholder a prepared statement binds per run. */
export type InstallationKey = number | Placeholder;

/** An executor that reads and writes across installations (its queries name none). */
export type AnyInstallation = Executor;

/** A table whose rows carry their installation. */
interface Keyed {
  installationId: Column;
}

/** The executor's installation; undefined for one that stands for none (an `AnyInstallation` executor). */
export function installationKeyOf(exec: Executor): InstallationKey | undefined {
  return (exec as unknown as { installationId?: InstallationKey }).installationId;
}

/** The condition keeping a query of `table` to the executor's installation's rows. */
export function own(exec: Executor, table: Keyed): SQL | undefined {
  const key = installationKeyOf(exec);
  return key === undefined ? undefined : eq(table.installationId, key);
}

/** `row` as the executor's installation writes it. */
export function ownRow<R extends object>(exec: Executor, row: R): R & { installationId?: InstallationKey } {
  const key = installationKeyOf(exec);
  return key === undefined ? row : { ...row, installationId: key };
}
