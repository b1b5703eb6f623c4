import { dm, messageKey, post, surface } from '../core/notifications.js';
import type { Tx } from '../db/client.js';
import type { OutboxMessage } from '../db/repositories/outbox.js';
import { canThreadUnder } from '../db/repositories/questions.js';
import type { HandoffRow, QuestionRow } from '../db/schema.js';

/**
 * What the AE's asks before deciding owe, as outbox rows: surfaces, each a view of the question or of the
 * request for more time, brought up to date with every later change. The partner is owed nothing: a question, its
 * answer, a pause and more time are internal.
 */

/** The author's confirmation of the send (the first assignment's DM to them): the question threads under it. */
const confirmationKey = (h: Pick<HandoffRow, 'id'>) => `handoff:${h.id}:sent:author`;

/** A reply under the message recorded as `key` when it can be (posted, or on its way); a message of its own if not. */
async function under(tx: Tx, key: string): Promise<{ threadOf?: string }> {
  return (await canThreadUnder(tx, key)) ? { threadOf: key } : {};
}

/** A question surface for `reader`, posted as `event`. */
const questionTo = (
  h: HandoffRow,
  q: QuestionRow,
  event: string,
  reader: string,
  thread: { threadOf?: string },
) => post(h, `question:${q.id}:${event}`, reader, surface(h, 'question', reader, { question: q.id }), thread);

/**
 * The AE asked: the author, with Answer, under their confirmation of the send (where they look for the handoff); the
 * owner too when someone else owns it, told that the AE's clock is paused. The AE's packet shows the pause itself.
 */
export async function questionAskedMessages(tx: Tx, h: HandoffRow, q: QuestionRow): Promise<OutboxMessage[]> {
  const messages = [questionTo(h, q, 'author', h.authorUserId, await under(tx, confirmationKey(h)))];
  if (h.ownerUserId !== h.authorUserId) messages.push(questionTo(h, q, 'owner', h.ownerUserId, {}));
  return messages;
}

/** The author answered: the AE reads it under their packet (their packet shows it too, with their clock again). */
export async function questionAnsweredMessages(
  tx: Tx,
  h: HandoffRow,
  q: QuestionRow,
): Promise<OutboxMessage[]> {
  return [questionTo(h, q, 'answered:ae', h.aeUserId, await under(tx, messageKey.aeDm(h)))];
}

/**
 * The pause reached its longest without an answer: both are told that the clock runs again, the AE under their
 * packet, the author under their confirmation (their Answer moves to this newest message: they can still answer).
 */
export async function clockResumedMessages(tx: Tx, h: HandoffRow, q: QuestionRow): Promise<OutboxMessage[]> {
  return [
    questionTo(h, q, 'resumed:ae', h.aeUserId, await under(tx, messageKey.aeDm(h))),
    questionTo(h, q, 'resumed:author', h.authorUserId, await under(tx, confirmationKey(h))),
  ];
}

/** The AE asked for more time and the owner gives it: the owner is asked, with their one click among their buttons. */
export function moreTimeAskedMessages(h: HandoffRow, days: number): OutboxMessage[] {
  return [dm(h, 'more_time:owner', h.ownerUserId, 'more_time', { days, role: 'owner' })];
}

/**
 * More time given: the AE told, and the owner (their request notice says who gave it; given at once, it is their
 * first word of it). One request per handoff: the keys need no window.
 */
export function moreTimeGrantedMessages(h: HandoffRow, days: number, by: string | null): OutboxMessage[] {
  return [
    dm(h, 'more_time:ae', h.aeUserId, 'more_time', { days, role: 'ae', ...(by ? { by } : {}) }),
    dm(h, 'more_time:owner', h.ownerUserId, 'more_time', { days, role: 'owner' }),
  ];
}
