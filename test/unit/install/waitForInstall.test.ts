import { describe, expect, it } from 'vitest';
import type { InstallationRow } from '../../../src/db/schema.js';
import { waitForInstall } from '../../../src/install/oauth.js';
import { SteppedTimers } from '../../support/steppedTimers.js';

const row = (sealed: string | null) => ({ installKey: 'T0ACME', sealed }) as InstallationRow;

describe('waiting for the install', () => {
  it('finds an installation another process stored at its next look, then stops looking', async () => {
    const timers = new SteppedTimers();
    let stored: InstallationRow | undefined;
    let looks = 0;
    const current = async () => {
      looks += 1;
      return stored;
    };
    const listeners: ((key: string) => void)[] = [];
    const deps = { timers, lookEveryMs: 5000 };
    let found: string | undefined;
    void waitForInstall(deps, current, listeners).then((key) => {
      found = key;
    });
    await timers.advance(5000);
    expect(found).toBeUndefined();
    stored = row('v1.sealed');
    await timers.advance(5000);
    await Promise.resolve();
    expect(found).toBe('T0ACME');
    expect(listeners).toEqual([]);
    const after = looks;
    await timers.advance(20_000);
    expect(looks).toBe(after);
    expect(timers.scheduled()).toEqual([]);
  });

  it('is told at once by this process’s store, and an uninstalled row (no tokens) does not count', async () => {
    const timers = new SteppedTimers();
    const listeners: ((key: string) => void)[] = [];
    const waiting = waitForInstall({ timers, lookEveryMs: 5000 }, async () => row(null), listeners);
    await timers.advance(5000);
    expect(listeners).toHaveLength(1);
    for (const listener of [...listeners]) listener('T0ACME');
    await expect(waiting).resolves.toBe('T0ACME');
    expect(listeners).toEqual([]);
    expect(timers.scheduled()).toEqual([]);
  });
});
