import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inArray } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { enqueue } from '../../src/db/repositories/outbox.js';
import { reachKey } from '../../src/db/repositories/outboxRows.js';
import { account } from '../support/crmFlow.js';
import { FakeSlack } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, seedWorkspace, startHarness, waitFor } from '../support/harness.js';
import { harnessEngine } from '../support/harnessEngine.js';
import { handoffRow, json, outboxDrained, QUIET, waitForDm } from '../support/ownerFlow.js';
import { channels, people, RIVAL_TEAM } from '../support/people.js';
import { SteppedTimers } from '../support/steppedTimers.js';

/**
 * Every channel the app posts internal text to is checked the same way, wherever it is named: the channel settings
 * and each `channel:` target of the escalation policy file. One shared with another organization (Slack Connect) is
 * refused at start with its place named, one shared at run time is switched off, and the delivery guard lets an
 * internal post through only to a channel confirmed internal (conversations.info), not merely one bound to no partner.
 */

const MANAGERS = { ESCALATION_MANAGERS: `${people.ae.id}=${people.owner.id}` };

/** Meridian's handoffs tell the manager and the named channels at the due time (a level the expiry carries). */
function policyFile(dir: string, notify: string[]): string {
  const file = join(dir, 'policies.json');
  writeFileSync(
    file,
    JSON.stringify({
      policies: {
        meridian: [
          { at: '50%', action: 'remind' },
          { at: 'due', action: 'notify', to: ['manager', ...notify] },
        ],
      },
      routes: [{ partner: 'Meridian Cloud Consulting', policy: 'meridian' }],
    }),
  );
  return file;
}

/** Sends a Meridian handoff and lets its window expire (the sweep), until the outbox settled. */
async function expire(h: Harness, name: string) {
  const { handoff } = await sendHandoff(h, account(name));
  const sent = await handoffRow(h, handoff.id);
  expect(sent.escalationPolicy).toBe('meridian');
  h.clock.set(sent.dueAt);
  await h.app.scheduler.runNow('response-window-sweep');
  expect((await handoffRow(h, handoff.id)).status).toBe('expired');
  // The manager's DM is queued with the channel posts: once it arrived, those were decided too.
  await waitForDm(h, people.owner.id, name, 'the manager told');
  await outboxDrained(h);
  return handoff;
}

/** The rows posting in a channel: its own conversation's, and what the app posts there on its own (`reach:`). */
const rowsTo = async (h: Harness, channelId: string) =>
  await h.database.db
    .select()
    .from(h.tables.outbox)
    .where(inArray(h.tables.outbox.channelKey, [channelId, reachKey(channelId)]))
    .orderBy(h.tables.outbox.id);

const refusal = (h: Harness, place: string) =>
  h.logs.find((l) => l.msg === `${place} is not confirmed internal; nothing will be posted there`);

let h: Harness | undefined;
let fake: FakeSlack | undefined;
let dir: string;

afterEach(async () => {
  await h?.stop();
  h = undefined;
  await fake?.stop();
  fake = undefined;
  rmSync(dir, { recursive: true, force: true });
});

describe('channel: targets of the escalation policy file', () => {
  it('refuses at start a policy channel shared with another organization, naming its place; the internal one still hears; a channel nobody names is refused', async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-channels-'));
    // #ext-tailspin is a Slack Connect channel bound to no partner: the old guard let an internal post through.
    const file = policyFile(dir, [`channel:${channels.internal.id}`, `channel:${channels.rival.id}`]);
    h = await startHarness({ env: { ...QUIET, ...MANAGERS, ESCALATION_POLICY_FILE: file } });
    expect(refusal(h, 'policies.meridian[1].to[2]')).toMatchObject({
      level: 50,
      channelId: channels.rival.id,
      reason: 'shared externally',
    });
    expect(refusal(h, 'policies.meridian[1].to[1]')).toBeUndefined();

    await expire(h, 'Northwind Shared Target');
    expect(json(h.slack.messages(channels.internal.id))).toContain('Silence');
    expect(h.slack.messages(channels.rival.id)).toEqual([]);
    expect((await rowsTo(h, channels.rival.id)).map((r) => r.status)).toEqual(['cancelled']);

    // An internal post to a channel no setting or policy names is refused too, though it is internal and bound to
    // nobody.
    const other = { id: 'C0OTHER', name: 'somewhere-else', members: [h.slack.botUserId] };
    h.slack.addChannel(other);
    const now = h.clock.now();
    await h.database.db.transaction((tx) =>
      enqueue(
        tx,
        [
          {
            method: 'chat.postMessage',
            dedupeKey: 'stray:internal',
            channel: other.id,
            payload: { text: 'internal numbers' },
          },
        ],
        now,
      ),
    );
    h.app.outbox.wake();
    await outboxDrained(h);
    expect(h.slack.messages(other.id)).toEqual([]);
    expect(await rowsTo(h, other.id)).toMatchObject([
      { status: 'cancelled', lastError: expect.stringContaining('not confirmed internal') },
    ]);
    expect(
      h.logs.findLast((l) => l.msg === 'outbox message dropped: its conversation may not receive it'),
    ).toMatchObject({ level: 50, channel: other.id });
  });

  it('switches a policy channel off when it is shared at run time: nothing internal reaches it, also after a restart', async () => {
    dir = mkdtempSync(join(tmpdir(), 'policy-channels-'));
    const file = policyFile(dir, [`channel:${channels.internal.id}`]);
    const env = { ...QUIET, ...MANAGERS, ESCALATION_POLICY_FILE: file };
    fake = await FakeSlack.start();
    seedWorkspace(fake);
    // On SQLite the file is kept in this test's folder; on Postgres the harness makes a database.
    h = await startHarness({
      slack: fake,
      env,
      ...(harnessEngine() === 'sqlite' ? { databasePath: join(dir, 'handoff.db') } : {}),
    });
    const databasePath = h.databaseKey;
    expect(refusal(h, 'policies.meridian[1].to[1]')).toBeUndefined();

    await fake.shareChannel(channels.internal.id, RIVAL_TEAM);
    const switched = await waitFor(
      () =>
        h?.logs.find(
          (l) =>
            l.msg ===
            'an internal channel was shared with another organization; nothing internal is posted there any more',
        ),
      4000,
      'the switch-off',
    );
    expect(switched).toMatchObject({
      channelId: channels.internal.id,
      sources: ['policies.meridian[1].to[1]'],
    });
    await expire(h, 'Northwind Shared Later');
    expect(fake.messages(channels.internal.id)).toEqual([]);

    // A restart checks the channel again: still shared, still refused.
    const now = h.clock.now().toISOString();
    await h.stop({ keepDatabase: true });
    h = await startHarness({ slack: fake, env, databasePath, now });
    expect(refusal(h, 'policies.meridian[1].to[1]')).toMatchObject({ reason: 'shared externally' });
    await expire(h, 'Northwind After Restart');
    expect(fake.messages(channels.internal.id)).toEqual([]);
  });
});

it("the delivery guard: refuses an internal post to a policy channel start could not confirm, until Slack's answer confirms it", async () => {
  dir = mkdtempSync(join(tmpdir(), 'policy-channels-'));
  // A private channel the app is not in: conversations.info answers channel_not_found, so nothing is confirmed.
  const hidden = { id: 'G0HIDDEN', name: 'private-escalations', is_private: true, members: [] as string[] };
  fake = await FakeSlack.start();
  seedWorkspace(fake);
  fake.addChannel(hidden);
  const file = policyFile(dir, [`channel:${hidden.id}`]);
  // The minutely re-check runs when the test says, not at a real minute that may fall between the invite and the
  // first escalation's delivery (it would confirm the channel first: a Postgres CI run failed so).
  h = await startHarness({
    slack: fake,
    env: { ...QUIET, ...MANAGERS, ESCALATION_POLICY_FILE: file },
    timers: new SteppedTimers(),
  });
  expect(refusal(h, 'policies.meridian[1].to[1]')).toMatchObject({ level: 50, channelId: hidden.id });
  // Someone invites the app later: the channel was still never confirmed internal.
  fake.addChannel({ ...hidden, members: [fake.botUserId] });

  await expire(h, 'Northwind Unconfirmed');
  expect(fake.messages(hidden.id)).toEqual([]);
  expect(await rowsTo(h, hidden.id)).toMatchObject([
    { status: 'cancelled', lastError: expect.stringContaining('not confirmed internal') },
  ]);

  // The minutely re-check asks Slack again: it now shows the channel, internal, so it is used from then on.
  await h.app.scheduler.runNow('channel-sharing-recheck');
  await expire(h, 'Northwind Confirmed Later');
  const slack = fake;
  await waitFor(
    () => slack.messages(hidden.id).find((m) => JSON.stringify(m).includes('Northwind Confirmed Later')),
    8000,
    'the escalation in the channel confirmed at run time',
  );
});
