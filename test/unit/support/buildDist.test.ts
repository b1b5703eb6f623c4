import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildDist } from '../../support/buildDist.js';

/**
 * Issue 78: two test runs in one checkout share dist/. The build writes only what changed, each file whole (written
 * beside its place and renamed over it), so a run starting the built app never reads another run's half-written file.
 */
describe('the tests’ build of dist/', () => {
  // A dist/ of its own: the checkout's is the one the integration tests start.
  const dist = mkdtempSync(join(tmpdir(), 'dist-'));
  const probe = join(dist, 'version.js');
  afterAll(() => rmSync(dist, { recursive: true, force: true }));

  it('rewrites nothing that is already built, writes back a file that differs, and leaves no temporary file', async () => {
    await buildDist(dist);
    const before = statSync(probe);
    await buildDist(dist);
    // The same file, untouched: a second run's build cannot tear it under a first run's reader.
    expect(statSync(probe).ino).toBe(before.ino);
    expect(statSync(probe).mtimeMs).toBe(before.mtimeMs);

    writeFileSync(probe, '// torn');
    await buildDist(dist);
    const rebuilt = statSync(probe);
    // Replaced by a rename (a new inode), not rewritten in place.
    expect(rebuilt.ino).not.toBe(before.ino);
    expect(rebuilt.size).toBe(before.size);
    const leftovers = (readdirSync(dist, { recursive: true }) as string[]).filter((f) => f.endsWith('.tmp'));
    expect(leftovers).toEqual([]);
  });
});
