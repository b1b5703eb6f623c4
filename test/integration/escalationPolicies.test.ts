import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTION_ID, PACKET_POOL_BLOCK_ID } from '../../src/blocks/ids.js';
import { eventsOf } from '../../src/db/repositories/events.js';
import { account } from '../support/crmFlow.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickOwnerButton,
  dmOf,
  handoffRow,
  json,
  QUIET,
  sweepAt,
  waitForDm,
} from '../support/ownerFlow.js';
import { accept, memberUser } from '../support/partnerFlow.js';
import { packetSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import { lastHandoff, sendReview } from '../support/reviewFlow.js';
import { startWithPolicyFile } from '../support/time-policyFile.js';

/**
 * An escalation policy of three levels (remind the AE at half the window, tell the manager and a channel at the due
 * time, reassign to the next AE of a pool four business hours later), through the real app, the sweep and a stepped
 * clock. The pool's first member is away (Slack status): round robin skips them.
 */
const POLICY = {
  pools: { backup: { users: [people.otherAe.id, people.member.id] } },
  policies: {
    strategic: [
      { at: '50%', action: 'remind' },
      { at: 'due', action: 'notify', to: ['manager', 'channel:C0INTERNAL'] },
      { at: 'due+4h', action: 'reassign', to: ['pool:backup'] },
    ],
  },
  routes: [{ partner: 'Meridian Cloud Consulting', policy: 'strategic' }],
};

/**
 * Where the program's policy comes from: the ESCALATION_POLICY_FILE imported at the first start, or the same pools,
 * policy and routes written into the program as the Admin tab writes them, with no file. Every test of a policy runs
 * against both.
 */
interface Source {
  name: string;
  start(env: Record<string, string>): Promise<Harness>;
}
const SOURCES: Source[] = [
  {
    name: 'the policy file, imported at start',
    start: (env) => startWithPolicyFile(POLICY, { env }),
  },
  {
    name: 'the program, edited in Slack',
    async start(env) {
      const h = await startHarness({ env });
      const actor = 'U0ADMIN';
      const written = await h.app.program.editMany([
        ...Object.entries(POLICY.pools).map(([key, body]) => ({ actor, kind: 'pool' as const, key, body })),
        ...Object.entries(POLICY.policies).map(([key, body]) => ({
          actor,
          kind: 'policy' as const,
          key,
          body,
        })),
        { actor, kind: 'routes', body: POLICY.routes },
      ]);
      expect(written).toMatchObject({ ok: true, changed: true });
      // A channel the edit names is confirmed internal by the next re-check (every minute), as one named at start
      // is by the start's own check: nothing internal is posted to a channel not confirmed.
      await h.app.scheduler.runNow('channel-sharing-recheck');
      return h;
    },
  },
];

const events = (h: Harness, handoffId: number) => eventsOf(h.database.db, handoffId);

describe.each(SOURCES)('escalation policy: remind, manager, reassign to a pool ($name)', (source) => {
  let h: Harness;
  beforeAll(async () => {
    h = await source.start({ ...QUIET, ESCALATION_MANAGERS: `${people.ae.id}=${people.owner.id}` });
  });
  afterAll(() => h.stop());

  it('follows the partner’s policy level by level, skipping the away member of the pool', async () => {
    const { handoff } = await sendHandoff(h, account('Northwind Policy'));
    const sent = await handoffRow(h, handoff.id);
    expect(sent.escalationPolicy).toBe('strategic');
    // Level 1: one reminder at half the window (business hours in the AE's calendar).
    expect(sent.reminderSchedule).toHaveLength(1);
    // Level 3 is the sweep's step; level 2 rides on the expiry.
    expect(sent.escalationSteps?.map((s) => s.level)).toEqual([2]);

    await sweepAt(h, sent.reminderSchedule?.[0] as number);
    await waitForDm(h, people.ae.id, 'Reminder', 'the level-1 reminder');

    await sweepAt(h, sent.dueAt);
    expect((await handoffRow(h, handoff.id)).status).toBe('expired');
    // Level 2: the manager and the channel hear of the silence.
    await waitForDm(h, people.owner.id, 'Silence', 'the manager told');
    expect(json(h.slack.messages('C0INTERNAL'))).toContain('Silence');

    // The pool's first member is on vacation.
    h.slack.setStatus(people.otherAe.id, { text: 'Vacation', emoji: ':palm_tree:', expiration: null });
    await sweepAt(h, sent.escalationSteps?.[0]?.at as number);
    const moved = await handoffRow(h, handoff.id);
    expect(moved.status).toBe('sent');
    expect(moved.aeUserId).toBe(people.member.id);
    expect(moved.assignment).toBe(2);
    // A fresh window under the same policy.
    expect(moved.dueAt.getTime()).toBeGreaterThan(sent.dueAt.getTime());
    expect(moved.escalationPolicy).toBe('strategic');
    await waitForDm(h, people.member.id, 'Northwind Policy', 'the packet for the new AE');

    const log = (await events(h, handoff.id)).map((e) => [e.type, e.actorUserId, e.detail]);
    expect(log.map(([type]) => type)).toEqual(['sent', 'reminded', 'expired', 'reassigned']);
    const reassigned = (await events(h, handoff.id)).at(-1);
    expect(reassigned?.actorUserId).toBeNull();
    expect(reassigned?.detail).toMatchObject({
      previousAeUserId: people.ae.id,
      policy: 'strategic',
      // The name people read with it (no `name` in the file: the id made readable), for /handoff view's history.
      policyName: 'Strategic',
      policyLevel: 3,
      pool: 'backup',
      skipped: [{ user: people.otherAe.id, why: expect.stringContaining('away') }],
    });
    // The away member got nothing.
    expect(dmOf(h, people.otherAe.id)).toEqual([]);
  });

  it('goes round robin: the next handoff the pool takes goes to the member after the last one', async () => {
    // Mo answers the first one: else its new window's levels run again as the clock moves on (the policy keeps
    // acting after a reassignment), and the pool's last pick would be that move.
    const first = (await h.database.db.select().from(h.tables.handoffs).orderBy(h.tables.handoffs.id))[0];
    await accept(h, first?.id as number, memberUser);
    expect((await handoffRow(h, first?.id as number)).status).toBe('accepted');
    h.slack.setStatus(people.otherAe.id, { text: '', emoji: '', expiration: null });
    const { handoff } = await sendHandoff(h, account('Contoso Policy'));
    const sent = await handoffRow(h, handoff.id);
    await sweepAt(h, sent.dueAt);
    await sweepAt(h, sent.escalationSteps?.[0]?.at as number);
    // The last one went to Mo (member); this one goes to Sam, back at the start of the pool.
    expect((await handoffRow(h, handoff.id)).aeUserId).toBe(people.otherAe.id);
  });

  it('an answer or a withdrawal before the due time stops the policy: its next step is cleared and never runs', async () => {
    const { handoff } = await sendHandoff(h, account('Fabrikam Policy'));
    const withdrawn = (await sendHandoff(h, account('Tailspin Policy'))).handoff;
    const sent = await handoffRow(h, handoff.id);
    expect([sent.nextEscalationAt, withdrawn.nextEscalationAt]).not.toContain(null);
    await accept(h, handoff.id);
    // Nothing is due for it any more: the step's time is cleared with the decision (out of the sweep's index).
    expect((await handoffRow(h, handoff.id)).nextEscalationAt).toBeNull();
    await clickOwnerButton(h, ACTION_ID.withdraw, withdrawn.id, authorUser);
    expect(await handoffRow(h, withdrawn.id)).toMatchObject({
      status: 'withdrawn',
      nextReminderAt: null,
      nextEscalationAt: null,
    });
    await sweepAt(h, sent.dueAt);
    await sweepAt(h, sent.escalationSteps?.[0]?.at as number);
    expect(await handoffRow(h, handoff.id)).toMatchObject({ status: 'accepted', aeUserId: people.ae.id });
    // Nothing of the policy after the answer: only the first step's own checks, which the sweep runs on accepted deals
    // (the reminder the business day before its date, then the check-in on it).
    expect((await events(h, handoff.id)).map((e) => e.type)).toEqual([
      'sent',
      'accepted',
      'step_reminded',
      'step_checked_in',
    ]);
    expect((await events(h, withdrawn.id)).map((e) => e.type)).toEqual(['sent', 'withdrawn']);
  });

  it('the packet may name a pool instead of an AE: the next member gets it, round robin, skipping anyone away', async () => {
    // The /handoff form offers the pools.
    const before = h.slack.callsTo('views.open').length;
    await h.command({ text: '' });
    const opened = await waitFor(() => h.slack.callsTo('views.open')[before], 4000, 'the packet form');
    expect(JSON.stringify(opened.args.view)).toContain(PACKET_POOL_BLOCK_ID);
    // Each pool by the name people read (the file gives none here: the id made readable), its id the value.
    const poolBlock = (
      opened.args.view as { blocks: { block_id?: string; element?: { options?: unknown } }[] }
    ).blocks.find((block) => block.block_id === PACKET_POOL_BLOCK_ID);
    expect(poolBlock?.element?.options).toEqual([
      { text: expect.objectContaining({ type: 'plain_text', text: 'Backup' }), value: 'backup' },
    ]);

    /** The packet submitted to the pool (and to an AE too, if given): Slack's answer. */
    const poolPacket = async (name: string, aeUserId: string | null = null) => {
      // The clock is past the fixture's partner date by now (the sweeps above): the packet carries none.
      const values = { ...account(name), aeUserId, partnerNextMoveDate: null };
      const payload = packetSubmission({ values }) as unknown as {
        view: { state: { values: Record<string, unknown> } };
      };
      payload.view.state.values[PACKET_POOL_BLOCK_ID] = {
        [ACTION_ID.value]: {
          type: 'static_select',
          selected_option: { value: 'backup', text: { type: 'plain_text', text: 'backup' } },
        },
      };
      return (await (await h.interact(payload)).json()) as {
        response_action?: string;
        view: { blocks: unknown[]; private_metadata: string };
        errors?: Record<string, string>;
      };
    };
    h.slack.setStatus(people.otherAe.id, {
      text: 'Out sick',
      emoji: ':face_with_thermometer:',
      expiration: null,
    });
    const pushed = await poolPacket('Pool Account One');
    expect(pushed.response_action).toBe('push');
    expect(JSON.stringify(pushed.view.blocks)).toContain(
      `Round robin: <@${people.member.id}> is the next AE of the *Backup* pool`,
    );
    expect(JSON.stringify(pushed.view.blocks)).toContain(`<@${people.otherAe.id}> away`);
    const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
    expect(await sendReview(h, draftId, { review: pushed.view })).toEqual({ response_action: 'clear' });
    const first = await lastHandoff(h);
    expect(first.aeUserId).toBe(people.member.id);
    expect((await events(h, first.id))[0]?.detail).toMatchObject({ pool: 'backup' });

    // Sam is back: the next handoff to the pool goes to Sam, after Mo.
    h.slack.setStatus(people.otherAe.id, { text: '', emoji: '', expiration: null });
    expect(JSON.stringify((await poolPacket('Pool Account Two')).view.blocks)).toContain(
      `<@${people.otherAe.id}> is the next AE of the *Backup* pool`,
    );
    // Both an AE and a pool: said on the AE's field.
    expect((await poolPacket('Pool Account Three', people.ae.id)).errors?.ae).toBe(
      'Choose an account executive or a pool, not both.',
    );
  });
});

it('a bad escalation policy file stops the start, naming every problem and its place', async () => {
  const policy = {
    policies: {
      strategic: [
        { at: 'soon', action: 'remind' },
        { at: 'due+4h', action: 'reassign', to: ['pool:nobody'] },
      ],
    },
  };
  await expect(startWithPolicyFile(policy, { env: QUIET })).rejects.toThrow(
    /policies\.strategic\[0\]\.at: "soon" must be like[\s\S]*policies\.strategic\[1\]\.to\[0\]: no pool named "nobody"/,
  );
});
