import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { CALLBACK_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { packetOf } from '../../src/packets/edits.js';
import { type Harness, waitFor } from './harness.js';
import {
  confirmationsOn,
  type PacketValues,
  packetState,
  packetSubmission,
  reviewSubmission,
  viewSubmission,
} from './payloads.js';
import { people } from './people.js';

/**
 * Submits a packet (the review step is pushed) and sends it from the review; returns the review view and the answer
 * to Send (`{ response_action: 'clear' }` when sent).
 */
export async function submitAndSend(
  h: Harness,
  values: PacketValues = {},
  opts: { viewId?: string; overrideReason?: string } = {},
) {
  const submitted = await h.interact(
    packetSubmission({ values, ...(opts.viewId ? { viewId: opts.viewId } : {}) }),
  );
  expect(submitted.status).toBe(200);
  const pushed = (await submitted.json()) as {
    response_action: string;
    view: { private_metadata: string; blocks: unknown[] };
  };
  expect(pushed.response_action).toBe('push');
  const { draftId } = JSON.parse(pushed.view.private_metadata) as { draftId: number };
  const sent = await h.interact(
    reviewSubmission({
      draftId,
      confirm: confirmationsOn(pushed.view),
      ...(opts.overrideReason !== undefined ? { overrideReason: opts.overrideReason } : {}),
    }),
  );
  expect(sent.status).toBe(200);
  return {
    review: pushed.view,
    draftId,
    answer: (await sent.json()) as { response_action?: string; errors?: Record<string, string> },
  };
}

/** Submits a valid packet, sends it from the review, and waits until the AE's DM has landed. */
export async function sendHandoff(h: Harness, values: PacketValues = {}) {
  const { handoffs } = h.tables;
  const stored = () => h.database.db.select().from(handoffs).orderBy(asc(handoffs.id));
  const before = (await stored()).length;
  const { answer } = await submitAndSend(h, values);
  expect(answer).toEqual({ response_action: 'clear' });
  const all = await stored();
  expect(all).toHaveLength(before + 1);
  const handoff = all[all.length - 1] as HandoffRow;
  const aeDm = h.slack.dmChannelFor(handoff.aeUserId);
  const dm = await waitFor(
    () => h.slack.messages(aeDm).find((m) => JSON.stringify(m.blocks).includes(`Handoff #${handoff.id} `)),
    8000,
    'the AE DM',
  );
  return { handoff, dm, aeDm };
}

export const aeUser = { id: people.ae.id, team_id: people.ae.team_id };

/**
 * Edits a sent handoff as `user` the way Slack would: the edit form submitted with `values` changed, then Save
 * changes on the review. Returns the form's answer and the review's (undefined when the form was refused).
 */
export async function editHandoff(
  h: Harness,
  handoffId: number,
  values: PacketValues,
  user: { id: string; team_id: string } = { id: people.author.id, team_id: people.author.team_id },
  /** The packet version the form was opened on (default: the stored one, as a form opened just now). */
  openedOn?: number,
) {
  // The form opens prefilled with the handoff as stored: only `values` change.
  const { handoffs } = h.tables;
  const [stored] = await h.database.db.select().from(handoffs).where(eq(handoffs.id, handoffId));
  const base = stored ? (packetOf(stored) as PacketValues) : {};
  const submitted = await h.interact(
    viewSubmission({
      callbackId: CALLBACK_ID.packet,
      privateMetadata: JSON.stringify({ editOf: handoffId, editCount: openedOn ?? stored?.editCount ?? 0 }),
      values: packetState({ ...base, ...values }),
      user,
    }),
  );
  expect(submitted.status).toBe(200);
  const text = await submitted.text();
  const first = (text ? JSON.parse(text) : {}) as {
    response_action?: string;
    errors?: Record<string, string>;
    view?: { private_metadata: string; blocks: unknown[]; submit?: { text: string } };
  };
  if (first.response_action !== 'push' || !first.view) return { first, saved: undefined };
  const { draftId } = JSON.parse(first.view.private_metadata) as { draftId: number };
  const save = async () => {
    const saved = await h.interact(reviewSubmission({ draftId, confirm: confirmationsOn(first.view), user }));
    const savedText = await saved.text();
    return (savedText ? JSON.parse(savedText) : {}) as Record<string, unknown>;
  };
  return { first, saved: await save(), saveAgain: save };
}
