import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCEPT_BLOCK_ID, ACTION_ID } from '../../src/blocks/ids.js';
import { SLACK_ANSWER_MS } from '../../src/runtime/lateAnswers.js';
import { acceptHandoff, openAcceptModal, submitAccept } from '../support/acceptFlow.js';
import { aeUser, sendHandoff, submitAndSend } from '../support/flow.js';
import { type Harness, quiet, startHarness, waitFor } from '../support/harness.js';
import {
  authorUser,
  clickOwnerButton,
  dmOf,
  handoffRow,
  metadataFor,
  otherAeUser,
  reassignSubmission,
  submit,
} from '../support/ownerFlow.js';
import { accept, click, clickOutcome } from '../support/partnerFlow.js';
import { declineSubmission } from '../support/payloads.js';
import { people } from '../support/people.js';
import { lastHandoff } from '../support/reviewFlow.js';

/**
 * A decision saved before its answer, whose answer reached Slack after its 3 s (Slack then shows the person an error),
 * is followed by a note saying it was saved. The harness's request clock makes every answer take longer than Slack
 * waits (`answersTake`), without waiting for it; a still clock answers at once.
 */

const LATE = SLACK_ANSWER_MS + 500;
const SAVED_NOTE = 'Slack may have shown you an error because the app answered late';

/** Every note saying something was saved that reached Slack: ephemerals at response URLs, and DMs. */
function savedNotes(h: Harness): string[] {
  const texts = [
    ...h.slack.responses.map((r) => String(r.body.text ?? '')),
    ...h.slack.callsTo('chat.postMessage').map((c) => String(c.args.text ?? '')),
  ];
  return texts.filter((text) => text.includes(SAVED_NOTE));
}

/** Runs `act` with every answer late, then waits for the app to settle with answers on time again. */
async function late<T>(h: Harness, act: () => Promise<T>): Promise<T> {
  h.requestClock.answersTake(LATE);
  try {
    return await act();
  } finally {
    h.requestClock.answersTake(0);
  }
}

describe('an answer late for Slack after a save: the person is told it was saved', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.stop());

  it('a refused Accept answered late (not the AE; then the AE submitting a second modal and clicking again): the refusal, never a saved note', async () => {
    const { handoff } = await sendHandoff(h);
    const notTheAe = await late(h, () => click(h, ACTION_ID.accept, handoff.id, otherAeUser));
    const refusal = await waitFor(
      () => h.slack.responses.find((r) => r.url === notTheAe),
      8000,
      'the refusal',
    );
    expect(String(refusal.body.text)).toContain('Nothing was changed');
    expect((await handoffRow(h, handoff.id)).status).toBe('sent');
    // The AE opens a second accept modal while the first is open, accepts in time from the first (no note), then
    // submits the second late: it saves nothing, and its refusal is inline.
    const second = await openAcceptModal(h, { handoffId: handoff.id, user: aeUser });
    await accept(h, handoff.id);
    const refused = await late(h, () => submitAccept(h, second, { user: aeUser }));
    expect(refused).toEqual({
      response_action: 'errors',
      errors: {
        [ACCEPT_BLOCK_ID.step]: `Handoff #${handoff.id} (Northwind Logistics) is already accepted; there is nothing left to decide.`,
      },
    });
    // Then clicks Accept again late: the click saves nothing.
    const again = await late(h, () => click(h, ACTION_ID.accept, handoff.id, aeUser));
    await waitFor(() => h.slack.responses.find((r) => r.url === again), 8000, 'the second refusal');
    await quiet(h);
    expect(savedNotes(h)).toEqual([]);
  });

  /** Each listener that saves before its answer (blocks/savedNotes.ts SAVED), acted late: its note, in its words. */
  const saves: {
    name: string;
    /** What comes first, answered in time. */
    ready?: (h: Harness, handoffId: number) => Promise<unknown>;
    /** The late request: a button's response URL (the note is an ephemeral there), or none (a modal: a DM). */
    act: (h: Harness, handoff: { id: number; cycle: number }) => Promise<string | undefined>;
    /** Who acted, and the words after "Saved: ". */
    by: string;
    saved: (id: number) => string;
  }[] = [
    {
      // The click (it opens the modal, saves nothing) and the modal's submit (it records the accept) both late.
      name: 'Accept (its modal, which has no response URL)',
      act: async (h, handoff) => {
        expect(await acceptHandoff(h, { handoffId: handoff.id, user: aeUser })).toEqual({});
        return undefined;
      },
      by: people.ae.id,
      saved: (id) => `you accepted Handoff #${id} · Northwind Logistics`,
    },
    {
      name: 'Withdraw (a button)',
      act: async (h, handoff) =>
        (await clickOwnerButton(h, ACTION_ID.withdraw, handoff.id, authorUser)).responseUrl,
      by: people.author.id,
      saved: (id) => `you withdrew Handoff #${id} · Northwind Logistics`,
    },
    {
      name: 'Meeting held (a button)',
      ready: (h, id) => accept(h, id),
      act: (h, handoff) => clickOutcome(h, 'meeting_held', handoff.id),
      by: people.ae.id,
      saved: (id) => `you recorded *Meeting held* on Handoff #${id} · Northwind Logistics`,
    },
    {
      name: 'Decline (its modal, which has no response URL)',
      act: async (h, handoff) => {
        expect(await submit(h, declineSubmission({ handoffId: handoff.id, user: aeUser }))).toEqual({});
        return undefined;
      },
      by: people.ae.id,
      saved: (id) => `you declined Handoff #${id} · Northwind Logistics`,
    },
    {
      name: 'Reassign (its modal)',
      act: async (h, handoff) => {
        const payload = reassignSubmission({
          privateMetadata: metadataFor(handoff),
          newAeUserId: people.otherAe.id,
        });
        expect(await submit(h, payload)).toEqual({});
        return undefined;
      },
      by: people.author.id,
      saved: (id) => `you reassigned Handoff #${id} · Northwind Logistics to <@${people.otherAe.id}>`,
    },
  ];

  it.each(saves)('$name answered late: the person who acted is told what was saved, once', async (save) => {
    const { handoff } = await sendHandoff(h);
    await save.ready?.(h, handoff.id);
    const responseUrl = await late(h, () => save.act(h, handoff));
    const note = `:white_check_mark: Saved: ${save.saved(handoff.id)}. ${SAVED_NOTE}; it went through, nothing more to do.`;
    const told = () =>
      responseUrl
        ? h.slack.responses.some((r) => r.url === responseUrl && r.body.text === note)
        : dmOf(h, save.by).some((m) => m.text === note);
    await waitFor(told, 8000, 'the note');
    await quiet(h);
    expect(savedNotes(h)).toEqual([note]);
  });

  it('Send on the review answered late: the author is told, by DM, that the handoff went to the AE', async () => {
    const { answer } = await late(h, () => submitAndSend(h));
    expect(answer).toEqual({ response_action: 'clear' });
    const stored = await lastHandoff(h);
    const note = `:white_check_mark: Saved: you sent Handoff #${stored.id} · Northwind Logistics to <@${people.ae.id}>. ${SAVED_NOTE}; it went through, nothing more to do.`;
    await waitFor(() => dmOf(h, people.author.id).some((m) => m.text === note), 8000, 'the note');
    await quiet(h);
    // The packet's own submit (a draft, nothing sent yet) says nothing.
    expect(savedNotes(h)).toEqual([note]);
  });
});
