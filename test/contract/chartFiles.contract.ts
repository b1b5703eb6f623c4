import { expect, it } from 'vitest';
import { findChartFile, forgetChartFile, rememberChartFile } from '../../src/db/repositories/chartFiles.js';
import { contract } from './engine.js';

export default contract('chartFiles repository', ({ db, at, plus, write }) => {
  const remember = (key: string, fileId: string, when = at) => write(rememberChartFile, key, fileId, when);
  const file = (fileId: string, uploadedAt = at) => ({
    installationId: 1,
    contentHash: 'C0CHAN:abc',
    fileId,
    uploadedAt,
  });

  it('remembers a shared chart by its key, read back to the millisecond, the first file staying when remembered twice; forgets one (the others stay), after which it is remembered anew', async () => {
    expect(await findChartFile(db, 'C0CHAN:abc')).toBeUndefined();
    await remember('C0CHAN:abc', 'F0FIRST');
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual(file('F0FIRST'));
    expect(await findChartFile(db, 'C0OTHER:abc')).toBeUndefined();
    await remember('C0CHAN:abc', 'F0SECOND', plus(1));
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual(file('F0FIRST'));
    await remember('C0CHAN:def', 'F0OTHER');
    await write(forgetChartFile, 'C0CHAN:abc');
    // Forgetting a missing one does nothing.
    await write(forgetChartFile, 'C0CHAN:missing');
    expect(await findChartFile(db, 'C0CHAN:abc')).toBeUndefined();
    expect((await findChartFile(db, 'C0CHAN:def'))?.fileId).toBe('F0OTHER');
    await remember('C0CHAN:abc', 'F0AGAIN', plus(60_000));
    expect(await findChartFile(db, 'C0CHAN:abc')).toEqual(file('F0AGAIN', plus(60_000)));
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
