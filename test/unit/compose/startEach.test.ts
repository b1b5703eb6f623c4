import { describe, expect, it } from 'vitest';
import { startEach } from '../../../src/compose/tenants.js';
import { createLogger } from '../../../src/logger.js';

const logger = createLogger('silent');

describe('the start of every installation in force', () => {
  it('fails with a plain message when none is in force (uninstalled between the wait and the read)', async () => {
    const started: string[] = [];
    await expect(
      startEach(
        [],
        async (key) => void started.push(key),
        logger,
        () => false,
      ),
    ).rejects.toThrow(
      'no installation is in force: the app was uninstalled while it started; start it again',
    );
    expect(started).toEqual([]);
  });

  it('serves from the first that starts; one that cannot is left out, the others start after', async () => {
    const tried: string[] = [];
    const started: string[] = [];
    const { others } = await startEach(
      ['T1', 'T2', 'T3'],
      async (key) => {
        tried.push(key);
        if (key === 'T1') throw new Error('token_revoked');
        started.push(key);
      },
      logger,
      () => false,
    );
    // Serving once T2 started, T1 having failed: T3 is the others' start.
    expect(tried.slice(0, 2)).toEqual(['T1', 'T2']);
    await others;
    expect(started).toEqual(['T2', 'T3']);
  });
});
