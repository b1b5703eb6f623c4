import { eq, inArray, not } from 'drizzle-orm';
import { expect } from 'vitest';
import { ACTION_ID, CALLBACK_ID, OWNER_BLOCK_ID } from '../../src/blocks/ids.js';
import { first } from '../../src/db/engine.js';
import type { HandoffRow } from '../../src/db/schema.js';
import type { StoredMessage } from './fakeSlack.js';
import { type Harness, waitFor } from './harness.js';
import { blockAction, viewSubmission } from './payloads.js';
import { people, TEAM } from './people.js';

/** Owner actions: helpers that act the way a person in Slack would, and read back what they would see. */

export type SlackUser = { id: string; team_id?: string };

export const authorUser: SlackUser = { id: people.author.id, team_id: TEAM };
export const otherAeUser: SlackUser = { id: people.otherAe.id, team_id: TEAM };

/** A sweep schedule that never fires during a test (1 January, midnight): the tests drive the sweep. */
export const QUIET = { SWEEP_SCHEDULE: '0 0 1 1 *' };

/** The default AE's deadline: sent Monday 2026-11-23 15:00 Berlin, 3 business days → Thursday 15:00 Berlin. */
export const DUE = '2026-11-26T14:00:00.000Z';

export const json = (value: unknown) => JSON.stringify(value ?? null);

/** The action ids of every button in a message's actions blocks. */
export function buttonsOf(message: StoredMessage | undefined): string[] {
  const blocks = (message?.blocks ?? []) as { type?: string; elements?: { action_id?: string }[] }[];
  return blocks
    .filter((b) => b.type === 'actions')
    .flatMap((b) => b.elements ?? [])
    .map((e) => e.action_id ?? '');
}

/** The buttons (action id → value) of a message's actions blocks. */
export function buttonValues(message: StoredMessage | undefined): Record<string, string> {
  const blocks = (message?.blocks ?? []) as {
    type?: string;
    elements?: { action_id?: string; value?: string }[];
  }[];
  return Object.fromEntries(
    blocks
      .filter((b) => b.type === 'actions')
      .flatMap((b) => b.elements ?? [])
      .map((e) => [e.action_id ?? '', e.value ?? '']),
  );
}

export async function handoffRow(h: Pick<Harness, 'database' | 'tables'>, id: number): Promise<HandoffRow> {
  const { handoffs } = h.tables;
  const row = await first(h.database.db.select().from(handoffs).where(eq(handoffs.id, id)));
  if (!row) throw new Error(`handoff ${id} not found`);
  return row;
}

export const dmOf = (h: Harness, userId: string) => h.slack.messages(h.slack.dmChannelFor(userId));

/** Waits for a message in a user's DM whose blocks contain `needle`. */
export function waitForDm(h: Harness, userId: string, needle: string, what = needle): Promise<StoredMessage> {
  return waitFor(() => dmOf(h, userId).find((m) => json(m.blocks).includes(needle)), 8000, what);
}

/** Waits until every outbox row is settled (delivered, or cancelled as superseded), for asserting final state. */
export function outboxDrained(h: Pick<Harness, 'database' | 'tables'>, timeoutMs = 8000): Promise<boolean> {
  const { outbox } = h.tables;
  const unsettled = () =>
    h.database.db
      .select({ id: outbox.id })
      .from(outbox)
      .where(not(inArray(outbox.status, ['delivered', 'cancelled'])));
  return waitFor(async () => (await unsettled()).length === 0, timeoutMs, 'the outbox to drain');
}

/** Sets the clock to `at`, runs the response-window sweep, and waits until the outbox has delivered what it queued. */
export async function sweepAt(h: Harness, at: Date | number) {
  h.clock.set(new Date(at));
  await h.app.scheduler.runNow('response-window-sweep');
  await outboxDrained(h);
}

/** Moves the clock to the handoff's deadline, runs the sweep, and returns the owner's expiry notice. */
export async function expire(h: Harness, handoff: HandoffRow, ownerId = handoff.ownerUserId) {
  h.clock.set(handoff.dueAt);
  expect((await h.app.sweeper.sweep()).expired).toBe(1);
  expect((await handoffRow(h, handoff.id)).status).toBe('expired');
  return waitForDm(h, ownerId, 'It has *expired*', 'the owner expiry notice');
}

/**
 * Clicks an owner button as `user`, with a fresh trigger and response URL. Returns the HTTP response and the
 * response URL, to find the ephemeral (if any) the app answers with.
 */
export async function clickOwnerButton(
  h: Harness,
  actionId: string,
  handoffId: number | string,
  user: SlackUser,
  opts: { teamId?: string } = {},
) {
  const responseUrl = h.slack.responseUrl();
  const response = await h.interact(
    blockAction({
      actionId,
      value: String(handoffId),
      user,
      responseUrl,
      triggerId: h.slack.issueTriggerId(),
      channelId: h.slack.dmChannelFor(user.id),
      ...(opts.teamId ? { teamId: opts.teamId } : {}),
    }),
  );
  expect(response.status).toBe(200);
  return { response, responseUrl };
}

/** The ephemeral text sent to a response URL. */
export async function ephemeralAt(h: Harness, responseUrl: string): Promise<string> {
  const reply = await waitFor(
    () => h.slack.responses.find((r) => r.url === responseUrl),
    4000,
    'an ephemeral reply',
  );
  expect(reply.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
  return String(reply.body.text);
}

/** `/handoff <text>` typed by `user`; resolves with the answer only they see (at the command's response URL). */
export async function slashReply(h: Harness, user: { id: string }, text: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const response = await h.command({
    text,
    user_id: user.id,
    user_name: user.id.toLowerCase(),
    response_url: responseUrl,
  });
  expect(response.status).toBe(200);
  return ephemeralAt(h, responseUrl);
}

/** Clicks an owner button and returns the ephemeral the clicker sees. */
export async function clickRefused(
  h: Harness,
  actionId: string,
  handoffId: number | string,
  user: SlackUser,
): Promise<string> {
  const { responseUrl } = await clickOwnerButton(h, actionId, handoffId, user);
  return ephemeralAt(h, responseUrl);
}

export interface OpenedModal {
  callback_id: string;
  private_metadata: string;
  blocks: { type: string; block_id?: string; element?: Record<string, unknown>; text?: { text: string } }[];
}

/** Clicks Reassign or Extend and returns the modal the app opened. */
export async function openOwnerModal(
  h: Harness,
  action: 'reassign' | 'extend',
  handoffId: number,
  user: SlackUser = authorUser,
): Promise<OpenedModal> {
  const before = h.slack.callsTo('views.open').length;
  await clickOwnerButton(h, ACTION_ID[action], handoffId, user);
  const calls = await waitFor(
    () => h.slack.callsTo('views.open').length > before && h.slack.callsTo('views.open'),
    4000,
    `the ${action} modal`,
  );
  const view = calls[calls.length - 1]?.args.view as OpenedModal;
  expect(view.callback_id).toBe(CALLBACK_ID[action]);
  return view;
}

const daysValue = (days: string | null) => ({
  [OWNER_BLOCK_ID.days]: { [ACTION_ID.value]: { type: 'number_input', value: days } },
});

/** A reassign modal submission, as Slack sends it. */
export function reassignSubmission(opts: {
  privateMetadata: string;
  newAeUserId: string | null;
  days?: string | null;
  user?: SlackUser;
  viewId?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.reassign,
    privateMetadata: opts.privateMetadata,
    user: opts.user ?? authorUser,
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: {
      [OWNER_BLOCK_ID.newAe]: {
        [ACTION_ID.value]: { type: 'users_select', selected_user: opts.newAeUserId },
      },
      ...daysValue(opts.days === undefined ? '3' : opts.days),
    },
  });
}

/** The owner opens Reassign on a handoff and submits it for `newAeUserId`: what Slack gets back for the submission. */
export async function reassignTo(h: Harness, handoffId: number, newAeUserId: string, days = '3') {
  const modal = await openOwnerModal(h, 'reassign', handoffId);
  return submit(h, reassignSubmission({ privateMetadata: modal.private_metadata, newAeUserId, days }));
}

/** An extend modal submission, as Slack sends it. */
export function extendSubmission(opts: {
  privateMetadata: string;
  days?: string | null;
  user?: SlackUser;
  viewId?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.extend,
    privateMetadata: opts.privateMetadata,
    user: opts.user ?? authorUser,
    ...(opts.viewId ? { viewId: opts.viewId } : {}),
    values: daysValue(opts.days === undefined ? '2' : opts.days),
  });
}

export const metadataFor = (handoff: { id: number; cycle: number }) =>
  JSON.stringify({ handoffId: handoff.id, cycle: handoff.cycle });

/** Submits a view and returns Bolt's answer: `{}` when the modal closes, else the inline errors. */
export async function submit(
  h: Harness,
  payload: unknown,
): Promise<{ response_action?: string; errors?: Record<string, string> }> {
  const response = await h.interact(payload);
  expect(response.status).toBe(200);
  const text = await response.text();
  return text === ''
    ? {}
    : (JSON.parse(text) as { response_action?: string; errors?: Record<string, string> });
}
