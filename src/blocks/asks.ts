import type { ActionsBlock, KnownBlock, ModalView } from '@slack/types';
import type { HandoffRow, QuestionRow } from '../db/schema.js';
import { awaitsAe } from '../domain/lifecycle.js';
import { ACTION_ID, ASK_BLOCK_ID, ASK_TEXT_MAX, CALLBACK_ID } from './ids.js';
import type { SlackMessage } from './message.js';
import { aeDeadline, counted, mention, slackDate, userText } from './mrkdwn.js';
import { button, context, handoffTitle, notifyText, pt, section } from './parts.js';

/**
 * Before deciding: the AE's question to the author and the pause of their clock, as each
 * reader reads them (the AE, the author, the owner; "you" is the reader), and the modals to ask and to answer. Internal:
 * nothing here is ever posted where the partner reads. The request for more time is in blocks/moreTime.ts.
 */

const whose = (userId: string, reader: string | undefined) =>
  userId === reader ? 'your' : `${mention(userId)}'s`;

/** The AE's deadline for this reader: in their own time for the AE, with the AE's clock time for anyone else. */
export const deadlineFor = (h: HandoffRow, reader: string | undefined) =>
  reader === h.aeUserId ? slackDate(h.dueAt, h.aeTimeZone) : aeDeadline(h.dueAt, h.aeTimeZone);

/** The pause as the AE's packet says it: "Paused: waiting for @Pat's answer since Tue 10:14". */
export function pausedLine(h: HandoffRow, reader: string | undefined): string {
  const since = h.pausedAt ? ` since ${slackDate(h.pausedAt, h.aeTimeZone)}` : '';
  return `:double_vertical_bar: *Paused*: waiting for ${whose(h.authorUserId, reader)} answer${since}`;
}

/**
 * A waiting handoff's clock in a line about it, from the reader's side: "answer due <deadline>" (the caller writes the
 * deadline), or, while the AE's question pauses it, "clock paused since <when>, waiting for @Pat's answer".
 */
export function dueOrPaused(h: HandoffRow, reader: string | undefined, deadline: string): string {
  if (!h.pausedAt) return `answer due ${deadline}`;
  return `clock *paused* since ${slackDate(h.pausedAt, h.aeTimeZone)}, waiting for ${whose(h.authorUserId, reader)} answer`;
}

/** Someone's text, quoted: escaped, cut, each line a quote line. */
function quote(text: string, max = 2500): string {
  return userText(text, max)
    .split('\n')
    .map((line) => `>${line}`)
    .join('\n');
}

/** The modal the AE's "Ask the author" opens: one question, internal, to the author. */
export function questionModal(h: HandoffRow, pauseDays: number): ModalView {
  const clock =
    pauseDays > 0
      ? `While it waits, your clock is paused, for at most ${counted(pauseDays, 'business day')}; the answer starts it again, the paused time added to your deadline.`
      : 'Your clock keeps running while it waits.';
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.question,
    private_metadata: JSON.stringify({ handoffId: h.id }),
    title: pt('Ask the author'),
    submit: pt('Send question'),
    close: pt('Cancel'),
    blocks: [
      section(
        `Your question about handoff #${h.id} *${userText(h.accountName, 150)}* goes to ${mention(h.authorUserId)}, who wrote it, by DM. You can ask one. ${clock} The partner never sees it.`,
      ),
      {
        type: 'input',
        block_id: ASK_BLOCK_ID.question,
        label: pt('Your question'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: ASK_TEXT_MAX,
          placeholder: pt('What do you need to know to decide?'),
        },
      },
    ],
  };
}

/** After Send question: where it went, and the AE's clock now. */
export function questionSentModal(h: HandoffRow): ModalView {
  const clock = h.pausedAt
    ? `Your clock is paused until they answer, at most until *${slackDate(h.pauseEndsAt ?? h.dueAt, h.aeTimeZone)}*.`
    : `Your clock keeps running: answer due *${slackDate(h.dueAt, h.aeTimeZone)}*.`;
  return {
    type: 'modal',
    title: pt('Question sent'),
    close: pt('Close'),
    blocks: [
      section(
        `:question: Your question on handoff #${h.id} *${userText(h.accountName, 150)}* is on its way to ${mention(h.authorUserId)}. ${clock} Their answer comes as a reply under your packet.`,
      ),
    ],
  };
}

/** The modal the author's Answer opens: the question, and one answer. */
export function answerModal(h: HandoffRow, q: QuestionRow): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK_ID.answer,
    private_metadata: JSON.stringify({ questionId: q.id }),
    title: pt('Answer the AE'),
    submit: pt('Send answer'),
    close: pt('Cancel'),
    blocks: [
      section(
        `${mention(q.askedByUserId)} asks about handoff #${h.id} *${userText(h.accountName, 150)}* before deciding:\n${quote(q.text)}`,
      ),
      context('They read your answer under their packet. The partner never sees the question or the answer.'),
      {
        type: 'input',
        block_id: ASK_BLOCK_ID.answer,
        label: pt('Your answer'),
        element: {
          type: 'plain_text_input',
          action_id: ACTION_ID.value,
          multiline: true,
          max_length: ASK_TEXT_MAX,
        },
      },
    ],
  };
}

/** After Send answer. */
export function answerSentModal(h: HandoffRow, q: QuestionRow): ModalView {
  return {
    type: 'modal',
    title: pt('Answer sent'),
    close: pt('Close'),
    blocks: [
      section(
        `:speech_balloon: Your answer on handoff #${h.id} *${userText(h.accountName, 150)}* is on its way to ${mention(q.askedByUserId)}, as a reply under their packet.${q.pausedAt ? ' Their clock runs again, the paused time added to their deadline.' : ''}`,
      ),
    ],
  };
}

/** The Answer button of a question (the author's, while it waits). */
export function answerButton(h: HandoffRow, q: Pick<QuestionRow, 'id'>): ActionsBlock {
  return {
    type: 'actions',
    block_id: `question_${q.id}`,
    elements: [
      button(
        { text: 'Answer', actionId: ACTION_ID.answerQuestion, value: String(q.id), style: 'primary' },
        h,
      ),
    ],
  };
}

/** Whether the question is this AE's, the handoff still waits for their answer, and the question for the author's. */
const stillAsked = (h: HandoffRow, q: QuestionRow) =>
  awaitsAe(h.status) && q.assignment === h.assignment && q.answeredAt === null;

/** The AE's clock, as the question's readers read it: what the pause did, and where it stands. */
function clockNote(h: HandoffRow, q: QuestionRow, reader: string | undefined): string | undefined {
  // "Your clock" to the AE; "<@AE>'s clock" to anyone else (a mention is never re-cased).
  const ae = reader === h.aeUserId ? 'Your clock' : `${mention(h.aeUserId)}'s clock`;
  const aeMid = reader === h.aeUserId ? 'your clock' : ae;
  const due = `*${deadlineFor(h, reader)}*`;
  if (!awaitsAe(h.status) || q.assignment !== h.assignment)
    return q.answeredAt ? undefined : 'No answer is needed now.';
  if (q.answeredAt)
    return q.pausedAt
      ? `The answer started ${aeMid} again, the paused time added: answer due ${due}.`
      : `Answer due ${due}.`;
  const author = reader === h.authorUserId ? 'you answer' : `${mention(h.authorUserId)} answers`;
  if (h.pausedAt)
    return `${ae} is paused until ${author}, at most until *${slackDate(h.pauseEndsAt ?? h.dueAt, h.aeTimeZone)}*.`;
  if (q.pausedAt)
    return `No answer came while the clock was paused: ${aeMid} runs again since ${slackDate(q.pauseEndedAt ?? h.updatedAt, h.aeTimeZone)}, answer due ${due}.${reader === h.authorUserId ? ' You can still answer.' : ''}`;
  return `${ae} keeps running: answer due ${due}.`;
}

/** The question's first line, from its reader's side. */
function questionHead(h: HandoffRow, q: QuestionRow, reader: string | undefined): string {
  const title = handoffTitle(h);
  if (reader === q.askedByUserId)
    return `:question: Your question to ${mention(h.authorUserId)} about handoff ${title}:`;
  if (reader === h.authorUserId)
    return `:question: ${mention(q.askedByUserId)} asks you about handoff ${title} before deciding:`;
  return `:question: ${mention(q.askedByUserId)} asked ${mention(h.authorUserId)} about handoff ${title} before deciding:`;
}

/** What a reader was notified with (a phone shows only this). */
function questionText(h: HandoffRow, q: QuestionRow, reader: string | undefined): string {
  const asker = q.askedByUserId === h.aeUserId ? userText(h.aeName, 100) : 'the AE';
  if (reader === q.askedByUserId)
    return notifyText(
      h,
      q.answeredAt ? 'the author answered your question.' : 'no answer yet: your clock runs again.',
    );
  if (reader === h.authorUserId) return notifyText(h, `${asker} asks you a question before deciding.`);
  return notifyText(h, `${asker} asked the author a question before deciding.`);
}

/**
 * The AE's question as one reader reads it (the author with Answer while it waits, the owner, the AE after the answer
 * or the pause's end): the question, the answer once given, and the AE's clock.
 */
export function questionMessage(
  h: HandoffRow,
  q: QuestionRow,
  reader: string | undefined,
  canAnswer: boolean,
): SlackMessage {
  const blocks: KnownBlock[] = [section(`${questionHead(h, q, reader)}\n${quote(q.text)}`)];
  if (q.answeredAt && q.answer !== null) {
    const by =
      q.answeredByUserId === reader
        ? '*Your answer*'
        : `*${mention(q.answeredByUserId ?? h.authorUserId)}'s answer*`;
    blocks.push(section(`${by} (${slackDate(q.answeredAt, h.aeTimeZone)}):\n${quote(q.answer)}`));
  }
  const note = clockNote(h, q, reader);
  if (note) blocks.push(context(note));
  if (canAnswer && stillAsked(h, q)) blocks.push(answerButton(h, q));
  return { text: questionText(h, q, reader), blocks };
}

/** The question on the AE's packet (and in View): what was asked, and the answer once given. */
export function packetQuestion(h: HandoffRow, q: QuestionRow, reader: string | undefined): KnownBlock {
  const asked =
    reader === q.askedByUserId
      ? `*Your question to ${mention(h.authorUserId)}*`
      : `*${mention(q.askedByUserId)}'s question to ${mention(h.authorUserId)}*`;
  const answer =
    q.answeredAt && q.answer !== null
      ? `\n*Answer* (${slackDate(q.answeredAt, h.aeTimeZone)}):\n${quote(q.answer, 1200)}`
      : '\n_No answer yet._';
  return section(
    `${asked} (${slackDate(q.askedAt, h.aeTimeZone)}, internal):\n${quote(q.text, 1200)}${answer}`,
  );
}
