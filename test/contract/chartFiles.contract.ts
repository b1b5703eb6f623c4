import { expect, it } from 'vitest';
import { findChartFile, forgetChartFile, rememberChartFile } from '../../src/db/repositories/chartFiles.js';
import { contract } from './engine.js';

export default contract('chartFiles repository', ({ db, at }) => {
  it('remembers a shared chart by its key, read back to the millisecond', async () => {
    expect(await findChartFile(db, 'C0CHAN:abc')).toBeUndefined();
    await db.transaction((tx) => rememberChartFile(tx, 'C0CHAN:abc', 'F0FIRST', at));
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual({
      installationId: 1,
      contentHash: 'C0CHAN:abc',
      fileId: 'F0FIRST',
      uploadedAt: at,
    });
    expect(await findChartFile(db, 'C0OTHER:abc')).toBeUndefined();
  });

  it('keeps the first file when the same chart is remembered twice', async () => {
    await db.transaction((tx) => rememberChartFile(tx, 'C0CHAN:abc', 'F0FIRST', at));
    const later = new Date(at.getTime() + 1);
    await db.transaction((tx) => rememberChartFile(tx, 'C0CHAN:abc', 'F0SECOND', later));
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual({
      installationId: 1,
      contentHash: 'C0CHAN:abc',
      fileId: 'F0FIRST',
      uploadedAt: at,
    });
  });

  it('forgets one chart (the others stay), after which it is remembered anew; forgetting a missing one does nothing', async () => {
    await db.transaction(async (tx) => {
      await rememberChartFile(tx, 'C0CHAN:abc', 'F0FIRST', at);
      await rememberChartFile(tx, 'C0CHAN:def', 'F0OTHER', at);
    });
    await db.transaction((tx) => forgetChartFile(tx, 'C0CHAN:abc'));
    await db.transaction((tx) => forgetChartFile(tx, 'C0CHAN:missing'));
    expect(await findChartFile(db, 'C0CHAN:abc')).toBeUndefined();
    expect((await findChartFile(db, 'C0CHAN:def'))?.fileId).toBe('F0OTHER');
    const later = new Date(at.getTime() + 60_000);
    await db.transaction((tx) => rememberChartFile(tx, 'C0CHAN:abc', 'F0AGAIN', later));
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual({
      installationId: 1,
      contentHash: 'C0CHAN:abc',
      fileId: 'F0AGAIN',
      uploadedAt: later,
    });
  });

  it('reads its own write inside the transaction, and nothing of a transaction that failed', async () => {
    await expect(
      db.transaction(async (tx) => {
        await rememberChartFile(tx, 'C0CHAN:abc', 'F0FIRST', at);
        expect((await findChartFile(tx, 'C0CHAN:abc'))?.fileId).toBe('F0FIRST');
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await findChartFile(db, 'C0CHAN:abc')).toBeUndefined();
  });
});
