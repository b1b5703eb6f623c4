import { afterEach, expect } from 'vitest';
import { ACTION_ID, CALLBACK_ID, OUTCOME_ACTION_PREFIX, OUTCOME_BLOCK_ID } from '../../src/blocks/ids.js';
import type { Outcome } from '../../src/domain/outcomes.js';
import { acceptHandoff, type StepTyped } from './acceptFlow.js';
import type { RecordedCall, StoredMessage } from './fakeSlack.js';
import { type Harness, startHarness, waitFor } from './harness.js';
import { type OpenedModal, type SlackUser, submit } from './ownerFlow.js';
import { blockAction, viewSubmission } from './payloads.js';
import { channels, people, TEAM } from './people.js';

/** The partner loop after acceptance: outcome steps, the partner thread, stall nudges, read back as people see them. */

/** The sweep never fires on its own (the tests drive it); an accepted deal nudges after 5 quiet business days. */
export const PARTNER_ENV = { SWEEP_SCHEDULE: '0 0 1 1 *', STALL_BUSINESS_DAYS: '5' };

export const ownerUser: SlackUser = { id: people.owner.id, team_id: TEAM };
export const memberUser: SlackUser = { id: people.member.id, team_id: TEAM };

export const outcomeAction = (outcome: Outcome) => `${OUTCOME_ACTION_PREFIX}${outcome}`;
export const OUTCOME_BUTTONS = {
  all: ['meeting_held', 'opportunity_created', 'won', 'lost'].map((o) => outcomeAction(o as Outcome)),
  afterMeeting: ['opportunity_created', 'won', 'lost'].map((o) => outcomeAction(o as Outcome)),
  afterOpportunity: ['won', 'lost'].map((o) => outcomeAction(o as Outcome)),
};

/** Every message in the partner channel, thread replies included, in post order. */
export const partnerMessages = (h: Harness): StoredMessage[] => h.slack.messages(channels.partner.id);
export const topLevel = (h: Harness) => partnerMessages(h).filter((m) => m.thread_ts === undefined);
export const threadReplies = (h: Harness) => partnerMessages(h).filter((m) => m.thread_ts !== undefined);

/** Every message call (chat.*) aimed at the partner channel, answered or refused; lookups aside. */
export const partnerCalls = (h: Harness): RecordedCall[] =>
  h.slack.calls.filter((c) => c.method.startsWith('chat.') && c.args.channel === channels.partner.id);

/** What a message shows: its notification text and its blocks. */
export const shown = (m: { text?: string; blocks?: unknown } | undefined) =>
  `${m?.text ?? ''} ${JSON.stringify(m?.blocks ?? null)}`;

/** Clicks a button as `user` (fresh trigger and response URL); returns the response URL to read the ephemeral. */
export async function click(
  h: Harness,
  actionId: string,
  value: number | string,
  user: SlackUser,
  opts: { channelId?: string } = {},
): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const response = await h.interact(
    blockAction({
      actionId,
      value: String(value),
      user,
      responseUrl,
      triggerId: h.slack.issueTriggerId(),
      channelId: opts.channelId ?? h.slack.dmChannelFor(user.id),
    }),
  );
  expect(response.status).toBe(200);
  return responseUrl;
}

/** Accepts as `user`: Accept, then the accept modal submitted with its defaults (issue 51: a first step and date). */
export async function accept(
  h: Harness,
  handoffId: number,
  user: SlackUser = aeSlackUser,
  typed?: StepTyped,
) {
  await acceptHandoff(h, { handoffId, user, ...(typed ? { typed } : {}) });
}
export const aeSlackUser: SlackUser = { id: people.ae.id, team_id: TEAM };

/** Clicks an outcome button. */
export const clickOutcome = (
  h: Harness,
  outcome: Outcome,
  handoffId: number,
  user: SlackUser = aeSlackUser,
) => click(h, outcomeAction(outcome), handoffId, user);

/** Clicks Opportunity created or Closed lost and returns the modal the app opened. */
export async function openOutcomeModal(
  h: Harness,
  outcome: 'opportunity_created' | 'lost',
  handoffId: number,
  user: SlackUser = aeSlackUser,
): Promise<OpenedModal> {
  const before = h.slack.callsTo('views.open').length;
  await clickOutcome(h, outcome, handoffId, user);
  const calls = await waitFor(
    () => h.slack.callsTo('views.open').length > before && h.slack.callsTo('views.open'),
    4000,
    `the ${outcome} modal`,
  );
  const view = calls[calls.length - 1]?.args.view as OpenedModal;
  expect(view.callback_id).toBe(outcome === 'lost' ? CALLBACK_ID.lost : CALLBACK_ID.opportunity);
  expect(JSON.parse(view.private_metadata)).toEqual({ handoffId });
  return view;
}

export function opportunitySubmission(opts: {
  handoffId: number;
  crm: string | null;
  user?: SlackUser;
  privateMetadata?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.opportunity,
    privateMetadata: opts.privateMetadata ?? JSON.stringify({ handoffId: opts.handoffId }),
    user: opts.user ?? aeSlackUser,
    values: {
      [OUTCOME_BLOCK_ID.crmOpportunity]: {
        [ACTION_ID.value]: { type: 'plain_text_input', value: opts.crm },
      },
    },
  });
}

export function lostSubmission(opts: {
  handoffId: number;
  reason: string | null;
  note?: string | null;
  user?: SlackUser;
  privateMetadata?: string;
}) {
  return viewSubmission({
    callbackId: CALLBACK_ID.lost,
    privateMetadata: opts.privateMetadata ?? JSON.stringify({ handoffId: opts.handoffId }),
    user: opts.user ?? aeSlackUser,
    values: {
      [OUTCOME_BLOCK_ID.reason]: {
        [ACTION_ID.value]: {
          type: 'static_select',
          selected_option:
            opts.reason === null ? null : { value: opts.reason, text: { type: 'plain_text', text: 'x' } },
        },
      },
      [OUTCOME_BLOCK_ID.note]: {
        [ACTION_ID.value]: { type: 'plain_text_input', value: opts.note ?? null },
      },
    },
  });
}

/** Opportunity created, the way the AE does it: the button, the modal, the CRM id, Record. */
export async function recordOpportunity(
  h: Harness,
  handoffId: number,
  crm: string,
  user: SlackUser = aeSlackUser,
) {
  const modal = await openOutcomeModal(h, 'opportunity_created', handoffId, user);
  expect(
    await submit(h, opportunitySubmission({ handoffId, crm, user, privateMetadata: modal.private_metadata })),
  ).toEqual({});
}

/** Closed lost: the button, the modal, a reason and an internal note, Record. */
export async function recordLost(
  h: Harness,
  handoffId: number,
  reason: string,
  note: string | null,
  user: SlackUser = aeSlackUser,
) {
  const modal = await openOutcomeModal(h, 'lost', handoffId, user);
  expect(
    await submit(
      h,
      lostSubmission({ handoffId, reason, note, user, privateMetadata: modal.private_metadata }),
    ),
  ).toEqual({});
}

/**
 * The strings Slack renders as mrkdwn in a call's arguments or a response URL body: the top-level `text` and every
 * `{ type: 'mrkdwn', text }` object. Plain text objects (headers, labels, button texts) are shown literally by Slack,
 * so typed `<!channel>` there is inert and not collected.
 */
export function mrkdwnStrings(body: Record<string, unknown>): string[] {
  const out: string[] = [];
  if (typeof body.text === 'string') out.push(body.text);
  const walk = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) walk(item);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const obj = value as Record<string, unknown>;
    if (obj.type === 'mrkdwn' && typeof obj.text === 'string') out.push(obj.text);
    for (const [key, child] of Object.entries(obj))
      if (key !== 'text' || typeof child !== 'string') walk(child);
  };
  for (const [key, value] of Object.entries(body)) if (key !== 'text') walk(value);
  return out;
}

/**
 * A `start(env)` for a test file: a harness with PARTNER_ENV (plus `env`), the latest one stopped after each test.
 * Call at the top level of the file.
 */
export function partnerHarnesses(): (env?: Record<string, string>) => Promise<Harness> {
  let current: Harness | undefined;
  afterEach(async () => {
    await current?.stop();
    current = undefined;
  });
  return async (env = {}) => {
    current = await startHarness({ env: { ...PARTNER_ENV, ...env } });
    return current;
  };
}
