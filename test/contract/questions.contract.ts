import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import { logEvent } from '../../src/db/repositories/events.js';
import { findHandoff } from '../../src/db/repositories/handoffs.js';
import * as repo from '../../src/db/repositories/questions.js';
import { contract } from './engine.js';
import { addHandoff, outboxRowsAt, queueRows } from './seed.js';

export default contract('questions repository', ({ db, at, plus, write }) => {
  const ask = (handoffId: number, assignment = 1, pausedAt: Date | null = at) =>
    write(repo.insertQuestion, {
      handoffId,
      assignment,
      askedByUserId: 'U0AE',
      at,
      text: 'Who signs?',
      pausedAt,
    });

  it('stores one question per AE of a handoff, read back to the millisecond; a second is not stored', async () => {
    const handoffId = await addHandoff(db, at);
    const question = await ask(handoffId);
    expect(question).toMatchObject({
      handoffId,
      assignment: 1,
      askedByUserId: 'U0AE',
      askedAt: at,
      text: 'Who signs?',
      pausedAt: at,
      pauseEndedAt: null,
      answer: null,
    });
    expect(await ask(handoffId)).toBeUndefined();
    const second = await ask(handoffId, 2, null);
    expect(second?.assignment).toBe(2);
    expect(await repo.questionOf(db, handoffId, 1)).toEqual(question);
    expect(await repo.findQuestion(db, second?.id ?? 0)).toEqual(second);
  });

  it('answers once, and ends a running pause once, at the time given', async () => {
    const handoffId = await addHandoff(db, at);
    const question = await ask(handoffId);
    if (!question) throw new Error('not stored');
    const answer = { text: 'The CFO', byUserId: 'U0AUTHOR', at: plus(60_000) };
    expect(await write(repo.answerQuestion, question.id, answer)).toBe(true);
    expect(await write(repo.answerQuestion, question.id, { ...answer, text: 'x' })).toBe(false);
    const ended = await write(repo.endPause, handoffId, plus(60_000));
    expect(ended).toMatchObject({ id: question.id, pauseEndedAt: plus(60_000) });
    expect(await write(repo.endPause, handoffId, plus(120_000))).toBeUndefined();
    expect(await repo.findQuestion(db, question.id)).toMatchObject({
      answer: 'The CFO',
      answeredByUserId: 'U0AUTHOR',
      answeredAt: plus(60_000),
      pauseEndedAt: plus(60_000),
    });
  });

  it("lists an author's open questions of waiting handoffs, and the current question of each handoff", async () => {
    const open = await addHandoff(db, at, { questionAssignment: 1, questionOpen: true });
    const moved = await addHandoff(db, at, { assignment: 2, questionAssignment: 1, questionOpen: true });
    const decided = await addHandoff(db, at, {
      status: 'accepted',
      questionAssignment: 1,
      questionOpen: true,
    });
    const other = await addHandoff(db, at, {
      authorUserId: 'U0OTHER',
      questionAssignment: 1,
      questionOpen: true,
    });
    for (const id of [open, moved, decided, other]) await ask(id);
    const waiting = await repo.questionsWaitingFor(db, 'U0AUTHOR', 10);
    expect(waiting.map((w) => [w.handoff.id, w.question.handoffId])).toEqual([[open, open]]);
    const rows = await Promise.all([open, moved].map(async (id) => findHandoff(db, id)));
    const current = await repo.currentQuestionsOf(
      db,
      rows.flatMap((h) => (h ? [h] : [])),
    );
    expect([...current.keys()]).toEqual([open]);
  });

  it('finds paused clocks whose pause reached its longest, soonest first', async () => {
    const late = await addHandoff(db, at, { pausedAt: at, pauseEndsAt: plus(2000) });
    const early = await addHandoff(db, at, { pausedAt: at, pauseEndsAt: plus(1000) });
    await addHandoff(db, at, { pausedAt: at, pauseEndsAt: plus(5000) });
    await addHandoff(db, at, { status: 'accepted', pauseEndsAt: plus(1000) });
    expect((await repo.findPauseEnded(db, plus(2000), 10)).map((h) => h.id)).toEqual([early, late]);
  });

  it("says who gave the AE's more time, and whether a reply can thread under a message", async () => {
    const handoffId = await addHandoff(db, at);
    expect(await repo.moreTimeGrant(db, handoffId)).toBeUndefined();
    const h = await findHandoff(db, handoffId);
    if (!h) throw new Error('no handoff');
    await write(logEvent, {
      type: 'more_time_granted',
      before: h,
      after: h,
      actor: { userId: 'U0OWNER', teamId: 'T0INTERNAL' },
      at: plus(10),
      detail: { days: 2 },
    });
    expect(await repo.moreTimeGrant(db, handoffId)).toEqual({ by: 'U0OWNER', at: plus(10) });
    expect(await repo.canThreadUnder(db, 'handoff:1:sent:author')).toBe(false);
    await queueRows(db, [outboxRowsAt(at)({ dedupeKey: 'k1', recordAs: 'handoff:1:sent:author' })]);
    expect(await repo.canThreadUnder(db, 'handoff:1:sent:author')).toBe(true);
    await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).postedMessages)
        .values(
          ownRow(tx, { messageKey: 'handoff:2:sent:author', channelId: 'D0AUTHOR', ts: '1.2', postedAt: at }),
        ),
    );
    expect(await repo.canThreadUnder(db, 'handoff:2:sent:author')).toBe(true);
  });
});
