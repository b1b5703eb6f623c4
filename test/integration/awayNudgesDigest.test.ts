import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { RecordedCall } from '../support/fakeSlack.js';
import { sendHandoff } from '../support/flow.js';
import { type Harness, harnessPerTest, waitFor } from '../support/harness.js';
import { handoffRow } from '../support/ownerFlow.js';
import { channels, people } from '../support/people.js';
import { acceptInDm, type Block, blocksOf, openHome, QUIET, sectionTexts } from '../support/revopsFlow.js';

/**
 * Absence acts the same for "gone quiet" nudges and the digest as for response windows. An AE away
 * (their Slack status, or the days away they gave) is not nudged: the nudge waits until they are back. The digest
 * lists their deal with their absence.
 */
const env = {
  ...QUIET,
  STALL_BUSINESS_DAYS: '2',
  DIGEST_CHANNEL_ID: channels.internal.id,
};

/** Jordan (Berlin) is away until Wed 9 Dec: the status clears at their midnight (Tue 8 Dec, 23:00 UTC). */
const BACK = new Date('2026-12-08T23:00:00Z');

const nudgesOf = async (h: Harness, id: number) =>
  (
    await h.database.db
      .select()
      .from(h.tables.handoffEvents)
      .where(and(eq(h.tables.handoffEvents.handoffId, id), eq(h.tables.handoffEvents.type, 'stall_nudged')))
  ).length;

/** A handoff sent to Jordan and accepted with its first step due `due`. */
async function accepted(h: Harness, accountName: string, due: string) {
  const { handoff, dm } = await sendHandoff(h, { accountName, accountDomain: null });
  await acceptInDm(h, handoff, dm, { due });
  await waitFor(async () => (await handoffRow(h, handoff.id)).status === 'accepted', 4000, 'the accept');
  return handoff;
}

/** The digest's list of accepted deals gone quiet, posted now. */
async function goneQuiet(h: Harness): Promise<string> {
  expect(await h.app.digest.post()).toBe('posted');
  const call = await waitFor(
    () =>
      h.slack.calls.find(
        (c: RecordedCall) =>
          c.method === 'chat.postMessage' && c.args.channel === channels.internal.id && c.status !== 0,
      ),
    8000,
    'the digest post',
  );
  return (
    sectionTexts((call.args.blocks ?? []) as Block[]).find((t) =>
      t.startsWith('*Accepted deals gone quiet*'),
    ) ?? ''
  );
}

describe('an away AE and their deals gone quiet', () => {
  const start = harnessPerTest();

  it('the nudge waits until they are back, and the digest says they are away until when', async () => {
    const h = await start({ env });
    // Its first step due today: the stall nudge keeps its quiet period (a later step would hold it until after it).
    const handoff = await accepted(h, 'Quiet Freight', '2026-11-23');
    h.slack.setStatus(people.ae.id, { text: 'Vacation', emoji: ':palm_tree:', expiration: BACK });

    // Two business days without news: the AE is away, so no nudge; it waits for their return.
    h.clock.set('2026-11-25T15:00:00Z');
    expect((await h.app.sweeper.sweep()).nudged).toBe(0);
    expect(await nudgesOf(h, handoff.id)).toBe(0);
    expect((await handoffRow(h, handoff.id)).nextStallNudgeAt?.toISOString()).toBe(BACK.toISOString());
    h.clock.set('2026-11-27T15:00:00Z');
    expect((await h.app.sweeper.sweep()).nudged).toBe(0);

    // The digest lists the deal with their absence, in their calendar.
    h.clock.set('2026-11-30T09:00:00Z');
    const stalled = await goneQuiet(h);
    expect(stalled).toContain('*Quiet Freight*');
    expect(stalled).toContain(
      `<@${people.ae.id}>, *away until Wed 9 Dec, their time* (:palm_tree: Vacation)`,
    );

    // Back on Wednesday (the status has cleared): nudged once.
    h.slack.setStatus(people.ae.id, { text: '', emoji: '', expiration: null });
    h.clock.set('2026-12-09T09:00:00Z');
    expect((await h.app.sweeper.sweep()).nudged).toBe(1);
    expect(await nudgesOf(h, handoff.id)).toBe(1);
  }, 60_000);

  it('one definition of gone quiet: the digest lists the deal the App Homes call idle', async () => {
    // Ten business days before the nudge: the first step's date passes long before it.
    const h = await start({ env: { ...env, STALL_BUSINESS_DAYS: '10' } });
    await accepted(h, 'Idle Freight', '2026-11-24');
    // Thursday: the step was due Tuesday, nothing recorded; no nudge yet.
    h.clock.set('2026-11-26T15:00:00Z');
    expect((await h.app.sweeper.sweep()).nudged).toBe(0);
    const home = sectionTexts(blocksOf(await openHome(h, people.author.id))).join('\n');
    expect(home).toContain('*idle*, the next step was due *Tue 24 Nov*');
    expect(await goneQuiet(h)).toContain('*Idle Freight*');
  }, 60_000);

  it('days away given with the cover hold the nudge too', async () => {
    const h = await start({ env });
    const handoff = await accepted(h, 'Days Quiet Freight', '2026-11-23');
    await h.database.db.transaction((tx) =>
      tx.insert(h.tables.covers).values({
        aeUserId: people.ae.id,
        coverUserId: people.otherAe.id,
        until: '2026-11-27',
        awayFrom: '2026-11-24',
        setAt: new Date('2026-11-23T15:00:00Z'),
      }),
    );
    h.clock.set('2026-11-25T15:00:00Z');
    expect((await h.app.sweeper.sweep()).nudged).toBe(0);
    // Back on Saturday 28 Nov in Berlin.
    expect((await handoffRow(h, handoff.id)).nextStallNudgeAt?.toISOString()).toBe(
      '2026-11-27T23:00:00.000Z',
    );
  }, 60_000);
});
