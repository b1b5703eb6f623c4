import { eq } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { chartFiles } from '../schema.js';

export type ChartFileRow = typeof chartFiles.$inferSelect;

/** Chart images shared into Slack, by their cache key (channel and picture hash: services/slackFiles.ts). */
export async function findChartFile(exec: Executor, key: string): Promise<ChartFileRow | undefined> {
  return exec.select().from(chartFiles).where(eq(chartFiles.contentHash, key)).get();
}

/** Forgets a shared chart (Slack no longer shows it in its channel): the next run shares it again. */
export async function forgetChartFile(exec: Tx, key: string): Promise<void> {
  exec.delete(chartFiles).where(eq(chartFiles.contentHash, key)).run();
}

/** Remembers a chart just shared (the first one kept when two runs shared it at once). */
export async function rememberChartFile(exec: Tx, key: string, fileId: string, now: Date): Promise<void> {
  exec.insert(chartFiles).values({ contentHash: key, fileId, uploadedAt: now }).onConflictDoNothing().run();
}
