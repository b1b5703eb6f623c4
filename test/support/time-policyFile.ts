import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, type HarnessOptions, startHarness } from './harness.js';

/**
 * Starts the app with `policy` as its ESCALATION_POLICY_FILE, written into a folder of its own that is removed when the
 * app stops, or at once when the start fails.
 */
export async function startWithPolicyFile(policy: unknown, opts: HarnessOptions = {}): Promise<Harness> {
  const dir = mkdtempSync(join(tmpdir(), 'policy-'));
  const file = join(dir, 'policies.json');
  writeFileSync(file, JSON.stringify(policy));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  try {
    const h = await startHarness({ ...opts, env: { ...opts.env, ESCALATION_POLICY_FILE: file } });
    const stop = h.stop;
    h.stop = async (stopOpts) => {
      await stop(stopOpts);
      remove();
    };
    return h;
  } catch (error) {
    remove();
    throw error;
  }
}
