import { eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { ACTION_ID, ASK_BLOCK_ID, CALLBACK_ID } from '../../src/blocks/ids.js';
import type { QuestionRow } from '../../src/db/schema.js';
import type { StoredMessage } from './fakeSlack.js';
import { type Harness, waitFor } from './harness.js';
import { type OpenedModal, type SlackUser, submit } from './ownerFlow.js';
import { click, shown } from './partnerFlow.js';
import { viewSubmission } from './payloads.js';
import { people, TEAM } from './people.js';

/**
 * Before deciding (issue 51): the AE asks the author through "Ask the author" and its modal, the author answers
 * through "Answer" and its modal, as Slack sends them; and what each reads back.
 */

export const aeAsker: SlackUser = { id: people.ae.id, team_id: TEAM };
export const authorAnswerer: SlackUser = { id: people.author.id, team_id: TEAM };

/** Clicks a button that opens a modal; returns the modal, or the ephemeral refusal when none opened. */
async function openFrom(
  h: Harness,
  actionId: string,
  value: string,
  user: SlackUser,
  callbackId: string,
): Promise<{ modal?: OpenedModal; refusal?: string }> {
  const before = h.slack.callsTo('views.open').length;
  const url = await click(h, actionId, value, user);
  const outcome = await waitFor(
    () => {
      const opened = h.slack.callsTo('views.open').slice(before)[0];
      if (opened) return { modal: opened.args.view as OpenedModal };
      const reply = h.slack.responses.find((r) => r.url === url);
      return reply ? { refusal: String(reply.body.text) } : undefined;
    },
    8000,
    `the ${callbackId} modal or a refusal`,
  );
  if (outcome.modal) expect(outcome.modal.callback_id).toBe(callbackId);
  return outcome;
}

/** The AE's "Ask the author": the question modal, or the refusal. */
export const openQuestion = (h: Harness, handoffId: number, user: SlackUser = aeAsker) =>
  openFrom(h, ACTION_ID.askQuestion, String(handoffId), user, CALLBACK_ID.question);

/** The author's "Answer": the answer modal, or the refusal. */
export const openAnswer = (h: Harness, questionId: number, user: SlackUser = authorAnswerer) =>
  openFrom(h, ACTION_ID.answerQuestion, String(questionId), user, CALLBACK_ID.answer);

const typed = (block: string, value: string) => ({
  [block]: { [ACTION_ID.value]: { type: 'plain_text_input', value } },
});

/** The question modal's submission, as Slack sends it. */
export const questionSubmission = (handoffId: number, text: string, user: SlackUser = aeAsker) =>
  viewSubmission({
    callbackId: CALLBACK_ID.question,
    privateMetadata: JSON.stringify({ handoffId }),
    values: typed(ASK_BLOCK_ID.question, text),
    user,
  });

/** The answer modal's submission, as Slack sends it. */
export const answerSubmission = (questionId: number, text: string, user: SlackUser = authorAnswerer) =>
  viewSubmission({
    callbackId: CALLBACK_ID.answer,
    privateMetadata: JSON.stringify({ questionId }),
    values: typed(ASK_BLOCK_ID.answer, text),
    user,
  });

/** Submits the question modal as `user`: Slack's answer (an update to "Question sent", or inline errors). */
export const submitQuestion = (h: Harness, handoffId: number, text: string, user: SlackUser = aeAsker) =>
  submit(h, questionSubmission(handoffId, text, user));

/** Submits the answer modal as `user`. */
export const submitAnswer = (
  h: Harness,
  questionId: number,
  text: string,
  user: SlackUser = authorAnswerer,
) => submit(h, answerSubmission(questionId, text, user));

/** The AE asks, as they would: the button, the modal, Send question. Returns the stored question. */
export async function askAuthor(h: Harness, handoffId: number, text: string): Promise<QuestionRow> {
  const { modal } = await openQuestion(h, handoffId);
  expect(modal).toBeDefined();
  const answer = await submitQuestion(h, handoffId, text);
  expect(answer.response_action).toBe('update');
  const [question] = await questionsOf(h, handoffId);
  if (!question) throw new Error('no question stored');
  return question;
}

/** The author answers, as they would: Answer, the modal, Send answer. */
export async function answerAE(h: Harness, questionId: number, text: string): Promise<void> {
  const { modal } = await openAnswer(h, questionId);
  expect(modal).toBeDefined();
  expect((await submitAnswer(h, questionId, text)).response_action).toBe('update');
}

export async function questionsOf(h: Harness, handoffId: number): Promise<QuestionRow[]> {
  const { questions } = h.tables;
  return h.database.db
    .select()
    .from(questions)
    .where(eq(questions.handoffId, handoffId))
    .orderBy(questions.id);
}

/** A message as it is now (Slack's copy after every update), found by its ts in a user's DM. */
export const nowOf = (h: Harness, userId: string, ts: string | undefined): StoredMessage | undefined =>
  h.slack.messages(h.slack.dmChannelFor(userId)).find((m) => m.ts === ts);

/** The text of what a message shows now. */
export const reads = (h: Harness, userId: string, ts: string | undefined) => shown(nowOf(h, userId, ts));

/** Runs `/handoff <text>` as `user`; the ephemeral it answered with (its text and blocks, as one string). */
export async function slash(h: Harness, text: string, user: string): Promise<string> {
  const responseUrl = h.slack.responseUrl();
  const response = await h.command({ text, user_id: user, response_url: responseUrl });
  expect(response.status).toBe(200);
  const reply = await waitFor(() => h.slack.responses.find((r) => r.url === responseUrl), 4000, text);
  return JSON.stringify(reply.body);
}
