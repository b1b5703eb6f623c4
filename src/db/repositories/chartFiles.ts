import { and, eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { chartFiles } from '../schema.js';

export type ChartFileRow = typeof chartFiles.$inferSelect;

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/** Chart images shared into Slack, by their cache key (channel and picture hash: core/slackFiles.ts). */
export async function findChartFile(exec: Executor, key: string): Promise<ChartFileRow | undefined> {
  const { chartFiles } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(chartFiles)
      .where(and(own(exec, chartFiles), eq(chartFiles.contentHash, key))),
  );
}

/** Forgets a shared chart (Slack no longer shows it in its channel): the next run shares it again. */
export async function forgetChartFile(exec: Tx, key: string): Promise<void> {
  const { chartFiles } = tablesOf(exec);
  await exec.delete(chartFiles).where(and(own(exec, chartFiles), eq(chartFiles.contentHash, key)));
}

/** Remembers a chart just shared (the first one kept when two runs shared it at once). */
export async function rememberChartFile(exec: Tx, key: string, fileId: string, now: Date): Promise<void> {
  const { chartFiles } = tablesOf(exec);
  await exec
    .insert(chartFiles)
    .values(ownRow(exec, { contentHash: key, fileId, uploadedAt: now }))
    .onConflictDoNothing();
}
