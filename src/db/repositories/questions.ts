import { and, asc, desc, eq, inArray, isNotNull, isNull, lte } from 'drizzle-orm';
import type { Executor, Tx } from '../client.js';
import { first, tablesOf } from '../engine.js';
import { own, ownRow } from '../owned.js';
import type { HandoffRow, QuestionRow } from '../schema.js';
import { findOutboxByRecordAs, findPostedMessage } from './postedMessages.js';

// Written for both engines (db/engine.ts): the tables come from the executor, and queries are awaited.

/**
 * Before deciding: the AE's question to the author (one per assignment) and its answer, the pause of the
 * AE's clock while it waits, and the more time an owner gave. The handoff keeps what the lifecycle's guards read
 * (`questionAssignment`, `questionOpen`, `pausedAt`, `moreTime`); the text is here.
 */

export type { QuestionRow };

export interface NewQuestion {
  handoffId: number;
  assignment: number;
  askedByUserId: string;
  at: Date;
  text: string;
  /** The pause it starts (null: QUESTION_PAUSE_DAYS=0, the clock runs on). */
  pausedAt: Date | null;
}

/** Stores the question; undefined when this assignment already asked one (a double submit). Inside the transaction. */
export async function insertQuestion(exec: Tx, input: NewQuestion): Promise<QuestionRow | undefined> {
  const { questions } = tablesOf(exec);
  const [row] = await exec
    .insert(questions)
    .values(
      ownRow(exec, {
        handoffId: input.handoffId,
        assignment: input.assignment,
        askedByUserId: input.askedByUserId,
        askedAt: input.at,
        text: input.text,
        pausedAt: input.pausedAt,
      }),
    )
    .onConflictDoNothing()
    .returning();
  return row;
}

export async function findQuestion(exec: Executor, id: number): Promise<QuestionRow | undefined> {
  const { questions } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(questions)
      .where(and(own(exec, questions), eq(questions.id, id))),
  );
}

/** The question the AE of this assignment asked, if any. */
export async function questionOf(
  exec: Executor,
  handoffId: number,
  assignment: number,
): Promise<QuestionRow | undefined> {
  const { questions } = tablesOf(exec);
  return first(
    exec
      .select()
      .from(questions)
      .where(
        and(own(exec, questions), eq(questions.handoffId, handoffId), eq(questions.assignment, assignment)),
      ),
  );
}

/** Records the author's answer once; false when it was answered already. */
export async function answerQuestion(
  exec: Tx,
  id: number,
  answer: { text: string; byUserId: string; at: Date },
): Promise<boolean> {
  const { questions } = tablesOf(exec);
  const answered = await exec
    .update(questions)
    .set({ answer: answer.text, answeredByUserId: answer.byUserId, answeredAt: answer.at })
    .where(and(own(exec, questions), eq(questions.id, id), isNull(questions.answeredAt)))
    .returning({ id: questions.id });
  return answered.length > 0;
}

/**
 * Ends the pause the handoff's question started, if it still runs: the answer, the pause's longest, a decision, a
 * move to another AE or a withdrawal. Returns the question whose pause it ended (its pause is then `pausedAt` to `at`).
 */
export async function endPause(exec: Tx, handoffId: number, at: Date): Promise<QuestionRow | undefined> {
  const { questions } = tablesOf(exec);
  const [row] = await exec
    .update(questions)
    .set({ pauseEndedAt: at })
    .where(
      and(
        own(exec, questions),
        eq(questions.handoffId, handoffId),
        isNotNull(questions.pausedAt),
        isNull(questions.pauseEndedAt),
      ),
    )
    .returning();
  return row;
}

/** The questions still waiting for this author's answer, oldest first (their App Home). */
export async function questionsWaitingFor(
  exec: Executor,
  authorUserId: string,
  limit: number,
): Promise<{ question: QuestionRow; handoff: HandoffRow }[]> {
  const { handoffs, questions } = tablesOf(exec);
  const rows = await exec
    .select({ question: questions, handoff: handoffs })
    .from(handoffs)
    .innerJoin(
      questions,
      and(
        eq(questions.handoffId, handoffs.id),
        eq(questions.assignment, handoffs.questionAssignment),
        own(exec, questions),
      ),
    )
    .where(
      and(
        own(exec, handoffs),
        eq(handoffs.authorUserId, authorUserId),
        eq(handoffs.status, 'sent'),
        eq(handoffs.questionOpen, true),
        eq(handoffs.questionAssignment, handoffs.assignment),
      ),
    )
    .orderBy(asc(questions.askedAt))
    .limit(limit);
  return rows;
}

/** The current questions of these handoffs (their AE's), for lists that show a pause. */
export async function currentQuestionsOf(
  exec: Executor,
  handoffs: readonly Pick<HandoffRow, 'id' | 'assignment' | 'questionAssignment'>[],
): Promise<Map<number, QuestionRow>> {
  const asked = handoffs.filter((h) => h.questionAssignment === h.assignment);
  if (asked.length === 0) return new Map();
  const { questions } = tablesOf(exec);
  const rows = await exec
    .select()
    .from(questions)
    .where(
      and(
        own(exec, questions),
        inArray(
          questions.handoffId,
          asked.map((h) => h.id),
        ),
      ),
    );
  const byHandoff = new Map<number, QuestionRow>();
  for (const row of rows) {
    const h = asked.find((x) => x.id === row.handoffId);
    if (h && row.assignment === h.assignment) byHandoff.set(row.handoffId, row);
  }
  return byHandoff;
}

/** Waiting handoffs whose paused clock reached the pause's longest (handoffs_status_pause_ends_at_idx). */
export async function findPauseEnded(exec: Executor, now: Date, limit: number): Promise<HandoffRow[]> {
  const { handoffs } = tablesOf(exec);
  return exec
    .select()
    .from(handoffs)
    .where(and(own(exec, handoffs), eq(handoffs.status, 'sent'), lte(handoffs.pauseEndsAt, now)))
    .orderBy(asc(handoffs.pauseEndsAt))
    .limit(limit);
}

/** Who gave the more time the AE asked for, and when (null actor: given at once by MORE_TIME_APPROVAL=auto). */
export async function moreTimeGrant(
  exec: Executor,
  handoffId: number,
): Promise<{ by: string | null; at: Date } | undefined> {
  const { handoffEvents } = tablesOf(exec);
  const row = await first(
    exec
      .select({ by: handoffEvents.actorUserId, at: handoffEvents.at })
      .from(handoffEvents)
      .where(
        and(
          own(exec, handoffEvents),
          eq(handoffEvents.handoffId, handoffId),
          eq(handoffEvents.type, 'more_time_granted'),
        ),
      )
      .orderBy(desc(handoffEvents.id))
      .limit(1),
  );
  return row;
}

/**
 * Whether a message recorded under `key` was posted, or is on its way: a reply can thread under it. A message Slack
 * refused for good (or one never sent, on a handoff older than the record) cannot be replied under.
 */
export async function canThreadUnder(exec: Executor, key: string): Promise<boolean> {
  if (await findPostedMessage(exec, key)) return true;
  return (await findOutboxByRecordAs(exec, key))?.status === 'pending';
}
