import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APPLIED_NOTE } from '../../src/program/program.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';
import { handoffRow, QUIET, sweepAt } from '../support/ownerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 53, "Policies pinned per handoff": a handoff runs under the version of its policy in force when it was sent.
 * An edit (here the reassignment four hours after the due time becomes a notice) applies to handoffs sent after it;
 * "apply to open handoffs" moves the open ones to it, audited in the program's history. Each escalation the touch
 * log records names the version that acted.
 */
const REASSIGNS = [
  { at: 'due+2h', action: 'notify', to: ['channel:C0INTERNAL'] },
  { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
];
const NOTIFIES = [
  { at: 'due+2h', action: 'notify', to: ['channel:C0INTERNAL'] },
  { at: 'due+4h', action: 'notify', to: ['channel:C0INTERNAL'] },
];
const POLICY = {
  pools: { backup: { users: [people.otherAe.id, people.member.id] } },
  policies: { strategic: REASSIGNS },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

async function events(h: Harness, handoffId: number) {
  const { handoffEvents } = h.tables;
  return h.database.db
    .select()
    .from(handoffEvents)
    .where(eq(handoffEvents.handoffId, handoffId))
    .orderBy(asc(handoffEvents.id));
}

/** The escalations the touch log holds for a handoff: which level, what it did, and the version that acted. */
async function escalations(h: Harness, handoffId: number) {
  return (await events(h, handoffId))
    .filter((e) => e.type === 'escalated')
    .map((e) => {
      const d = e.detail as { policyLevel: number; action: string; policyVersion?: number };
      return { level: d.policyLevel, action: d.action, version: d.policyVersion };
    });
}

describe('a policy edited while a handoff’s window is open', () => {
  let h: Harness;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-pin-'));
    const file = join(dir, 'policies.json');
    writeFileSync(file, JSON.stringify(POLICY));
    h = await startHarness({ env: { ...QUIET, ESCALATION_POLICY_FILE: file } });
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not change that handoff; a handoff sent after it follows the edit; apply to open moves the first, audited', async () => {
    const { program } = h.app;
    const imported = program.policyVersion('strategic') as number;
    expect(imported).toBeGreaterThan(0);
    const { handoff: first } = await sendHandoff(h, account('Northwind Pinned'));
    expect(await handoffRow(h, first.id)).toMatchObject({
      escalationPolicy: 'strategic',
      policyVersion: imported,
    });

    // RevOps turns the reassignment into a notice.
    const edited = await program.edit({
      actor: 'U0REVOPS',
      kind: 'policy',
      key: 'strategic',
      body: NOTIFIES,
    });
    expect(edited).toMatchObject({ ok: true, changed: true });
    const version = edited.ok ? edited.version : 0;
    expect(program.policyVersion('strategic')).toBe(version);
    const { handoff: second } = await sendHandoff(h, account('Contoso Pinned'));
    const sent = await handoffRow(h, second.id);
    expect(sent).toMatchObject({ escalationPolicy: 'strategic', policyVersion: version });

    // Both are silent past their due time: each level acts as its own version says.
    const steps = (await handoffRow(h, first.id)).escalationSteps ?? [];
    expect(steps.map((s) => s.level)).toEqual([0, 1]);
    expect(sent.escalationSteps?.map((s) => s.at)).toEqual(steps.map((s) => s.at));
    await sweepAt(h, sent.dueAt);
    await sweepAt(h, steps[0]?.at as number);
    await sweepAt(h, steps[1]?.at as number);
    // The first: its pinned version reassigns it to the pool.
    const moved = await handoffRow(h, first.id);
    expect(moved).toMatchObject({ status: 'sent', aeUserId: people.otherAe.id, policyVersion: imported });
    expect(await escalations(h, first.id)).toEqual([{ level: 1, action: 'notify', version: imported }]);
    expect((await events(h, first.id)).map((e) => e.type)).toEqual([
      'sent',
      'expired',
      'escalated',
      'reassigned',
    ]);
    // The second: the edited version tells the channel instead, and it stays with its AE.
    expect(await handoffRow(h, second.id)).toMatchObject({ status: 'expired', aeUserId: people.ae.id });
    expect(await escalations(h, second.id)).toEqual([
      { level: 1, action: 'notify', version },
      { level: 2, action: 'notify', version },
    ]);

    // "Apply to open handoffs": an explicit choice, written to the program's history.
    const appliedIds = await program.applyToOpen('U0ADMIN', 'strategic');
    expect(appliedIds).toContain(first.id);
    const { programLog } = h.tables;
    const [applied] = await h.database.db
      .select()
      .from(programLog)
      .where(eq(programLog.kind, 'policy'))
      .orderBy(asc(programLog.id))
      .then((rows) => rows.slice(-1));
    expect(applied).toMatchObject({ key: 'strategic', actor: 'U0ADMIN', note: APPLIED_NOTE });
    expect(applied?.body).toEqual(NOTIFIES);
    expect(applied?.id).toBeGreaterThan(version);
    expect(program.policyVersion('strategic')).toBe(applied?.id);
    expect((await handoffRow(h, first.id)).policyVersion).toBe(applied?.id);

    // The first handoff's new window now runs under the applied version: a notice where it was a reassignment.
    const again = await handoffRow(h, first.id);
    const next = again.escalationSteps ?? [];
    await sweepAt(h, again.dueAt);
    await sweepAt(h, next[0]?.at as number);
    await sweepAt(h, next[1]?.at as number);
    expect(await handoffRow(h, first.id)).toMatchObject({ aeUserId: people.otherAe.id, status: 'expired' });
    expect((await escalations(h, first.id)).slice(1)).toEqual([
      { level: 1, action: 'notify', version: applied?.id },
      { level: 2, action: 'notify', version: applied?.id },
    ]);
  });
});
