import { and, asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { ACTION_ID, CALLBACK_ID, CONFIRM_OPTION, REVIEW_BLOCK_ID } from '../../src/blocks/ids.js';
import { first } from '../../src/db/engine.js';
import type { Harness } from './harness.js';
import { type PacketValues, packetSubmission, viewSubmission } from './payloads.js';
import { type ReviewBlock, visibleText } from './reviewFlow.js';

/** A packet for an account that names no opportunity: the CRM is what knows of one. */
export const unpasted = (accountName: string, accountDomain: string | null): PacketValues => ({
  accountName,
  accountDomain,
  crmOpportunity: null,
  opportunityCreatedOn: null,
  partnerTouchOn: null,
});

interface SelectOption {
  text: { text: string };
  value: string;
}

export interface PushedReview {
  blocks: (ReviewBlock & {
    element?: {
      type?: string;
      options?: SelectOption[];
      initial_option?: SelectOption;
      initial_date?: string;
    };
  })[];
  private_metadata: string;
}

/** The packet submitted as the modal sends it: the review (pushed, or the answer as given) and how long it took. */
export async function submitForReview(h: Harness, values: PacketValues) {
  const started = performance.now();
  const response = await h.interact(packetSubmission({ values }));
  const ms = performance.now() - started;
  expect(response.status).toBe(200);
  const answer = (await response.json()) as {
    response_action: string;
    view?: PushedReview;
    errors?: Record<string, string>;
  };
  expect(answer.response_action, JSON.stringify(answer.errors)).toBe('push');
  const view = answer.view as PushedReview;
  const { draftId } = JSON.parse(view.private_metadata) as { draftId: number };
  return { view, draftId, text: visibleText(view), ms };
}

/** The review's select of the CRM's opportunities, if the review offers one. */
export const pickOf = (view: PushedReview) =>
  view.blocks.find((b) => b.block_id === REVIEW_BLOCK_ID.attributionPick)?.element;

/**
 * Send on the review as Slack submits it: every block of the view, the confirmation boxes ticked, date pickers at
 * their initial dates, and the select at `pick` (default: where the review left it, its initial option).
 */
export async function sendFromReview(h: Harness, view: PushedReview, opts: { pick?: string } = {}) {
  const values: Record<string, unknown> = {};
  for (const block of view.blocks) {
    if (block.block_id && block.element?.type === 'datepicker')
      values[block.block_id] = {
        [ACTION_ID.value]: { type: 'datepicker', selected_date: block.element.initial_date ?? null },
      };
    if (
      block.block_id === REVIEW_BLOCK_ID.confirmPartner ||
      block.block_id === REVIEW_BLOCK_ID.confirmInternalText
    )
      values[block.block_id] = {
        [ACTION_ID.value]: {
          type: 'checkboxes',
          selected_options: [{ value: CONFIRM_OPTION, text: { type: 'plain_text', text: 'x' } }],
        },
      };
  }
  const select = pickOf(view);
  if (select) {
    const chosen = opts.pick ? select.options?.find((o) => o.value === opts.pick) : select.initial_option;
    if (!chosen) throw new Error(`no option ${opts.pick} on the review`);
    values[REVIEW_BLOCK_ID.attributionPick] = {
      [ACTION_ID.value]: { type: 'static_select', selected_option: chosen },
    };
  }
  const response = await h.interact(
    viewSubmission({
      callbackId: CALLBACK_ID.review,
      privateMetadata: view.private_metadata,
      blocks: view.blocks,
      values,
    }),
  );
  expect(response.status).toBe(200);
  return (await response.json()) as { response_action: string; view?: PushedReview };
}

/** The handoff of an account (the test gives each account one). */
export async function handoffNamed(h: Harness, accountName: string) {
  const { handoffs } = h.tables;
  return first(h.database.db.select().from(handoffs).where(eq(handoffs.accountName, accountName)));
}

export async function sentEventOf(h: Harness, handoffId: number) {
  const { handoffEvents } = h.tables;
  return first(
    h.database.db
      .select()
      .from(handoffEvents)
      .where(and(eq(handoffEvents.handoffId, handoffId), eq(handoffEvents.type, 'sent'))),
  );
}

export async function correctionsOf(h: Harness, handoffId: number) {
  const { classificationCorrections } = h.tables;
  return h.database.db
    .select()
    .from(classificationCorrections)
    .where(eq(classificationCorrections.handoffId, handoffId))
    .orderBy(asc(classificationCorrections.id));
}

export async function correctedEventsOf(h: Harness, handoffId: number) {
  const { handoffEvents } = h.tables;
  return h.database.db
    .select()
    .from(handoffEvents)
    .where(and(eq(handoffEvents.handoffId, handoffId), eq(handoffEvents.type, 'classification_corrected')))
    .orderBy(asc(handoffEvents.id));
}
