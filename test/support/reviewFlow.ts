import { asc } from 'drizzle-orm';
import { expect } from 'vitest';
import { CALLBACK_ID, REVIEW_BLOCK_ID } from '../../src/blocks/ids.js';
import type { HandoffRow } from '../../src/db/schema.js';
import { type Harness, waitFor } from './harness.js';
import { confirmationsOn, type PacketValues, packetSubmission, reviewSubmission } from './payloads.js';
import { people, TEAM } from './people.js';

/** The review step, driven the way an author would: submit the packet, read the pushed view, send or go back. */

export type SlackUser = { id: string; team_id?: string };

/** RevOps in these tests: people.member is listed in REVOPS_USER_IDS; the sweep never fires on its own. */
export const REVIEW_ENV = { SWEEP_SCHEDULE: '0 0 1 1 *', REVOPS_USER_IDS: people.member.id };

export const revopsUser: SlackUser = { id: people.member.id, team_id: TEAM };
export const ownerUser: SlackUser = { id: people.owner.id, team_id: TEAM };

/** A packet that scores below the lowest band (Keep building): vague seller move, no role, no date, not agreed, no evidence, no priority. */
export const weakPacket = {
  onPriorityList: false,
  partnerContactRole: null,
  warmPath: 'Some history between the two companies.',
  customerTrigger: 'Interested in digital transformation of logistics.',
  partnerNextMoveDate: null,
  partnerAgreedInWriting: false,
  sellerNextMove: 'Follow up with the account.',
  responseWindowDays: '5',
  evidenceUrl: null,
};

export interface ReviewBlock {
  type: string;
  block_id?: string;
  text?: { text: string };
  elements?: { text?: string }[];
  label?: { text: string };
  hint?: { text: string };
}

export interface ReviewView {
  callback_id: string;
  private_metadata: string;
  title: { text: string };
  submit?: { text: string };
  close?: { text: string };
  blocks: ReviewBlock[];
}

export interface ViewAnswer {
  response_action?: string;
  errors?: Record<string, string>;
  view?: ReviewView;
}

/** Everything a person reads on a view: header, sections, contexts, input labels and hints, one line each. */
export function visibleText(view: { blocks: ReviewBlock[] } | undefined): string {
  const lines: string[] = [];
  for (const block of view?.blocks ?? []) {
    if (block.text?.text) lines.push(block.text.text);
    for (const element of block.elements ?? []) if (element.text) lines.push(element.text);
    if (block.label?.text) lines.push(block.label.text);
    if (block.hint?.text) lines.push(block.hint.text);
  }
  return lines.join('\n');
}

export const headerOf = (view: ReviewView | undefined) =>
  view?.blocks.find((b) => b.type === 'header')?.text?.text;

export const hasReasonBox = (view: ReviewView | undefined) =>
  Boolean(view?.blocks.some((b) => b.type === 'input' && b.block_id === REVIEW_BLOCK_ID.override));

/** Submits the packet modal; returns Slack's answer and, when the review was pushed, its view and draft id. */
export async function submitPacket(
  h: Harness,
  values: PacketValues = {},
  opts: { viewId?: string; user?: SlackUser } = {},
) {
  const response = await h.interact(
    packetSubmission({
      values,
      ...(opts.viewId ? { viewId: opts.viewId } : {}),
      ...(opts.user ? { user: opts.user } : {}),
    }),
  );
  expect(response.status).toBe(200);
  const answer = (await response.json()) as ViewAnswer;
  const review = answer.response_action === 'push' ? answer.view : undefined;
  const draftId = review ? (JSON.parse(review.private_metadata) as { draftId: number }).draftId : undefined;
  return { answer, review, draftId };
}

/** Submits the packet and expects the review step to be pushed. */
export async function reviewPacket(
  h: Harness,
  values: PacketValues = {},
  opts: { viewId?: string; user?: SlackUser } = {},
) {
  const { answer, review, draftId } = await submitPacket(h, values, opts);
  expect(answer.response_action, JSON.stringify(answer)).toBe('push');
  if (!review || draftId === undefined) throw new Error('no review view pushed');
  expect(review.callback_id).toBe(CALLBACK_ID.review);
  return { review, draftId, text: visibleText(review) };
}

/** Send on the review view; `overrideReason` fills the "Why send it anyway?" box (and puts it on the view). */
export async function sendReview(
  h: Harness,
  draftId: number,
  opts: { overrideReason?: string; user?: SlackUser; review?: { blocks?: unknown[] } } = {},
): Promise<ViewAnswer> {
  const response = await h.interact(
    reviewSubmission({
      draftId,
      confirm: confirmationsOn(opts.review),
      ...(opts.overrideReason !== undefined ? { overrideReason: opts.overrideReason } : {}),
      ...(opts.user ? { user: opts.user } : {}),
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as ViewAnswer;
}

/** Each table's rows in id order (the order they were stored in, which Postgres does not keep without ORDER BY). */
export async function handoffRows(h: Harness): Promise<HandoffRow[]> {
  const { handoffs } = h.tables;
  return h.database.db.select().from(handoffs).orderBy(asc(handoffs.id));
}
export async function draftRows(h: Harness) {
  const { drafts } = h.tables;
  return h.database.db.select().from(drafts).orderBy(asc(drafts.id));
}
export async function correctionRows(h: Harness) {
  const { classificationCorrections } = h.tables;
  return h.database.db.select().from(classificationCorrections).orderBy(asc(classificationCorrections.id));
}
export async function resellerRows(h: Harness) {
  const { registeredResellers } = h.tables;
  return h.database.db.select().from(registeredResellers).orderBy(asc(registeredResellers.id));
}

export async function lastHandoff(h: Harness): Promise<HandoffRow> {
  const rows = await handoffRows(h);
  const row = rows[rows.length - 1];
  if (!row) throw new Error('no handoff stored');
  return row;
}

/** Every Web API call the app made that posts or changes a message (DMs, partner channel). */
export const messageCalls = (h: Harness) =>
  h.slack.calls.filter((c) => c.method === 'chat.postMessage' || c.method === 'chat.update');

/** Sends a packet through review and Send (override reason if given); returns the stored handoff. */
export async function sendPacket(
  h: Harness,
  values: PacketValues = {},
  opts: { user?: SlackUser; overrideReason?: string } = {},
): Promise<HandoffRow> {
  const before = (await handoffRows(h)).length;
  const { draftId, review } = await reviewPacket(h, values, opts.user ? { user: opts.user } : {});
  const answer = await sendReview(h, draftId, {
    review,
    ...(opts.overrideReason !== undefined ? { overrideReason: opts.overrideReason } : {}),
    ...(opts.user ? { user: opts.user } : {}),
  });
  expect(answer).toEqual({ response_action: 'clear' });
  expect(await handoffRows(h)).toHaveLength(before + 1);
  return lastHandoff(h);
}

/** Types `/handoff <text>` as `user` and returns the ephemeral reply posted to that command's response URL. */
export async function slash(h: Harness, text: string, user: SlackUser = { id: people.author.id }) {
  const responseUrl = h.slack.responseUrl();
  const response = await h.command({ text, user_id: user.id, response_url: responseUrl });
  expect(response.status).toBe(200);
  const reply = await waitFor(
    () => h.slack.responses.find((r) => r.url === responseUrl),
    8000,
    `the reply to /handoff ${text}`,
  );
  expect(reply.body.response_type).toBe('ephemeral');
  return String(reply.body.text);
}
