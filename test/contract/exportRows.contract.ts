import { expect, it } from 'vitest';
import { tablesOf } from '../../src/db/engine.js';
import { ownRow } from '../../src/db/owned.js';
import { countSent, type ExportRow, exportRows } from '../../src/db/repositories/exportRows.js';
import type { decisions, handoffEvents, NewHandoffRow, outcomes } from '../../src/db/schema.js';
import { contract } from './engine.js';
import { addHandoff } from './seed.js';

type NewEvent = typeof handoffEvents.$inferInsert;
type NewDecision = typeof decisions.$inferInsert;
type NewOutcome = typeof outcomes.$inferInsert;

export default contract('exportRows repository', ({ db, at, plus }) => {
  const ms = (n: number) => at.getTime() + n;
  const handoff = (sentAt: Date, over: Partial<NewHandoffRow> = {}) => addHandoff(db, sentAt, over);

  async function partner(name: string): Promise<number> {
    const [inserted] = await db.transaction((tx) =>
      tx
        .insert(tablesOf(tx).partners)
        .values(ownRow(tx, { name, key: name.toLowerCase(), domain: null, createdAt: at, updatedAt: at }))
        .returning({ id: tablesOf(tx).partners.id }),
    );
    if (!inserted) throw new Error('no partner inserted');
    return inserted.id;
  }

  const event = (handoffId: number, type: NewEvent['type'], over: Partial<NewEvent> = {}): NewEvent => ({
    handoffId,
    type,
    fromStatus: 'sent',
    toStatus: 'sent',
    actorUserId: null,
    actorTeamId: null,
    aeUserId: 'U0AE',
    assignment: 1,
    cycle: 1,
    at,
    businessHours: null,
    detail: null,
    ...over,
  });

  const decision = (handoffId: number, over: Partial<NewDecision> & Pick<NewDecision, 'decision'>) => ({
    handoffId,
    assignment: 1,
    reasonCode: null,
    note: null,
    decidedByUserId: 'U0AE',
    decidedByTeamId: 'T0INTERNAL',
    decidedAt: at,
    ...over,
  });

  const outcome = (
    handoffId: number,
    over: Partial<NewOutcome> & Pick<NewOutcome, 'outcome'>,
  ): NewOutcome => ({
    handoffId,
    crmOpportunity: null,
    reasonCode: null,
    note: null,
    recordedByUserId: 'U0AE',
    recordedAt: at,
    ...over,
  });

  async function write(rows: { events?: NewEvent[]; decisions?: NewDecision[]; outcomes?: NewOutcome[] }) {
    await db.transaction(async (tx) => {
      const t = tablesOf(tx);
      const owned = <R extends object>(list: R[]) => list.map((row) => ownRow(tx, row));
      if (rows.events?.length) await tx.insert(t.handoffEvents).values(owned(rows.events));
      if (rows.decisions?.length) await tx.insert(t.decisions).values(owned(rows.decisions));
      if (rows.outcomes?.length) await tx.insert(t.outcomes).values(owned(rows.outcomes));
    });
  }

  it('counts the handoffs sent in [since, until)', async () => {
    expect(await countSent(db, { since: at, until: plus(10) })).toBe(0);
    await handoff(plus(-1));
    await handoff(at);
    await handoff(plus(9));
    await handoff(plus(10));
    expect(await countSent(db, { since: at, until: plus(10) })).toBe(2);
    expect(await countSent(db, { since: plus(-1), until: plus(11) })).toBe(4);
    expect(await countSent(db, { since: at, until: at })).toBe(0);
    expect(await countSent(db, { since: plus(1), until: plus(9) })).toBe(0);
  });

  it('exports a decided, reassigned handoff with its decision, counts, expiry and latest outcome', async () => {
    const partnerId = await partner('Meridian Partners');
    const h = await handoff(at, {
      status: 'accepted',
      assignment: 2,
      partnerId,
      partnerOrg: 'Meridian',
      crmOpportunity: 'typed-opp',
      classification: 'partner_sourced',
      classificationReason: 'First touch by the partner.',
      evidenceUrl: 'https://example.com/thread',
      score: 17,
      scoreBand: 'ready',
      outcome: 'won',
      aeUserId: 'U0AE2',
      aeName: 'Sam Closer',
      ownerUserId: 'U0OWNER',
      // Accepted with a commitment (issue 51): its first step, date and estimated value.
      firstStep: 'Intro call with Dana Whitfield',
      firstStepDue: '2026-12-02',
      estimatedValue: 48_000,
      firstStepDoneAt: plus(6_000),
      stepNewDates: 1,
    });
    await write({
      events: [
        event(h, 'reminded', { at: plus(100) }),
        event(h, 'reminded', { at: plus(200) }),
        event(h, 'declined', { at: plus(1_000), businessHours: 1.5, toStatus: 'declined' }),
        event(h, 'expired', {
          at: plus(2_000),
          toStatus: 'expired',
          detail: { away: 'vacation', until: '2026-12-01', days: 3 },
        }),
        event(h, 'reassigned', { at: plus(3_000), assignment: 2, cycle: 2 }),
        // The new AE asked the author a question before deciding (issue 51).
        event(h, 'question_asked', { at: plus(3_200), assignment: 2, cycle: 2 }),
        event(h, 'extended', { at: plus(3_500), assignment: 2, cycle: 3 }),
        event(h, 'accepted', { at: plus(4_000), assignment: 2, businessHours: 9 }),
        event(h, 'accepted', { at: plus(5_000), assignment: 2, businessHours: 2.25, toStatus: 'accepted' }),
      ],
      decisions: [
        decision(h, { decision: 'declined', reasonCode: 'timing', decidedAt: plus(1_000) }),
        decision(h, {
          decision: 'accepted',
          assignment: 2,
          decidedByUserId: 'U0AE2',
          decidedAt: plus(5_000),
        }),
      ],
      outcomes: [
        outcome(h, { outcome: 'opportunity_created', crmOpportunity: 'OPP-1', recordedAt: plus(6_000) }),
        outcome(h, { outcome: 'won', recordedAt: plus(7_000) }),
      ],
    });
    const [row, ...rest] = await exportRows(db, at, plus(10));
    expect(rest).toEqual([]);
    expect(JSON.parse(row?.expiryDetail ?? 'null')).toEqual({
      away: 'vacation',
      until: '2026-12-01',
      days: 3,
    });
    expect(row).toEqual({
      id: h,
      sentAt: ms(0),
      status: 'accepted',
      accountName: 'Northwind Logistics',
      crmOpportunity: 'typed-opp',
      partnerOrg: 'Meridian Partners',
      partnerContactName: 'Dana Reyes',
      authorUserId: 'U0AUTHOR',
      ownerUserId: 'U0OWNER',
      aeUserId: 'U0AE2',
      aeName: 'Sam Closer',
      classification: 'partner_sourced',
      classificationReason: 'First touch by the partner.',
      evidenceUrl: 'https://example.com/thread',
      score: 17,
      scoreBand: 'ready',
      decision: 'accepted',
      decidedAt: ms(5_000),
      decidedBy: 'U0AE2',
      declineReason: null,
      businessHours: 2.25,
      dueAt: ms(3 * 86_400_000),
      expiredAt: ms(2_000),
      expiryDetail: row?.expiryDetail ?? null,
      assignment: 2,
      withdrawnAt: null,
      reminders: 2,
      reassignments: 1,
      extensions: 1,
      outcome: 'won',
      outcomeAt: ms(7_000),
      outcomeOpportunity: 'OPP-1',
      lostReason: null,
      declines: 1,
      latestDeclineReason: 'timing',
      // Every expiry, with its AE and detail (the silence audit of issue 50).
      expiries: [
        {
          at: ms(2_000),
          aeUserId: 'U0AE',
          detail: { away: 'vacation', until: '2026-12-01', days: 3 },
        },
      ],
      questions: 1,
      firstStep: 'Intro call with Dana Whitfield',
      firstStepDue: '2026-12-02',
      estimatedValue: 48_000,
      firstStepDoneAt: ms(6_000),
      stepNewDates: 1,
      takenBackAt: null,
      takenBackHow: null,
      sourceUrl: null,
      routingReason: null,
      crmSystem: null,
      crmRecordId: null,
      money: null,
    } satisfies ExportRow);
    expect(typeof row?.expiryDetail).toBe('string');
  });

  it('exports undecided, expired, lost and withdrawn handoffs in [since, until), oldest first then by id', async () => {
    await handoff(plus(-1));
    const expired = await handoff(plus(3), {
      status: 'expired',
      expiredAt: plus(3_000),
      partnerId: null,
      partnerOrg: 'Typed Partner Org',
    });
    const lost = await handoff(plus(1), { status: 'accepted', outcome: 'lost' });
    const sent = await handoff(at);
    const withdrawn = await handoff(plus(3), { status: 'withdrawn', withdrawnAt: plus(4_000) });
    await handoff(plus(10));
    await write({
      events: [
        event(expired, 'expired', { at: plus(2_500), detail: { away: 'sick' } }),
        // The latest expiry event is the one read: an expiry whose detail is empty.
        event(expired, 'expired', { at: plus(2_900), detail: null }),
        event(lost, 'declined', { at: plus(50), businessHours: 4 }),
        event(lost, 'extended', { at: plus(60) }),
      ],
      decisions: [
        decision(lost, { decision: 'accepted', decidedAt: plus(70), reasonCode: null }),
        // A decline of another assignment of the handoff still counts among its declines.
        decision(lost, {
          decision: 'declined',
          assignment: 3,
          reasonCode: 'wrong_owner',
          decidedAt: plus(80),
        }),
        decision(lost, {
          decision: 'declined',
          assignment: 4,
          reasonCode: 'duplicate',
          decidedAt: plus(90),
        }),
      ],
      outcomes: [
        outcome(lost, { outcome: 'meeting_held', recordedAt: plus(100) }),
        outcome(lost, { outcome: 'opportunity_created', crmOpportunity: 'OPP-OLD', recordedAt: plus(110) }),
        outcome(lost, {
          outcome: 'lost',
          reasonCode: 'no_budget',
          recordedAt: plus(120),
          crmOpportunity: 'OPP-LOST',
        }),
      ],
    });
    const rows = await exportRows(db, at, plus(10));
    expect(rows.map((r) => r.id)).toEqual([sent, lost, ...[expired, withdrawn].sort((a, b) => a - b)]);
    const byId = new Map(rows.map((r) => [r.id, r]));
    const none = {
      decision: null,
      decidedAt: null,
      decidedBy: null,
      declineReason: null,
      businessHours: null,
      expiredAt: null,
      expiryDetail: null,
      withdrawnAt: null,
      reminders: 0,
      reassignments: 0,
      extensions: 0,
      outcome: null,
      outcomeAt: null,
      outcomeOpportunity: null,
      lostReason: null,
      declines: 0,
      latestDeclineReason: null,
      crmOpportunity: null,
      classification: null,
      classificationReason: null,
      evidenceUrl: null,
      score: null,
      scoreBand: null,
    };
    expect(byId.get(sent)).toMatchObject({
      ...none,
      status: 'sent',
      sentAt: ms(0),
      dueAt: ms(3 * 86_400_000),
      assignment: 1,
      partnerOrg: 'Meridian',
    });
    expect(byId.get(expired)).toMatchObject({
      ...none,
      status: 'expired',
      sentAt: ms(3),
      // The handoff's own expiry wins over the touch log's; the detail is the latest expiry event's.
      expiredAt: ms(3_000),
      expiryDetail: null,
      partnerOrg: 'Typed Partner Org',
    });
    // Every expiry is kept, oldest first: the one while away and the silent one after it.
    expect(byId.get(expired)?.expiries.map((e) => [e.at, e.detail])).toEqual([
      [ms(2_500), { away: 'sick' }],
      [ms(2_900), null],
    ]);
    expect(byId.get(sent)?.expiries).toEqual([]);
    expect(byId.get(withdrawn)).toMatchObject({ ...none, status: 'withdrawn', withdrawnAt: ms(4_000) });
    expect(byId.get(lost)).toMatchObject({
      ...none,
      status: 'accepted',
      sentAt: ms(1),
      decision: 'accepted',
      decidedAt: ms(70),
      decidedBy: 'U0AE',
      // No accepted event for the decision: no business hours (the declined event is another decision's).
      businessHours: null,
      extensions: 1,
      outcome: 'lost',
      outcomeAt: ms(120),
      // The lost row's own CRM id first.
      outcomeOpportunity: 'OPP-LOST',
      lostReason: 'no_budget',
      declines: 2,
      latestDeclineReason: 'duplicate',
    });
    expect(await exportRows(db, plus(10), plus(10))).toEqual([]);
  });

  it('carries the opportunity recorded with "Opportunity created" onto a later outcome, the latest first', async () => {
    const h = await handoff(at, { status: 'accepted', outcome: 'won' });
    const other = await handoff(plus(1), { status: 'accepted', outcome: 'opportunity_created' });
    await write({
      outcomes: [
        outcome(h, { outcome: 'meeting_held', crmOpportunity: 'OPP-MEETING', recordedAt: plus(10) }),
        outcome(h, { outcome: 'opportunity_created', crmOpportunity: 'OPP-1', recordedAt: plus(20) }),
        outcome(h, { outcome: 'won', recordedAt: plus(30) }),
        outcome(other, { outcome: 'opportunity_created', crmOpportunity: 'OPP-2', recordedAt: plus(40) }),
      ],
    });
    const rows = await exportRows(db, at, plus(2));
    expect(rows.map((r) => [r.id, r.outcome, r.outcomeAt, r.outcomeOpportunity, r.lostReason])).toEqual([
      [h, 'won', ms(30), 'OPP-1', null],
      [other, 'opportunity_created', ms(40), 'OPP-2', null],
    ]);
  });

  it('reads the expiry from the touch log when the handoff no longer has one', async () => {
    const h = await handoff(at, { status: 'sent', assignment: 2 });
    await write({
      events: [
        event(h, 'expired', { at: plus(500), detail: { away: 'old' } }),
        event(h, 'expired', { at: plus(900), detail: { away: 'parental leave' } }),
        event(h, 'reassigned', { at: plus(1_000), assignment: 2 }),
      ],
    });
    const [row] = await exportRows(db, at, plus(1));
    expect(row?.expiredAt).toBe(ms(900));
    expect(row?.expiryDetail).toBe('{"away":"parental leave"}');
    expect(row?.reassignments).toBe(1);
    expect(row?.assignment).toBe(2);
  });

  it('reads the latest take-back from the touch log, and how: handed back by the AE, or taken back idle', async () => {
    // Handed back by its first AE, reassigned, then taken back from the next one by the policy and sent on again.
    const twice = await handoff(at, { status: 'sent', assignment: 3, takenBackAt: plus(700) });
    const handed = await handoff(plus(1), { status: 'taken_back', takenBackAt: plus(300) });
    const never = await handoff(plus(2), { status: 'accepted' });
    await write({
      events: [
        event(twice, 'handed_back', { at: plus(200), toStatus: 'taken_back' }),
        event(twice, 'reassigned', { at: plus(250), assignment: 2 }),
        event(twice, 'taken_back', { at: plus(700), assignment: 2, toStatus: 'taken_back' }),
        event(twice, 'reassigned', { at: plus(700), assignment: 3 }),
        event(handed, 'handed_back', { at: plus(300), toStatus: 'taken_back' }),
      ],
    });
    const rows = await exportRows(db, at, plus(10));
    expect(rows.map((r) => [r.id, r.takenBackAt, r.takenBackHow])).toEqual([
      [twice, ms(700), 'taken_back'],
      [handed, ms(300), 'handed_back'],
      [never, null, null],
    ]);
  });
});
