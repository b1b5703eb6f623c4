import { ASK_TEXT_MAX } from '../blocks/ids.js';
import type { AskRefusal, AskResult } from '../blocks/results.js';
import type { Clock } from '../clock.js';
import { applyTransition, type Lifecycle } from '../core/lifecycle.js';
import { type RequestContext, viewerOf } from '../core/requestContext.js';
import type { Db } from '../db/client.js';
import { findHandoff, type HandoffRow } from '../db/repositories/handoffs.js';
import {
  answerQuestion,
  endPause,
  findQuestion,
  insertQuestion,
  type QuestionRow,
  questionOf,
} from '../db/repositories/questions.js';
import { isInternalActor } from '../domain/actor.js';
import type { AskAction } from '../domain/asks.js';
import { check as policy } from '../domain/lifecycle.js';
import type { Logger } from '../logger.js';
import {
  clockResumedMessages,
  moreTimeAskedMessages,
  questionAnsweredMessages,
  questionAskedMessages,
} from './askMessages.js';
import { grantSpec } from './ownerActions.js';
import { type PauseDeps, pausedHours, pauseStart, resumeChange } from './pauses.js';

/**
 * Before deciding: the AE asks the author one question (their clock pauses while it waits,
 * QUESTION_PAUSE_DAYS), the author answers it (the clock runs again, the paused time added), and the AE asks for more
 * time once per handoff (given at once, or by the owner with one click: MORE_TIME_APPROVAL; the owner's click is
 * escalation/ownerActions.ts `grantMoreTime`). Each is one lifecycle transition (domain/asks.ts).
 */
export interface AskDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  lifecycle: Lifecycle;
  adminUserIds: readonly string[];
  /** A window that ran out is expired first (shared with the sweep): a late click meets the handoff as it is. */
  expireIfDue: (handoff: HandoffRow, now: Date) => Promise<HandoffRow>;
  /** The pause of the AE's clock, and the window planned again when it ends. */
  pauses: PauseDeps;
  /** MORE_TIME_DAYS and MORE_TIME_APPROVAL. */
  moreTime: { days: number; approval: 'owner' | 'auto' };
}

/** What an ask refuses and answers: in blocks/results.ts, where the replies read it. */
export type { AskRefusal, AskResult } from '../blocks/results.js';

export type AskCheck = AskRefusal | { kind: 'ok'; handoff: HandoffRow; question?: QuestionRow };

type HandoffRequest = RequestContext & { handoffId: number };
type QuestionRequest = RequestContext & { questionId: number };

/** Whether this person may do `action` on the handoff now (the lifecycle's policy), with the handoff as it is. */
async function checkHandoff(deps: AskDeps, req: HandoffRequest, action: AskAction): Promise<AskCheck> {
  if (!isInternalActor(req.actor, req.internalTeamIds)) return { kind: 'external' };
  const found = Number.isSafeInteger(req.handoffId) ? await findHandoff(deps.db, req.handoffId) : undefined;
  if (!found) return { kind: 'not_found' };
  const now = deps.clock.now();
  const handoff = await deps.expireIfDue(found, now);
  const verdict = policy(viewerOf(req, deps.adminUserIds), action, handoff, now);
  if (verdict === 'ok') return { kind: 'ok', handoff };
  if (verdict === 'external') return { kind: 'external' };
  if (verdict === 'not_allowed') {
    deps.logger.warn({ handoffId: handoff.id, userId: req.actor.userId, action }, 'ask refused: not theirs');
    return { kind: 'not_allowed', handoff, action };
  }
  return { kind: 'not_now', handoff, action };
}

/** Whether this person may answer this question now: the author, while the AE still waits for it. */
async function checkQuestion(deps: AskDeps, req: QuestionRequest): Promise<AskCheck> {
  const question = Number.isSafeInteger(req.questionId)
    ? await findQuestion(deps.db, req.questionId)
    : undefined;
  if (!question)
    return isInternalActor(req.actor, req.internalTeamIds) ? { kind: 'not_found' } : { kind: 'external' };
  const checked = await checkHandoff(deps, { ...req, handoffId: question.handoffId }, 'answer_question');
  // Answered already, or not the question the handoff now waits for (it moved to another AE): nothing to answer.
  if (checked.kind === 'ok' && (question.answeredAt || question.assignment !== checked.handoff.assignment))
    return { kind: 'not_now', handoff: checked.handoff, action: 'answer_question', question };
  if (checked.kind === 'not_now') return { ...checked, question };
  return checked.kind === 'ok' ? { ...checked, question } : checked;
}

const textOf = (text: string) => text.trim().slice(0, ASK_TEXT_MAX);

/** The AE's question: stored, sent to the author (and the owner), and the AE's clock paused while it waits. */
async function ask(deps: AskDeps, req: HandoffRequest & { text: string }): Promise<AskResult> {
  const text = textOf(req.text);
  if (!text) return { kind: 'invalid', message: 'Write your question first.' };
  const checked = await checkHandoff(deps, req, 'ask_question');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  const at = deps.clock.now();
  const pause = pauseStart(deps.pauses, before, at);
  const applied = await deps.lifecycle.apply({
    event: 'ask_question',
    before,
    actor: req.actor,
    at,
    // A double submit of the modal: the second finds the question asked and changes nothing.
    expect: { questionAssignment: before.questionAssignment },
    change: { questionAssignment: before.assignment, questionOpen: true, ...pause },
    record: async (tx, after) => {
      const question = await insertQuestion(tx, {
        handoffId: after.id,
        assignment: after.assignment,
        askedByUserId: req.actor.userId,
        at,
        text,
        pausedAt: pause ? at : null,
      });
      if (!question)
        throw new Error(`handoff ${after.id} already has a question of assignment ${after.assignment}`);
      return question;
    },
    detail: {
      paused: pause !== undefined,
      ...(pause?.pauseEndsAt ? { pauseEndsAt: pause.pauseEndsAt.toISOString() } : {}),
    },
    owes: (tx, after, question) => questionAskedMessages(tx, after, question),
  });
  if (!applied) return notNow(deps, before, 'ask_question');
  deps.logger.info(
    { handoffId: before.id, paused: pause !== undefined },
    'the AE asked the author a question',
  );
  return { kind: 'asked', handoff: applied.handoff, question: applied.recorded };
}

/** Refused by the transaction's guard (something changed since the check): the handoff as it is now. */
async function notNow(deps: AskDeps, before: HandoffRow, action: AskAction): Promise<AskResult> {
  return { kind: 'not_now', handoff: (await findHandoff(deps.db, before.id)) ?? before, action };
}

/** The author's answer: stored, shown to the AE, and the AE's clock running again with the paused time added. */
async function answer(deps: AskDeps, req: QuestionRequest & { text: string }): Promise<AskResult> {
  const text = textOf(req.text);
  if (!text) return { kind: 'invalid', message: 'Write your answer first.' };
  const checked = await checkQuestion(deps, req);
  if (checked.kind !== 'ok' || !checked.question) return checked as AskRefusal;
  const { handoff: before, question } = checked;
  const at = deps.clock.now();
  const paused = before.pausedAt ? pausedHours(deps.pauses, before, before.pausedAt, at) : undefined;
  const applied = await deps.lifecycle.apply({
    event: 'answer_question',
    before,
    actor: req.actor,
    at,
    expect: { questionOpen: true },
    change: { questionOpen: false, ...(before.pausedAt ? resumeChange(deps.pauses, before, at, at) : {}) },
    record: async (tx) => {
      await answerQuestion(tx, question.id, { text, byUserId: req.actor.userId, at });
      return (await findQuestion(tx, question.id)) ?? question;
    },
    detail: { question: question.id, ...(paused === undefined ? {} : { pausedHours: paused }) },
    owes: (tx, after, answered) => questionAnsweredMessages(tx, after, answered),
  });
  if (!applied) return notNow(deps, before, 'answer_question');
  deps.logger.info({ handoffId: before.id, question: question.id }, 'the author answered the AE');
  return { kind: 'answered', handoff: applied.handoff, question: applied.recorded };
}

/**
 * The AE's request for more time, once per handoff: the owner is asked (their one click gives it), or, with
 * MORE_TIME_APPROVAL=auto, it is given at once in the same transaction (the touch log has both, the grant by the app).
 */
async function askMoreTime(deps: AskDeps, req: HandoffRequest): Promise<AskResult> {
  const checked = await checkHandoff(deps, req, 'ask_more_time');
  if (checked.kind !== 'ok') return checked;
  const before = checked.handoff;
  const at = deps.clock.now();
  const { days, approval } = deps.moreTime;
  const auto = approval === 'auto';
  const applied = await deps.lifecycle.run(async (tx) => {
    const asked = await applyTransition(
      tx,
      {
        event: 'ask_more_time',
        before,
        actor: req.actor,
        at,
        expect: { moreTime: null },
        change: { moreTime: 'asked', moreTimeDays: days },
        detail: { days, approval },
        owes: (_tx, after) => (auto ? [] : moreTimeAskedMessages(after, days)),
      },
      deps.lifecycle.hearers,
    );
    if (!asked || !auto) return asked;
    return applyTransition(tx, grantSpec(deps.pauses, asked.handoff, null, at), deps.lifecycle.hearers);
  });
  if (!applied) return notNow(deps, before, 'ask_more_time');
  deps.logger.info({ handoffId: before.id, days, approval }, 'the AE asked for more time');
  return { kind: 'more_time', handoff: applied.handoff, granted: auto };
}

/**
 * The pause reached QUESTION_PAUSE_DAYS without an answer (the sweep): the AE's clock runs again from the pause's
 * longest, the paused time added to the deadline, and both the AE and the author are told. The author may still
 * answer. False when there was nothing to do (answered or changed meanwhile).
 */
export async function resumeAtLimit(
  deps: Pick<AskDeps, 'lifecycle' | 'pauses' | 'logger'>,
  h: HandoffRow,
  now: Date,
): Promise<boolean> {
  const endedAt = h.pauseEndsAt;
  if (!h.pausedAt || !endedAt || endedAt.getTime() > now.getTime()) return false;
  const applied = await deps.lifecycle.apply({
    event: 'resume_clock',
    before: h,
    actor: null,
    at: now,
    change: resumeChange(deps.pauses, h, endedAt, now),
    // The pause ended at its longest, not when the sweep came by.
    record: async (tx) => (await endPause(tx, h.id, endedAt)) ?? (await questionOf(tx, h.id, h.assignment)),
    detail: { pausedHours: pausedHours(deps.pauses, h, h.pausedAt, endedAt) },
    owes: (tx, after, question) => (question ? clockResumedMessages(tx, after, question) : []),
  });
  if (applied) deps.logger.info({ handoffId: h.id }, 'no answer within the pause: the clock runs again');
  return applied !== undefined;
}

export function createAsks(deps: AskDeps) {
  return {
    check: (req: HandoffRequest, action: AskAction): Promise<AskCheck> => checkHandoff(deps, req, action),
    checkQuestion: (req: QuestionRequest): Promise<AskCheck> => checkQuestion(deps, req),
    ask: (req: HandoffRequest & { text: string }): Promise<AskResult> => ask(deps, req),
    answer: (req: QuestionRequest & { text: string }): Promise<AskResult> => answer(deps, req),
    askMoreTime: (req: HandoffRequest): Promise<AskResult> => askMoreTime(deps, req),
  };
}

export type Asks = ReturnType<typeof createAsks>;
