import { afterEach, describe, expect, it } from 'vitest';
import { ACTION_ID } from '../../src/blocks/ids.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import { handoffRow, outboxDrained, QUIET } from '../support/ownerFlow.js';
import { aeSlackUser, click } from '../support/partnerFlow.js';
import { people } from '../support/people.js';

/**
 * Issue 53, "On Postgres with two replicas, an edit made through one replica governs the next sweep on the other":
 * two app processes on one database; a pool edited through replica A is what replica B's next sweep reassigns from
 * (the sweep rereads the program first: compose/jobs.ts). The pool is read as the program says now, not pinned with
 * the policy (a handoff's pinned version names the pool; its members are today's).
 *
 * SQLite has no such case: its file is locked to one process.
 */
const STRATEGIC = [{ at: 'due+4h', action: 'reassign', to: ['pool:backup'] }];
const actor = 'U0ADMIN';

describe.runIf(harnessEngine() === 'postgres')('the program on two replicas', () => {
  const stops: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('an edit through one replica governs the next sweep on the other', async () => {
    const a = await startHarness({ env: QUIET });
    stops.push(async () => {
      await a.stop({ keepDatabase: true });
      await a.slack.stop();
    });
    const written = await a.app.program.editMany([
      {
        actor,
        kind: 'pool',
        key: 'backup',
        body: { users: [people.otherAe.id, people.member.id], name: 'Backup AEs' },
      },
      { actor, kind: 'policy', key: 'strategic', body: STRATEGIC },
      { actor, kind: 'routes', body: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }] },
    ]);
    expect(written).toMatchObject({ ok: true, changed: true });
    const b: Harness = await startHarness({ env: QUIET, slack: a.slack, databasePath: a.databaseKey });
    stops.push(() => b.stop({ keepDatabase: true }));
    expect(b.app.program.policyVersion('strategic')).toBe(a.app.program.policyVersion('strategic'));

    const { handoff } = await sendHandoff(a, account('Northwind Replicas'));
    const sent = await handoffRow(a, handoff.id);
    expect(sent.escalationPolicy).toBe('strategic');

    // Through A: Sam leaves the backup pool (round robin would pick Sam first).
    const pool = { users: [people.member.id], name: 'Backup AEs' };
    expect(await a.app.program.edit({ actor, kind: 'pool', key: 'backup', body: pool })).toMatchObject({
      ok: true,
      changed: true,
    });
    // The same pool again through B, its keys in another order than Postgres keeps them (jsonb): nothing written.
    expect(
      await b.app.program.edit({
        actor,
        kind: 'pool',
        key: 'backup',
        body: { name: 'Backup AEs', users: pool.users },
      }),
    ).toMatchObject({ ok: true, changed: false });

    // B's sweep, past the due time and then the level's: the pool as A left it.
    for (const at of [sent.dueAt, sent.escalationSteps?.[0]?.at as number]) {
      // Both replicas read one time, as real replicas do: A's outbox, days behind, would hold what B's sweep queued
      // in a conversation A leases (the owner's DM) until then.
      a.clock.set(new Date(at));
      b.clock.set(new Date(at));
      await b.app.scheduler.runNow('response-window-sweep');
      await outboxDrained(b);
    }
    expect(await handoffRow(b, handoff.id)).toMatchObject({ status: 'sent', aeUserId: people.member.id });
    expect(b.app.program.book()?.pools.backup).toMatchObject({ users: [people.member.id] });
  }, 30_000);

  it('a setting saved through one replica is in force on the other once it rereads the program', async () => {
    const a = await startHarness({ env: QUIET });
    stops.push(async () => {
      await a.stop({ keepDatabase: true });
      await a.slack.stop();
    });
    const b: Harness = await startHarness({ env: QUIET, slack: a.slack, databasePath: a.databaseKey });
    stops.push(() => b.stop({ keepDatabase: true }));
    const { handoff } = await sendHandoff(a, { ownerUserId: people.owner.id });
    expect(b.app.program.state().settings.moreTimeApproval).toBe('owner');

    const stored = a.app.program.state().rows.find((r) => r.kind === 'settings')?.body as object;
    const saved = await a.app.program.edit({
      actor,
      kind: 'settings',
      body: { ...stored, moreTimeApproval: 'auto', moreTimeDays: 4 },
    });
    expect(saved).toMatchObject({ ok: true, changed: true });
    // B rereads before its next sweep (and every few seconds): the AE's ask, answered by B, follows A's edit.
    await b.app.scheduler.runNow('response-window-sweep');
    expect(b.app.program.state().settings).toMatchObject({ moreTimeApproval: 'auto', moreTimeDays: 4 });
    await click(b, ACTION_ID.askMoreTime, handoff.id, aeSlackUser);
    await outboxDrained(b);
    expect(await handoffRow(b, handoff.id)).toMatchObject({ moreTime: 'granted', moreTimeDays: 4 });
  }, 30_000);
});
